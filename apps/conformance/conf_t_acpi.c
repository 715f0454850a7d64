/* Tests of the ACPI tables a PVH loader provides: checksums, the MADT's processors, no I/O APIC. */
#include "conf_guest.h"
#include "conf_rules.h"

#define ACPI_SPEC "ACPI 6.x 5.2.5-5.2.8 (RSDP, RSDT, XSDT checksums)"
#define LIBXL_PVH "tools/libs/light/libxl_x86_acpi.c, tools/libacpi/build.c (Xen's PVH MADT)"

/* The RSDP (parsed and checked): 0, or the outcome already set in r. */
static int rsdp(struct conf_result *r, struct pvh_test_acpi_rsdp *out)
{
	uint64_t pa = pvh_test_boot_raw()->si.rsdp_paddr;

	if (!pa) {
		conf_skip(r, "no rsdp_paddr: this loader gave no ACPI tables");
		return -1;
	}
	size_t len = PVH_TEST_ACPI_RSDP_V2_LEN;
	const void *p = conf_phys_map(pa, len);
	if (!p)
		p = conf_phys_map(pa, len = PVH_TEST_ACPI_RSDP_V1_LEN);
	int rc = p ? pvh_test_acpi_rsdp_parse(p, len, out) : -1;
	if (rc) {
		conf_fail(r, "expected a valid RSDP at %#llx, saw error %d", (unsigned long long)pa,
			  rc);
		return -1;
	}
	return 0;
}

static void t_rsdp(struct conf_result *r, const struct conf_expect *e)
{
	struct pvh_test_acpi_rsdp p;

	(void)e;
	if (!rsdp(r, &p))
		conf_pass(r, "revision %u, %u bytes checked (%s)", p.revision, p.length, p.oem);
}

/* One SDT at paddr checked by header and checksum; returns its length or a negative errno. */
static long sdt(uint64_t paddr, const char *sig, char seen[12])
{
	const uint8_t *h = conf_phys_map(paddr, PVH_TEST_ACPI_HDR_LEN);
	if (!h)
		return -1;
	/* the signature as hex: a wrong one is often binary (Xen 4.17 dom0: the real-mode IVT) */
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 4; i++)
		seen[2 * i] = hex[h[i] >> 4], seen[2 * i + 1] = hex[h[i] & 15];
	seen[8] = 0;
	uint32_t len = pvh_test_acpi_get32((const char *)h + 4);
	const void *t = conf_phys_map(paddr, len);
	return t ? pvh_test_acpi_table_check(t, len, sig) : -1;
}

static void t_root(struct conf_result *r, const struct conf_expect *e)
{
	struct pvh_test_acpi_rsdp p;
	long x = 0, s = 0;
	char seen[12];

	(void)e;
	if (rsdp(r, &p))
		return;
	if (!p.rsdt && !(p.revision >= 2 && p.xsdt)) {
		conf_fail(r, "expected an RSDT or XSDT address in the RSDP, saw neither");
		return;
	}
	if (p.revision >= 2 && p.xsdt && (x = sdt(p.xsdt, "XSDT", seen)) < 0) {
		conf_fail(r,
			  "expected a valid XSDT at %#llx (signature 58534454), saw error %ld, "
			  "signature %s",
			  (unsigned long long)p.xsdt, x, seen);
		return;
	}
	if (p.rsdt && (s = sdt(p.rsdt, "RSDT", seen)) < 0) {
		conf_fail(r,
			  "expected a valid RSDT at %#llx (signature 52534454), saw error %ld, "
			  "signature %s",
			  (unsigned long long)p.rsdt, s, seen);
		return;
	}
	conf_pass(r, "%s%s%s", x > 0 ? "XSDT" : "", x > 0 && s > 0 ? " and " : "",
		  s > 0 ? "RSDT" : "");
}

static void t_madt(struct conf_result *r, const struct conf_expect *e)
{
	const void *t;
	uint32_t len;
	struct pvh_test_acpi_madt m;
	const struct pvh_test_acpi_cpu *cpus;
	const char *why;

	(void)e;
	if (!pvh_test_boot_raw()->si.rsdp_paddr) {
		conf_skip(r, "no rsdp_paddr: this loader gave no ACPI tables");
		return;
	}
	int rc = conf_madt_get(&t, &len, &m, &cpus, &why);
	if (rc)
		conf_fail(
		    r,
		    "expected a MADT with a valid checksum whose entries walk, saw error %d (%s)",
		    rc, why ? why : "?");
	else
		conf_pass(r, "%u bytes, %u processors, %u enabled", len, m.ncpus, m.enabled);
}

static void t_madt_cpus(struct conf_result *r, const struct conf_expect *e)
{
	const void *t;
	uint32_t len;
	struct pvh_test_acpi_madt m;
	const struct pvh_test_acpi_cpu *cpus;
	const char *why;

	if (!pvh_test_boot_raw()->si.rsdp_paddr) {
		conf_skip(r, "no rsdp_paddr: this loader gave no ACPI tables");
		return;
	}
	if (conf_madt_get(&t, &len, &m, &cpus, &why)) {
		conf_fail(r, "expected a MADT, saw none usable (%s)", why ? why : "?");
		return;
	}
	conf_rule_madt_cpus(&m, cpus, e, r);
}

static void t_no_ioapic(struct conf_result *r, const struct conf_expect *e)
{
	const void *t;
	uint32_t len;
	struct pvh_test_acpi_madt m;
	const struct pvh_test_acpi_cpu *cpus;
	const char *why;
	int domu = conf_is_domu(e);

	if (!domu) {
		conf_rule_no_ioapic(0, 0, r);
		return;
	}
	if (conf_madt_get(&t, &len, &m, &cpus, &why)) {
		conf_fail(r, "expected a MADT, saw none usable (%s)", why ? why : "?");
		return;
	}
	conf_rule_no_ioapic(conf_madt_count_type(t, len, 1), domu, r);
}

const struct conf_test conf_tests_acpi[] = {
	{ "acpi.rsdp", "the RSDP's signature, length and both checksums", ACPI_SPEC, t_rsdp },
	{ "acpi.root", "the XSDT and RSDT: signature, length, checksum", ACPI_SPEC, t_root },
	{ "acpi.madt", "the MADT is found from the root table and its checksum and entries hold",
	  "ACPI 6.x 5.2.12 (MADT)", t_madt },
	{ "acpi.madt-cpus",
	  "the MADT lists maxvcpus processors, exactly vcpus enabled, unique UIDs (UID = vCPU id: "
	  "noted if not)",
	  LIBXL_PVH, t_madt_cpus },
	{ "acpi.no-ioapic",
	  "a PVH domU's MADT lists no I/O APIC (none is emulated; noted, the ABI does not forbid "
	  "it)",
	  LIBXL_PVH, t_no_ioapic },
	{ 0 },
};
