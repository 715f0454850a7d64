/*
 * Which CPUs there are: the ACPI MADT, found through the RSDP the loader gave (or, without Xen,
 * a BIOS-area search), limited by CPU_MAX and the "maxcpus=" option.
 */
#include <stddef.h>
#include "arch/x86/apic.h"
#include "arch/x86/cpu.h"
#include "arch/x86/xen.h"
#include "drivers/acpi/acpi.h"
#include "kernel/acpi_dump.h"
#include "kernel/boot.h"
#include "kernel/cpu.h"
#include "kernel/pmem.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/smp_internal.h"

static struct acpi_cpu madt_cpus[CPU_MAX * 4];
unsigned smp_cpu_limit = CPU_MAX;
struct smp_spare smp_spares[CPU_SPARE_MAX];
unsigned smp_nspares;

/* A vCPU listed but not enabled: Xen may bring it online later (`xl vcpu-set`). */
static void add_spare(const struct acpi_cpu *a)
{
	if (!xen.hypercalls)
		return;
	if (smp_nspares == CPU_SPARE_MAX) {
		pr_warn("acpi: MADT: vCPU %u beyond %u hot-pluggable vCPUs ignored\n", a->uid,
			CPU_SPARE_MAX);
		return;
	}
	smp_spares[smp_nspares++] = (struct smp_spare){ .vcpu_id = a->uid, .apic_id = a->apic_id };
}

/* ACPI tables are read through the identity map: anything mapped but page 0 (never mapped). */
static const void *acpi_map(void *ctx, uint64_t paddr, uint64_t len)
{
	(void)ctx;
	if (paddr < PAGE_SIZE || len > paging_mapped_top() || paddr > paging_mapped_top() - len)
		return NULL;
	return (const void *)(uintptr_t)paddr;
}

static const struct acpi_mem acpi_guest_mem = { acpi_map, NULL };

/* The RSDP the loader gave, or (never on Xen's PVH) one the BIOS area holds; 0 if none. */
static uint64_t find_rsdp(void)
{
	uint64_t rsdp = boot_info.rsdp_paddr;

	if (rsdp)
		return rsdp;
	/* the legacy search only where a BIOS could have put one: never on Xen's PVH */
	if (xen.present || acpi_rsdp_scan(&acpi_guest_mem, &rsdp)) {
		pr_info("acpi: no RSDP (the loader gave none%s); running on one CPU\n",
			xen.present ? "" : ", none in the BIOS area");
		return 0;
	}
	pr_info("acpi: RSDP found by the BIOS-area search at %#lx\n", rsdp);
	return rsdp;
}

static void report_madt(const struct acpi_find *f, const struct acpi_madt *m)
{
	pr_info("acpi: RSDP rev %u (%s), %s, MADT: %u CPUs, %u enabled, %u disabled%s\n",
		f->rsdp.revision, f->rsdp.oem, f->used_xsdt ? "XSDT" : "RSDT", m->ncpus, m->enabled,
		m->disabled + m->online_capable, m->online_capable ? " (some online-capable)" : "");
	if (f->xsdt_bad_signature)
		pr_warn(
		    "acpi: XSDT with a wrong signature but a right checksum used (Xen 4.17 gives a "
		    "PVH dom0 on an RSDT-only host such a header)\n");
	if (m->dropped || m->duplicates || m->bad_apic_id)
		pr_warn("acpi: MADT: %u processor entries beyond %u ignored, %u duplicate UIDs, %u "
			"with APIC id 0xff\n",
			m->dropped, (unsigned)(sizeof(madt_cpus) / sizeof(madt_cpus[0])),
			m->duplicates, m->bad_apic_id);
}

/*
 * Without Xen an AP is started by its APIC id (INIT-SIPI): an id already taken would start one
 * CPU twice, and in xAPIC mode the ICR holds 8 bits, so an x2APIC id above 0xfe would reach
 * another CPU (0x1000 the boot CPU) or all of them (0xff). Such an entry is refused, loudly.
 */
static int apic_id_usable(const struct acpi_cpu *a, unsigned n, uint32_t self_apic, int x2apic)
{
	const char *why = NULL;

	if (!x2apic && a->apic_id >= 0xff)
		why = "beyond what the local APIC in xAPIC mode can address";
	for (unsigned i = 0; i < n && !why; i++)
		if ((i ? cpus[i].arch.apic_id : self_apic) == a->apic_id)
			why = "given to another CPU already";
	if (!why)
		return 1;
	smp_stats.bad_apic_id++;
	pr_warn("acpi: MADT: processor UID %u with APIC id %#x not started: the id is %s\n", a->uid,
		a->apic_id, why);
	return 0;
}

/* From the parsed MADT: cpus[1..] for the enabled CPUs other than this one; returns the count. */
static unsigned fill_cpus(const struct acpi_madt *m)
{
	uint32_t self_apic = lapic_id();
	int found_self = 0;
	unsigned long max = CPU_MAX;
	unsigned n = 1;

	smp_nspares = 0;

	cmdline_opt_uint(&boot_cmdline, "maxcpus", &max);
	smp_cpu_limit = max < CPU_MAX ? (unsigned)max : CPU_MAX;
	for (unsigned i = 0; i < m->ncpus; i++) {
		const struct acpi_cpu *a = &madt_cpus[i];
		int self = xen.present ? a->uid == cpus[0].vcpu_id : a->apic_id == self_apic;

		if (self) {
			found_self = 1;
			cpus[0].arch.apic_id = a->apic_id;
			continue;
		}
		if (!(a->flags & ACPI_CPU_ENABLED)) {
			add_spare(a);
			continue;
		}
		if (!xen.present && !apic_id_usable(a, n, self_apic, lapic_x2apic_mode()))
			continue;
		if (n >= CPU_MAX || n >= max) {
			smp_stats.over_limit++;
			continue;
		}
		struct cpu *c = &cpus[n];
		c->self = c;
		c->index = n++;
		c->vcpu_id = xen.present ? a->uid : a->apic_id;
		c->arch.apic_id = a->apic_id;
	}
	if (!found_self)
		pr_warn("acpi: the boot CPU (%s %u) is not in the MADT\n",
			xen.present ? "vCPU" : "APIC id",
			xen.present ? cpus[0].vcpu_id : self_apic);
	if (smp_stats.over_limit)
		pr_warn("smp: %u enabled CPUs beyond the limit of %lu not started\n",
			smp_stats.over_limit, max < CPU_MAX ? max : CPU_MAX);
	return n;
}

/*
 * Index 0 is this CPU, then the enabled processors in table order. On Xen a CPU is its ACPI
 * processor UID (= vCPU id); without Xen it is its APIC id.
 */
unsigned smp_discover(void)
{
	uint64_t rsdp = find_rsdp();
	struct acpi_find f;
	struct acpi_madt m;
	const void *madt;
	uint32_t len;

	if (!rsdp)
		return 1;
	if (cmdline_opt(&boot_cmdline, "acpi_dump"))
		acpi_dump(&acpi_guest_mem, rsdp);
	int r = acpi_find_table(&acpi_guest_mem, rsdp, "APIC", &madt, &len, &f);
	if (r) {
		pr_warn("acpi: no usable MADT (%s, %d); running on one CPU\n", f.why, r);
		smp_stats.acpi_errors++;
		return 1;
	}
	r = acpi_madt_parse(madt, len, madt_cpus, sizeof(madt_cpus) / sizeof(madt_cpus[0]), &m);
	if (r) {
		pr_warn("acpi: MADT rejected: %s at offset %u (%d); running on one CPU\n", m.why,
			m.bad_offset, r);
		smp_stats.acpi_errors++;
		return 1;
	}
	report_madt(&f, &m);
	smp_stats.possible = m.ncpus;
	smp_stats.disabled = m.disabled + m.online_capable;
	return fill_cpus(&m);
}
