/*
 * Fuzzes SMP discovery itself (kernel/smp_discover.c): which CPUs to start, from a MADT the input
 * writes, reached through an RSDP and XSDT as the loader gives them, with or without Xen, in
 * xAPIC or x2APIC mode, with or without maxcpus=.
 *
 * Without Xen an AP is started by its APIC id (INIT-SIPI through the local APIC's ICR): an id
 * given twice starts one CPU twice, and in xAPIC mode the ICR holds 8 bits, so a larger x2APIC id
 * reaches some other CPU or all of them. On Xen a vCPU is started by its ACPI processor UID
 * (VCPUOP_up). Checked: the count is within 1..CPU_MAX and the limit; index 0 stays the boot CPU
 * and no AP is the boot CPU; no id is started twice; without Xen no id the APIC mode cannot
 * address; every CPU started is an enabled MADT entry and every enabled entry the parser kept is
 * started, refused or over the limit (counted); spares are disabled entries, never started ones.
 */
#include <stdarg.h>
#include "arch/x86/apic.h"
#include "arch/x86/cpu.h"
#include "arch/x86/xen.h"
#include "drivers/acpi/acpi.h"
#include "kernel/acpi_dump.h"
#include "kernel/boot.h"
#include "kernel/cmdline.h"
#include "kernel/cpu.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/smp_internal.h"
#include "tests/fuzz/fuzz.h"
#include "tests/unit/acpi_fake.h"

/* ---- what smp_discover.c needs from the rest of the kernel ---- */
struct xen_info xen;
struct cpu cpus[CPU_MAX];
struct smp_stats smp_stats;
struct bootinfo boot_info;
struct cmdline boot_cmdline;
static uint32_t self_apic;
static int x2apic, verbose;

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
int printk(int level, const char *fmt, ...)
{
	va_list ap;

	(void)level;
	if (verbose) {
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
	}
	return 0;
}

/* ---- the input ---- */

#define F_XEN	     0x01 /* xen.present: CPUs are UIDs, started by VCPUOP_up */
#define F_HYPERCALLS 0x02 /* xen.hypercalls (with F_XEN): disabled vCPUs become spares */
#define F_X2APIC     0x04 /* the local APIC is in x2APIC mode */
#define F_MAXCPUS    0x08 /* a maxcpus= option (the next byte) */
#define F_RECORDS    0x10 /* entries from compact records, else the input's raw bytes */
#define F_DUMP	     0x20 /* the acpi_dump option (a stand-in here) */

#define MADT_MAX 4096

/*
 * A compact record (kind, uid, APIC id, flags) as a well-formed entry: the fuzzer reaches
 * duplicates, big ids and flag mixes without having to learn the entry layout first.
 */
static size_t record_entry(struct fz *f, uint8_t *e)
{
	uint8_t kind = fz_u8(f), flags = fz_u8(f);
	uint32_t uid = kind & 0x80 ? fz_u32(f) : fz_u8(f);
	uint32_t id = kind & 0x40 ? fz_u32(f) : fz_u8(f);

	if (kind & 1) {
		const uint8_t x[] = { ACPI_FAKE_X2APIC(id, flags, uid) };
		memcpy(e, x, sizeof(x));
		return sizeof(x);
	}
	const uint8_t l[] = { ACPI_FAKE_LAPIC(uid & 0xff, id & 0xff, flags) };
	memcpy(e, l, sizeof(l));
	return sizeof(l);
}

static size_t build_entries(struct fz *f, int records, uint8_t *e, size_t cap)
{
	size_t n = 0;

	if (!records) {
		n = f->n < cap ? f->n : cap;
		fz_bytes(f, e, n);
		return n;
	}
	while (f->n && n + 16 <= cap)
		n += record_entry(f, e + n);
	return n;
}

/* ---- the checks ---- */

static int started(unsigned n, uint32_t vcpu_id)
{
	for (unsigned i = 0; i < n; i++)
		if (cpus[i].vcpu_id == vcpu_id)
			return 1;
	return 0;
}

/* Index i (1..n-1) is an enabled entry of what the parser kept, and its ids are that entry's. */
static void check_entry(unsigned i, const struct acpi_cpu *kept, unsigned nkept)
{
	const struct cpu *c = &cpus[i];

	FZ_CHECK(c->index == i && c->self == c);
	for (unsigned k = 0; k < nkept; k++) {
		const struct acpi_cpu *a = &kept[k];

		if (a->apic_id != c->arch.apic_id || !(a->flags & ACPI_CPU_ENABLED))
			continue;
		if (xen.present ? a->uid == c->vcpu_id : a->apic_id == c->vcpu_id)
			return;
	}
	FZ_CHECK(!"a CPU started that is no enabled MADT entry");
}

static void check(unsigned n, const uint8_t *madt, uint32_t len, unsigned long max, uint32_t boot)
{
	static struct acpi_cpu kept[CPU_MAX * 4];
	struct acpi_madt m;
	unsigned limit = max < CPU_MAX ? (unsigned)max : CPU_MAX;

	/* the count, the limit, the boot CPU in its place */
	FZ_CHECK(n >= 1 && n <= CPU_MAX && (n <= limit || n == 1));
	FZ_CHECK(cpus[0].vcpu_id == boot && cpus[0].index == 0);
	if (!xen.present)
		FZ_CHECK(cpus[0].arch.apic_id == self_apic || cpus[0].arch.apic_id == 0);
	for (unsigned i = 1; i < n; i++) {
		/* no id twice, the boot CPU's included */
		for (unsigned j = 0; j < i; j++) {
			if (xen.present)
				FZ_CHECK(cpus[i].vcpu_id != cpus[j].vcpu_id);
			else
				FZ_CHECK(cpus[i].arch.apic_id !=
					 (j ? cpus[j].arch.apic_id : self_apic));
		}
		/* an id the APIC mode can address: below 0xff (the broadcast) in xAPIC mode */
		if (!xen.present)
			FZ_CHECK(x2apic || cpus[i].arch.apic_id < 0xff);
	}
	if (acpi_madt_parse(madt, len, kept, CPU_MAX * 4, &m)) {
		FZ_CHECK(n == 1 && smp_stats.acpi_errors == 1);
		return;
	}
	FZ_CHECK(smp_stats.possible == m.ncpus);
	FZ_CHECK(smp_cpu_limit == limit); /* what CPU hot-plug goes by later */
	for (unsigned i = 1; i < n; i++)
		check_entry(i, kept, m.ncpus);
	/* every enabled entry (but the boot CPU's) is started, refused or over the limit */
	unsigned enabled_aps = 0;
	for (unsigned k = 0; k < m.ncpus; k++) {
		int self = xen.present ? kept[k].uid == boot : kept[k].apic_id == self_apic;

		enabled_aps += !self && (kept[k].flags & ACPI_CPU_ENABLED);
	}
	FZ_CHECK(enabled_aps == n - 1 + smp_stats.bad_apic_id + smp_stats.over_limit);
	if (xen.present)
		FZ_CHECK(smp_stats.bad_apic_id == 0); /* APIC ids do not matter to VCPUOP_up */
	/* spares: only with hypercalls, disabled entries, never a CPU started or the boot CPU */
	FZ_CHECK(smp_nspares <= CPU_SPARE_MAX && (xen.hypercalls || !smp_nspares));
	for (unsigned s = 0; s < smp_nspares; s++) {
		FZ_CHECK(!started(n, smp_spares[s].vcpu_id));
		for (unsigned t = 0; t < s; t++)
			FZ_CHECK(smp_spares[t].vcpu_id != smp_spares[s].vcpu_id);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t rsdp[ACPI_RSDP_V2_LEN], xsdt[44], entries[MADT_MAX - ACPI_MADT_HDR_LEN];
	static char opts[2][32];
	struct fz f = { data, size };
	uint8_t flags = fz_u8(&f), broken_sum = fz_u8(&f);
	unsigned long max = CPU_MAX;

	verbose = getenv("FUZZ_VERBOSE") != NULL;
	/* hypercalls only on Xen: without it CPUs are APIC ids and there are no spares to add */
	xen = (struct xen_info){ .present = !!(flags & F_XEN),
				 .hypercalls =
				     (flags & (F_XEN | F_HYPERCALLS)) == (F_XEN | F_HYPERCALLS) };
	x2apic = !!(flags & F_X2APIC);
	self_apic = flags & 0x40 ? fz_u32(&f) : fz_u8(&f);
	uint32_t boot = flags & 0x80 ? fz_u32(&f) : fz_u8(&f) & 3;
	boot_cmdline = (struct cmdline){ 0 };
	if (flags & F_MAXCPUS) {
		max = fz_u8(&f);
		snprintf(opts[0], sizeof(opts[0]), "maxcpus=%lu", max);
		boot_cmdline.opts[boot_cmdline.nopts++] = opts[0];
	}
	if (flags & F_DUMP) {
		snprintf(opts[1], sizeof(opts[1]), "acpi_dump");
		boot_cmdline.opts[boot_cmdline.nopts++] = opts[1];
	}

	/* the MADT exactly as long as it says, on the heap: ASan sees a read past its end */
	size_t n = build_entries(&f, flags & F_RECORDS, entries, sizeof(entries));
	uint8_t *madt = malloc(ACPI_MADT_HDR_LEN + n);
	uint32_t len = acpi_fake_madt(madt, ACPI_MADT_HDR_LEN + n, entries, n);
	FZ_CHECK(len == ACPI_MADT_HDR_LEN + n);
	if (broken_sum == 0x5a)
		madt[9] ^= 1; /* now and then a table with a wrong checksum */
	acpi_fake_root(rsdp, xsdt, madt);
	boot_info.rsdp_paddr = (uintptr_t)rsdp;

	memset(cpus, 0, sizeof(cpus));
	cpus[0].self = &cpus[0];
	cpus[0].vcpu_id = boot;
	memset(&smp_stats, 0, sizeof(smp_stats));
	smp_nspares = 0;
	smp_cpu_limit = CPU_MAX; /* as at boot */
	unsigned got = smp_discover();
	if (verbose)
		fprintf(stderr, "discover: %u CPUs, %u refused, %u over the limit, %u spares\n",
			got, smp_stats.bad_apic_id, smp_stats.over_limit, smp_nspares);
	check(got, madt, len, flags & F_MAXCPUS ? max : CPU_MAX, boot);
	free(madt);
	return 0;
}
