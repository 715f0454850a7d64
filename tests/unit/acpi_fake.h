/* Fake ACPI for host tests and fuzzing: memory made of byte regions, checksums, built tables. */
#ifndef TESTS_UNIT_ACPI_FAKE_H
#define TESTS_UNIT_ACPI_FAKE_H

/*
 * One copy for tests/unit/test_acpi.c, tests/unit/test_smp_discover.c and tests/fuzz/fuzz_acpi.c:
 * the parsers (drivers/acpi/acpi.c) read "physical" memory through a struct acpi_mem, and every
 * table they accept must have a right checksum, so each of these needed the same map callback,
 * checksum fixer and MADT/root-table builders.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "drivers/acpi/acpi.h"

#define ACPI_FAKE_REGIONS 64

/* Physical memory as a set of regions; readable where a range lies inside one of them. */
struct acpi_fake_region {
	uint64_t paddr;
	uint8_t *bytes;
	size_t len;
};

struct acpi_fake_mem {
	struct acpi_fake_region r[ACPI_FAKE_REGIONS];
	unsigned n;
};

/* struct acpi_mem's map callback; ctx is a struct acpi_fake_mem. */
static inline const void *acpi_fake_map(void *ctx, uint64_t paddr, uint64_t len)
{
	const struct acpi_fake_mem *m = ctx;

	for (unsigned i = 0; i < m->n; i++) {
		const struct acpi_fake_region *r = &m->r[i];

		/* written so that no sum can wrap: paddr and len come from fuzzed input */
		if (paddr >= r->paddr && len <= r->len && paddr - r->paddr <= r->len - len)
			return r->bytes + (paddr - r->paddr);
	}
	return NULL;
}

/* Sets t[at] so that the bytes t[0..len) add up to 0, as every ACPI checksum wants. */
static inline void acpi_fake_checksum(uint8_t *t, size_t len, size_t at)
{
	uint8_t s = 0;

	t[at] = 0;
	for (size_t i = 0; i < len; i++)
		s += t[i];
	t[at] = (uint8_t)-s;
}

static inline void acpi_fake_put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* MADT entries as byte initialisers: a local APIC (8 bytes) and a local x2APIC (16 bytes). */
#define ACPI_FAKE_LE32(v)	     (v) & 0xff, ((v) >> 8) & 0xff, ((v) >> 16) & 0xff, ((v) >> 24) & 0xff
#define ACPI_FAKE_LAPIC(uid, id, fl) 0, 8, (uid), (id), ACPI_FAKE_LE32(fl)
#define ACPI_FAKE_X2APIC(id, fl, uid)                                                              \
	9, 16, 0, 0, ACPI_FAKE_LE32(id), ACPI_FAKE_LE32(fl), ACPI_FAKE_LE32(uid)

/*
 * A MADT (revision 5, local APIC at 0xfee00000) in buf with the n bytes of entries after its
 * header, length and checksum set; returns its length, 0 if it does not fit in cap bytes.
 */
static inline uint32_t acpi_fake_madt(uint8_t *buf, size_t cap, const uint8_t *entries, size_t n)
{
	uint32_t len = ACPI_MADT_HDR_LEN + (uint32_t)n;

	if (len > cap)
		return 0;
	memset(buf, 0, ACPI_MADT_HDR_LEN);
	memcpy(buf, "APIC", 4);
	acpi_fake_put32(buf + 4, len);
	buf[8] = 5;
	acpi_fake_put32(buf + 36, 0xfee00000);
	if (n)
		memcpy(buf + ACPI_MADT_HDR_LEN, entries, n);
	acpi_fake_checksum(buf, len, 9);
	return len;
}

/*
 * An ACPI 2.0 RSDP and an XSDT whose one entry is table, all by host address (for code that
 * reads through an identity map): rsdp must hold ACPI_RSDP_V2_LEN bytes, xsdt 44.
 */
static inline void acpi_fake_root(uint8_t *rsdp, uint8_t *xsdt, const void *table)
{
	uint64_t a = (uintptr_t)table;

	memset(xsdt, 0, 44);
	memcpy(xsdt, "XSDT", 4);
	acpi_fake_put32(xsdt + 4, 44);
	memcpy(xsdt + 36, &a, 8);
	acpi_fake_checksum(xsdt, 44, 9);
	memset(rsdp, 0, ACPI_RSDP_V2_LEN);
	memcpy(rsdp, "RSD PTR ", 8);
	rsdp[15] = 2;
	acpi_fake_put32(rsdp + 20, ACPI_RSDP_V2_LEN);
	a = (uintptr_t)xsdt;
	memcpy(rsdp + 24, &a, 8);
	acpi_fake_checksum(rsdp, ACPI_RSDP_V1_LEN, 8);
	acpi_fake_checksum(rsdp, ACPI_RSDP_V2_LEN, 32);
}

#endif
