/* Test images only (not a stable API): the kernel's ACPI parsers (drivers/acpi/), to check the tables a loader built. */
#ifndef PVHKIT_TEST_ACPI_H
#define PVHKIT_TEST_ACPI_H

#include <stddef.h>
#include <stdint.h>
#include <pvhkit/test/test.h>

/*
 * The same parsers the kernel boots with, over byte buffers with explicit lengths; the records
 * mirror drivers/acpi/acpi.h's (lib/test/acpi.c checks the layouts at compile time). Errors are
 * negative Xen errno values: -XEN_EINVAL (not what it claims), -XEN_EMSGSIZE (shorter than it
 * says), -XEN_EBADMSG (a checksum does not add up), -XEN_ENOENT (not found).
 */
#define PVH_TEST_ACPI_RSDP_V1_LEN  20
#define PVH_TEST_ACPI_RSDP_V2_LEN  36
#define PVH_TEST_ACPI_HDR_LEN	   36
#define PVH_TEST_ACPI_MADT_HDR_LEN 44 /* the SDT header, the local APIC address, the flags */

struct pvh_test_acpi_mem {
	/* a pointer to len readable bytes at paddr, or NULL */
	const void *(*map)(void *ctx, uint64_t paddr, uint64_t len);
	void *ctx;
};

struct pvh_test_acpi_rsdp {
	uint8_t revision; /* 0: ACPI 1.0, RSDT only; 2 and up: XSDT too */
	uint64_t rsdt, xsdt;
	uint32_t length; /* the bytes the checksums covered */
	char oem[7];
};
int pvh_test_acpi_rsdp_parse(const void *buf, size_t len, struct pvh_test_acpi_rsdp *out);
/* An SDT header's signature (unless sig is NULL), length and checksum: the length, or an error. */
long pvh_test_acpi_table_check(const void *buf, size_t len, const char *sig);

struct pvh_test_acpi_find {
	struct pvh_test_acpi_rsdp rsdp;
	int used_xsdt;		/* the XSDT was used (else the RSDT) */
	unsigned entries;	/* pointers in the root table */
	unsigned rejected;	/* tables with the right signature but a bad length or checksum */
	int xsdt_bad_signature; /* the XSDT was used though its signature is wrong */
	const char *why;
};
/* The table with signature sig, from the RSDP at rsdp_paddr: 0 with *table and *len, or an error. */
int pvh_test_acpi_find_table(const struct pvh_test_acpi_mem *m, uint64_t rsdp_paddr,
			     const char *sig, const void **table, uint32_t *len,
			     struct pvh_test_acpi_find *f);

#define PVH_TEST_ACPI_CPU_ENABLED	 0x1 /* MADT local APIC flags: usable now */
#define PVH_TEST_ACPI_CPU_ONLINE_CAPABLE 0x2 /* ACPI 6.3: may be enabled at run time */

struct pvh_test_acpi_cpu {
	uint32_t uid;	  /* ACPI processor UID: Xen's vCPU id on libxl's tables */
	uint32_t apic_id; /* the local APIC (or x2APIC) id */
	uint32_t flags;	  /* PVH_TEST_ACPI_CPU_* */
	uint8_t x2apic;	  /* from a type 9 (x2APIC) entry */
};

struct pvh_test_acpi_madt {
	uint32_t lapic_addr, flags;
	unsigned ncpus;		    /* entries stored in the caller's array */
	unsigned enabled, disabled; /* of the stored ones: enabled, or neither bit set */
	unsigned online_capable;    /* of the stored ones: not enabled but online-capable */
	unsigned dropped;	    /* processor entries beyond the caller's array */
	unsigned duplicates;	    /* a UID seen before: ignored */
	unsigned skipped;	    /* entries of other types, stepped over */
	unsigned bad_apic_id;	    /* type 0 entries with APIC id 0xff: ignored */
	const char *why;	    /* set on failure */
	uint32_t bad_offset;	    /* where the walk stopped, on failure */
};
/* A MADT's processor entries (types 0 and 9), at most max: 0, or an error with m->why. */
int pvh_test_acpi_madt_parse(const void *buf, size_t len, struct pvh_test_acpi_cpu *cpus,
			     unsigned max, struct pvh_test_acpi_madt *m);

/* A little-endian load that does not care about alignment. */
static inline uint32_t pvh_test_acpi_get32(const void *p)
{
	const uint8_t *b = p;

	return b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

#endif
