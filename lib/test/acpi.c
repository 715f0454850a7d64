/* include/pvhkit/test/acpi.h (test images only): the kernel's ACPI parsers under test names, layouts checked. */
#include <stddef.h>
#include "drivers/acpi/acpi.h"
#include "pvhkit/test/acpi.h"

#define SAME_AS(t, u, f)                                                                           \
	_Static_assert(offsetof(struct t, f) == offsetof(struct u, f) &&                           \
			   sizeof(((struct t *)0)->f) == sizeof(((struct u *)0)->f),               \
		       #t "." #f)
#define SAME_SIZE(t, u) _Static_assert(sizeof(struct t) == sizeof(struct u), #t " size")

SAME_SIZE(pvh_test_acpi_mem, acpi_mem);
SAME_AS(pvh_test_acpi_mem, acpi_mem, map);
SAME_AS(pvh_test_acpi_mem, acpi_mem, ctx);
SAME_SIZE(pvh_test_acpi_rsdp, acpi_rsdp);
SAME_AS(pvh_test_acpi_rsdp, acpi_rsdp, revision);
SAME_AS(pvh_test_acpi_rsdp, acpi_rsdp, rsdt);
SAME_AS(pvh_test_acpi_rsdp, acpi_rsdp, xsdt);
SAME_AS(pvh_test_acpi_rsdp, acpi_rsdp, length);
SAME_AS(pvh_test_acpi_rsdp, acpi_rsdp, oem);
SAME_SIZE(pvh_test_acpi_find, acpi_find);
SAME_AS(pvh_test_acpi_find, acpi_find, rsdp);
SAME_AS(pvh_test_acpi_find, acpi_find, used_xsdt);
SAME_AS(pvh_test_acpi_find, acpi_find, entries);
SAME_AS(pvh_test_acpi_find, acpi_find, rejected);
SAME_AS(pvh_test_acpi_find, acpi_find, xsdt_bad_signature);
SAME_AS(pvh_test_acpi_find, acpi_find, why);
SAME_SIZE(pvh_test_acpi_cpu, acpi_cpu);
SAME_AS(pvh_test_acpi_cpu, acpi_cpu, uid);
SAME_AS(pvh_test_acpi_cpu, acpi_cpu, apic_id);
SAME_AS(pvh_test_acpi_cpu, acpi_cpu, flags);
SAME_AS(pvh_test_acpi_cpu, acpi_cpu, x2apic);
SAME_SIZE(pvh_test_acpi_madt, acpi_madt);
SAME_AS(pvh_test_acpi_madt, acpi_madt, lapic_addr);
SAME_AS(pvh_test_acpi_madt, acpi_madt, flags);
SAME_AS(pvh_test_acpi_madt, acpi_madt, ncpus);
SAME_AS(pvh_test_acpi_madt, acpi_madt, enabled);
SAME_AS(pvh_test_acpi_madt, acpi_madt, disabled);
SAME_AS(pvh_test_acpi_madt, acpi_madt, online_capable);
SAME_AS(pvh_test_acpi_madt, acpi_madt, dropped);
SAME_AS(pvh_test_acpi_madt, acpi_madt, duplicates);
SAME_AS(pvh_test_acpi_madt, acpi_madt, skipped);
SAME_AS(pvh_test_acpi_madt, acpi_madt, bad_apic_id);
SAME_AS(pvh_test_acpi_madt, acpi_madt, why);
SAME_AS(pvh_test_acpi_madt, acpi_madt, bad_offset);
_Static_assert(PVH_TEST_ACPI_RSDP_V1_LEN == ACPI_RSDP_V1_LEN &&
		   PVH_TEST_ACPI_RSDP_V2_LEN == ACPI_RSDP_V2_LEN &&
		   PVH_TEST_ACPI_HDR_LEN == ACPI_HDR_LEN &&
		   PVH_TEST_ACPI_MADT_HDR_LEN == ACPI_MADT_HDR_LEN,
	       "ACPI lengths");
_Static_assert(PVH_TEST_ACPI_CPU_ENABLED == ACPI_CPU_ENABLED &&
		   PVH_TEST_ACPI_CPU_ONLINE_CAPABLE == ACPI_CPU_ONLINE_CAPABLE,
	       "ACPI_CPU_* flags");

int pvh_test_acpi_rsdp_parse(const void *buf, size_t len, struct pvh_test_acpi_rsdp *out)
{
	return acpi_rsdp_parse(buf, len, (struct acpi_rsdp *)out);
}

long pvh_test_acpi_table_check(const void *buf, size_t len, const char *sig)
{
	return acpi_table_check(buf, len, sig);
}

int pvh_test_acpi_find_table(const struct pvh_test_acpi_mem *m, uint64_t rsdp_paddr,
			     const char *sig, const void **table, uint32_t *len,
			     struct pvh_test_acpi_find *f)
{
	return acpi_find_table((const struct acpi_mem *)m, rsdp_paddr, sig, table, len,
			       (struct acpi_find *)f);
}

int pvh_test_acpi_madt_parse(const void *buf, size_t len, struct pvh_test_acpi_cpu *cpus,
			     unsigned max, struct pvh_test_acpi_madt *m)
{
	return acpi_madt_parse(buf, len, (struct acpi_cpu *)cpus, max, (struct acpi_madt *)m);
}
