/*
 * Tests kernel/smp_discover.c itself (issue 18): MADTs served from host memory through the same
 * pointer walk the kernel uses, with the arch's answers (APIC id, APIC mode) stood in for.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "arch/x86/apic.h"
#include "arch/x86/cpu.h"
#include "arch/x86/xen.h"
#include "drivers/acpi/acpi.h"
#include "kernel/acpi_dump.h"
#include "kernel/boot.h"
#include "kernel/cpu.h"
#include "kernel/smp.h"
#include "kernel/smp_internal.h"
#include "kernel/startinfo.h"
#include "tests/unit/acpi_fake.h"

/* ---- what smp_discover.c needs from the rest of the kernel ---- */
struct xen_info xen;
struct cpu cpus[CPU_MAX];
struct smp_stats smp_stats;
struct bootinfo boot_info;
struct cmdline boot_cmdline;
static uint32_t self_apic;
static int x2apic;
static char log_buf[4096];

uint32_t lapic_id(void)
{
	return self_apic;
}
int lapic_x2apic_mode(void)
{
	return x2apic;
}
uint64_t paging_mapped_top(void)
{
	return UINT64_MAX >> 1; /* host pointers are the "physical" addresses */
}
void acpi_dump(const struct acpi_mem *mem, uint64_t rsdp)
{
	(void)mem, (void)rsdp;
}
/* printk: test_xenbus_front.c's stand-in serves the whole binary */

/* ---- tables: RSDP (ACPI 2.0) -> XSDT -> MADT (host pointers need 64 bits) ---- */
static uint8_t rsdp[ACPI_RSDP_V2_LEN], xsdt[44], madt[1024], entries[1024 - ACPI_MADT_HDR_LEN];
static size_t nent;

static void add_entry(const uint8_t *e, size_t n)
{
	cr_assert_leq(nent + n, sizeof(entries));
	memcpy(entries + nent, e, n);
	nent += n;
}

static void lapic(uint8_t uid, uint8_t id, uint32_t flags)
{
	add_entry((const uint8_t[]){ ACPI_FAKE_LAPIC(uid, id, flags) }, 8);
}

static void x2apic_entry(uint32_t uid, uint32_t id, uint32_t flags)
{
	add_entry((const uint8_t[]){ ACPI_FAKE_X2APIC(id, flags, uid) }, 16);
}

static unsigned discover(void)
{
	cr_assert_neq(acpi_fake_madt(madt, sizeof(madt), entries, nent), 0);
	acpi_fake_root(rsdp, xsdt, madt);
	boot_info.rsdp_paddr = (uintptr_t)rsdp;
	memset(cpus, 0, sizeof(cpus));
	memset(&smp_stats, 0, sizeof(smp_stats));
	log_buf[0] = 0;
	return smp_discover();
}

static void setup(void)
{
	xen = (struct xen_info){ 0 }; /* bare metal / QEMU without Xen: INIT-SIPI by APIC id */
	self_apic = 0;
	x2apic = 0;
	boot_cmdline = (struct cmdline){ 0 };
	nent = 0;
}

TestSuite(smp_discover, .init = setup);

Test(smp_discover, four_cpus)
{
	for (int i = 0; i < 4; i++)
		lapic(i, i, ACPI_CPU_ENABLED);
	cr_assert_eq(discover(), 4, "%s", log_buf);
	for (unsigned i = 1; i < 4; i++)
		cr_assert_eq(cpus[i].arch.apic_id, i);
	cr_assert_eq(smp_stats.bad_apic_id, 0);
}

Test(smp_discover, duplicate_apic_id_refused)
{
	lapic(0, 0, ACPI_CPU_ENABLED);
	lapic(1, 2, ACPI_CPU_ENABLED);
	lapic(2, 2, ACPI_CPU_ENABLED); /* another UID, the same CPU: INIT-SIPI twice */
	lapic(3, 0, ACPI_CPU_ENABLED); /* the boot CPU's id under a UID of its own */
	lapic(4, 3, ACPI_CPU_ENABLED);
	cr_assert_eq(discover(), 3, "%s", log_buf);
	cr_assert_eq(cpus[1].arch.apic_id, 2);
	cr_assert_eq(cpus[2].arch.apic_id, 3);
	cr_assert_eq(smp_stats.bad_apic_id, 1, "%s", log_buf);
}

Test(smp_discover, x2apic_ids_beyond_xapic_refused)
{
	lapic(0, 0, ACPI_CPU_ENABLED);
	x2apic_entry(1, 0x1000, ACPI_CPU_ENABLED);     /* would become 0: the boot CPU */
	x2apic_entry(2, 0xffffffff, ACPI_CPU_ENABLED); /* would become 0xff: broadcast */
	x2apic_entry(3, 0xff, ACPI_CPU_ENABLED);       /* broadcast itself */
	x2apic_entry(4, 0xfe, ACPI_CPU_ENABLED);       /* the highest xAPIC id: fine */
	cr_assert_eq(discover(), 2, "%s", log_buf);
	cr_assert_eq(cpus[1].arch.apic_id, 0xfe);
	cr_assert_eq(smp_stats.bad_apic_id, 3);
}

Test(smp_discover, x2apic_mode_takes_large_ids)
{
	x2apic = 1;
	lapic(0, 0, ACPI_CPU_ENABLED);
	x2apic_entry(1, 0x1000, ACPI_CPU_ENABLED);
	x2apic_entry(2, 0x1000, ACPI_CPU_ENABLED); /* still no duplicates */
	cr_assert_eq(discover(), 2, "%s", log_buf);
	cr_assert_eq(cpus[1].arch.apic_id, 0x1000);
	cr_assert_eq(smp_stats.bad_apic_id, 1);
}

Test(smp_discover, on_xen_cpus_are_uids)
{
	/* VCPUOP_up names vCPUs by UID; APIC ids are not used to start them */
	xen.present = 1;
	lapic(0, 0, ACPI_CPU_ENABLED);
	lapic(1, 2, ACPI_CPU_ENABLED);
	lapic(2, 4, ACPI_CPU_ENABLED);
	lapic(3, 6, 0);
	cr_assert_eq(discover(), 3, "%s", log_buf);
	cr_assert_eq(cpus[1].vcpu_id, 1);
	cr_assert_eq(cpus[2].vcpu_id, 2);
	cr_assert_eq(smp_stats.disabled, 1);
}

Test(smp_discover, on_xen_disabled_cpus_are_spares)
{
	/* maxvcpus > vcpus: libxl lists every vCPU, enables the online ones; xl vcpu-set adds the rest */
	xen.present = 1;
	xen.hypercalls = 1;
	lapic(0, 0, ACPI_CPU_ENABLED);
	lapic(1, 2, ACPI_CPU_ENABLED);
	lapic(2, 4, 0);
	lapic(3, 6, 0);
	cr_assert_eq(discover(), 2, "%s", log_buf);
	cr_assert_eq(smp_nspares, 2);
	cr_assert_eq(smp_spares[0].vcpu_id, 2);
	cr_assert_eq(smp_spares[0].apic_id, 4);
	cr_assert_eq(smp_spares[1].vcpu_id, 3);
	cr_assert_eq(smp_spares[1].apic_id, 6);
	cr_assert_eq(smp_cpu_limit, CPU_MAX);
	/* without hypercalls nothing can start them later */
	xen.hypercalls = 0;
	nent = 0;
	lapic(0, 0, ACPI_CPU_ENABLED);
	lapic(1, 2, 0);
	cr_assert_eq(discover(), 1, "%s", log_buf);
	cr_assert_eq(smp_nspares, 0);
}

Test(smp_discover, maxcpus_and_broken_madt)
{
	static char opt[] = "maxcpus=2";
	for (int i = 0; i < 4; i++)
		lapic(i, i, ACPI_CPU_ENABLED);
	boot_cmdline.opts[0] = opt;
	boot_cmdline.nopts = 1;
	cr_assert_eq(discover(), 2, "%s", log_buf);
	cr_assert_eq(smp_stats.over_limit, 2);
	cr_assert_eq(smp_cpu_limit, 2); /* hot-plug respects it too */
	boot_cmdline.nopts = 0;
	nent = 0;
	lapic(0, 0, ACPI_CPU_ENABLED);
	entries[nent - 7] = 1; /* entry length 1: the table is refused, one CPU */
	cr_assert_eq(discover(), 1);
	cr_assert_eq(smp_stats.acpi_errors, 1);
}
