/* ACPI discovery: RSDP, RSDT/XSDT and MADT parsed as byte buffers with explicit lengths (host-testable). */
#ifndef DRIVERS_ACPI_ACPI_H
#define DRIVERS_ACPI_ACPI_H

#include <stddef.h>
#include <stdint.h>

#define ACPI_RSDP_V1_LEN  20
#define ACPI_RSDP_V2_LEN  36
#define ACPI_HDR_LEN	  36
#define ACPI_MADT_HDR_LEN 44 /* the SDT header, the local APIC address, the flags */
/* No table we read is anywhere near this; a larger length field is taken as garbage. */
#define ACPI_TABLE_MAX (1u << 20)

/*
 * Physical memory as the parser sees it: map returns a pointer to len readable bytes at paddr,
 * or NULL when that range is not memory the caller lets us read. The kernel checks the range
 * against its identity map; the unit tests serve captured tables from a list of regions.
 */
struct acpi_mem {
	const void *(*map)(void *ctx, uint64_t paddr, uint64_t len);
	void *ctx;
};

struct acpi_rsdp {
	uint8_t revision; /* 0: ACPI 1.0, RSDT only; 2 and up: XSDT too */
	uint64_t rsdt, xsdt;
	uint32_t length; /* the bytes the checksums covered */
	char oem[7];
};

/*
 * Checks an RSDP at buf: signature, the ACPI 1.0 checksum over 20 bytes, and for revision 2 and
 * up the length field and the extended checksum over that length. 0, -EINVAL (not an RSDP),
 * -EMSGSIZE (shorter than it says) or -EBADMSG (a checksum does not add up).
 */
int acpi_rsdp_parse(const void *buf, size_t len, struct acpi_rsdp *out);

/*
 * Checks an SDT header at buf (len bytes readable): signature (unless sig is NULL), a length
 * between the header size and min(len, ACPI_TABLE_MAX), the checksum over that length.
 * Returns the table's length, or -EINVAL, -EMSGSIZE, -EBADMSG.
 */
long acpi_table_check(const void *buf, size_t len, const char *sig);

/*
 * The legacy search: the first KiB of the EBDA (segment at 0x40e), then 0xe0000-0xfffff on
 * 16-byte boundaries. Regions the map refuses are skipped. 0 and *paddr, or -ENOENT.
 */
int acpi_rsdp_scan(const struct acpi_mem *m, uint64_t *paddr);

/* What acpi_find_table learned on the way; why says what was wrong when it fails. */
struct acpi_find {
	struct acpi_rsdp rsdp;
	int used_xsdt;		/* the XSDT was used (else the RSDT) */
	unsigned entries;	/* pointers in the root table */
	unsigned rejected;	/* tables with the right signature but a bad length or checksum */
	int xsdt_bad_signature; /* the XSDT was used though its signature is wrong (see acpi.c) */
	const char *why;
};

/*
 * Finds the table with signature sig starting from the RSDP at rsdp_paddr: XSDT preferred,
 * RSDT when there is no valid XSDT; the first table with that signature that checks out. An
 * XSDT with a wrong signature but a right checksum is used when the RSDP gives no RSDT.
 * 0 with *table and *len set, or a negative errno with f->why set.
 */
int acpi_find_table(const struct acpi_mem *m, uint64_t rsdp_paddr, const char *sig,
		    const void **table, uint32_t *len, struct acpi_find *f);

#define ACPI_CPU_ENABLED	0x1 /* MADT local APIC flags: usable now */
#define ACPI_CPU_ONLINE_CAPABLE 0x2 /* ACPI 6.3: may be enabled at run time */

struct acpi_cpu {
	uint32_t uid;	  /* ACPI processor UID: Xen's vCPU id on libxl's tables */
	uint32_t apic_id; /* the local APIC (or x2APIC) id: the INIT-SIPI target */
	uint32_t flags;	  /* ACPI_CPU_* */
	uint8_t x2apic;	  /* from a type 9 (x2APIC) entry */
};

struct acpi_madt {
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

/*
 * Parses a MADT (checked as by acpi_table_check) into at most max processor entries (types 0
 * and 9, in table order). Any entry shorter than its type needs, of length 0 or 1, or running
 * past the table, fails the whole table: 0, or -EINVAL / -EMSGSIZE / -EBADMSG with m->why.
 */
int acpi_madt_parse(const void *buf, size_t len, struct acpi_cpu *cpus, unsigned max,
		    struct acpi_madt *m);

/* Little-endian loads that do not care about alignment (QEMU puts tables at odd addresses). */
static inline uint32_t acpi_get32(const void *p)
{
	const uint8_t *b = p;

	return b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static inline uint64_t acpi_get64(const void *p)
{
	return acpi_get32(p) | (uint64_t)acpi_get32((const uint8_t *)p + 4) << 32;
}

#endif
