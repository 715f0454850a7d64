/* ACPI RSDP / RSDT / XSDT / MADT parsing: every length, count and offset checked before it is used. */
#include "base/errno.h"
#include "base/string.h"
#include "drivers/acpi/acpi.h"

#define EBDA_PTR      0x40e
#define EBDA_SCAN_LEN 1024
#define BIOS_START    0xe0000
#define BIOS_END      0x100000

#define MADT_LAPIC	0
#define MADT_X2APIC	9
#define MADT_LAPIC_LEN	8
#define MADT_X2APIC_LEN 16

static uint8_t sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

int acpi_rsdp_parse(const void *buf, size_t len, struct acpi_rsdp *out)
{
	const uint8_t *b = buf;

	if (len < ACPI_RSDP_V1_LEN)
		return -EMSGSIZE;
	if (memcmp(b, "RSD PTR ", 8))
		return -EINVAL;
	if (sum8(b, ACPI_RSDP_V1_LEN))
		return -EBADMSG;
	*out = (struct acpi_rsdp){ .revision = b[15],
				   .rsdt = acpi_get32(b + 16),
				   .length = ACPI_RSDP_V1_LEN };
	memcpy(out->oem, b + 9, 6);
	out->oem[6] = 0;
	if (out->revision < 2)
		return 0;
	/* ACPI 2.0+: the extended fields count only when their own checksum holds */
	if (len < ACPI_RSDP_V2_LEN)
		return -EMSGSIZE;
	uint32_t length = acpi_get32(b + 20);
	if (length < ACPI_RSDP_V2_LEN || length > len)
		return -EMSGSIZE;
	if (sum8(b, length))
		return -EBADMSG;
	out->length = length;
	out->xsdt = acpi_get64(b + 24);
	return 0;
}

long acpi_table_check(const void *buf, size_t len, const char *sig)
{
	const uint8_t *b = buf;

	if (len < ACPI_HDR_LEN)
		return -EMSGSIZE;
	if (sig && memcmp(b, sig, 4))
		return -EINVAL;
	uint32_t length = acpi_get32(b + 4);
	if (length < ACPI_HDR_LEN || length > len || length > ACPI_TABLE_MAX)
		return -EMSGSIZE;
	if (sum8(b, length))
		return -EBADMSG;
	return length;
}

/* Looks for a valid RSDP in [start, start + len) on 16-byte boundaries. */
static int scan_range(const struct acpi_mem *m, uint64_t start, uint64_t len, uint64_t *paddr)
{
	const uint8_t *p = m->map(m->ctx, start, len);
	struct acpi_rsdp r;

	if (!p)
		return -ENOENT;
	for (uint64_t off = 0; off + ACPI_RSDP_V1_LEN <= len; off += 16) {
		if (acpi_rsdp_parse(p + off, len - off, &r) == 0) {
			*paddr = start + off;
			return 0;
		}
	}
	return -ENOENT;
}

int acpi_rsdp_scan(const struct acpi_mem *m, uint64_t *paddr)
{
	const uint8_t *ptr = m->map(m->ctx, EBDA_PTR, 2);

	if (ptr) {
		uint64_t ebda = (uint64_t)(ptr[0] | ptr[1] << 8) << 4;

		/* the EBDA lies in conventional memory, below the video hole */
		if (ebda >= 0x80000 && ebda + EBDA_SCAN_LEN <= 0xa0000 &&
		    scan_range(m, ebda, EBDA_SCAN_LEN, paddr) == 0)
			return 0;
	}
	return scan_range(m, BIOS_START, BIOS_END - BIOS_START, paddr);
}

/* Maps and checks the whole table at paddr: its length or a negative errno (why is set). */
static long map_table(const struct acpi_mem *m, uint64_t paddr, const char *sig,
		      const uint8_t **out, const char **why)
{
	const uint8_t *h = paddr ? m->map(m->ctx, paddr, ACPI_HDR_LEN) : NULL;

	if (!h) {
		*why = "table outside readable memory";
		return -EFAULT;
	}
	if (sig && memcmp(h, sig, 4)) {
		*why = "wrong signature";
		return -EINVAL;
	}
	uint32_t length = acpi_get32(h + 4);
	if (length < ACPI_HDR_LEN || length > ACPI_TABLE_MAX) {
		*why = "table length out of range";
		return -EMSGSIZE;
	}
	const uint8_t *t = m->map(m->ctx, paddr, length);
	if (!t) {
		*why = "table runs outside readable memory";
		return -EFAULT;
	}
	long r = acpi_table_check(t, length, sig);
	if (r < 0) {
		*why = r == -EBADMSG ? "bad checksum" : "bad table header";
		return r;
	}
	*out = t;
	return r;
}

int acpi_find_table(const struct acpi_mem *m, uint64_t rsdp_paddr, const char *sig,
		    const void **table, uint32_t *len, struct acpi_find *f)
{
	const uint8_t *p = rsdp_paddr ? m->map(m->ctx, rsdp_paddr, ACPI_RSDP_V1_LEN) : NULL;
	const uint8_t *root = NULL;
	const char *why = NULL;
	long rlen = -ENOENT;
	int r;

	*f = (struct acpi_find){ 0 };
	if (!p) {
		f->why = "RSDP outside readable memory";
		return -EFAULT;
	}
	/* revision 2 and up: map the longer structure (its length is checked by the parser) */
	if (p[15] >= 2) {
		const uint8_t *p2 = m->map(m->ctx, rsdp_paddr, ACPI_RSDP_V2_LEN);
		uint32_t l = p2 ? acpi_get32(p2 + 20) : 0;

		p = p2 && l >= ACPI_RSDP_V2_LEN && l <= 4096 ? m->map(m->ctx, rsdp_paddr, l) : NULL;
		r = p ? acpi_rsdp_parse(p, l, &f->rsdp) : -EMSGSIZE;
	} else {
		r = acpi_rsdp_parse(p, ACPI_RSDP_V1_LEN, &f->rsdp);
	}
	if (r) {
		f->why = r == -EBADMSG	? "RSDP checksum does not add up"
			 : r == -EINVAL ? "no RSDP signature"
					: "RSDP length out of range";
		return r;
	}
	if (f->rsdp.revision >= 2 && f->rsdp.xsdt) {
		rlen = map_table(m, f->rsdp.xsdt, "XSDT", &root, &why);
		/*
		 * Xen 4.17 builds a PVH dom0's XSDT from the host's header, found through the host
		 * RSDP's XSDT field; on an ACPI 1.0 host (RSDT only: QEMU q35) that field is 0 and the
		 * "header" is whatever lies at address 0. Length, checksum and entries are Xen's own
		 * and Xen offers no RSDT, so the table is taken by its checksum, and flagged.
		 */
		if (rlen == -EINVAL && !f->rsdp.rsdt) {
			rlen = map_table(m, f->rsdp.xsdt, NULL, &root, &why);
			f->xsdt_bad_signature = rlen >= 0;
		}
		f->used_xsdt = rlen >= 0;
	}
	if (rlen < 0 && f->rsdp.rsdt)
		rlen = map_table(m, f->rsdp.rsdt, "RSDT", &root, &why);
	if (rlen < 0) {
		f->why = why ? why : "no RSDT or XSDT address";
		return (int)rlen;
	}
	unsigned esize = f->used_xsdt ? 8 : 4;
	f->entries = (unsigned)((rlen - ACPI_HDR_LEN) / esize);
	for (unsigned i = 0; i < f->entries; i++) {
		const uint8_t *e = root + ACPI_HDR_LEN + (size_t)i * esize;
		uint64_t a = f->used_xsdt ? acpi_get64(e) : acpi_get32(e);
		const uint8_t *h = a ? m->map(m->ctx, a, 4) : NULL;
		const uint8_t *t;

		if (!h || memcmp(h, sig, 4))
			continue;
		long tl = map_table(m, a, sig, &t, &why);
		if (tl < 0) {
			f->rejected++;
			continue;
		}
		*table = t;
		*len = (uint32_t)tl;
		return 0;
	}
	f->why = f->rejected ? why : "no such table";
	return f->rejected ? -EBADMSG : -ENOENT;
}

static int madt_fail(struct acpi_madt *m, int err, const char *why, uint32_t off)
{
	m->why = why;
	m->bad_offset = off;
	return err;
}

static void madt_add(struct acpi_madt *m, struct acpi_cpu *cpus, unsigned max,
		     const struct acpi_cpu *c)
{
	for (unsigned i = 0; i < m->ncpus; i++) {
		if (cpus[i].uid == c->uid) {
			m->duplicates++;
			return;
		}
	}
	if (m->ncpus >= max) {
		m->dropped++;
		return;
	}
	cpus[m->ncpus++] = *c;
	if (c->flags & ACPI_CPU_ENABLED)
		m->enabled++;
	else if (c->flags & ACPI_CPU_ONLINE_CAPABLE)
		m->online_capable++;
	else
		m->disabled++;
}

int acpi_madt_parse(const void *buf, size_t len, struct acpi_cpu *cpus, unsigned max,
		    struct acpi_madt *m)
{
	const uint8_t *b = buf;

	*m = (struct acpi_madt){ 0 };
	long tl = acpi_table_check(buf, len, "APIC");
	if (tl < 0)
		return madt_fail(m, (int)tl,
				 tl == -EBADMSG	 ? "bad checksum"
				 : tl == -EINVAL ? "not a MADT"
						 : "table length out of range",
				 0);
	uint32_t length = (uint32_t)tl;
	if (length < ACPI_MADT_HDR_LEN)
		return madt_fail(m, -EMSGSIZE, "shorter than the MADT header", length);
	m->lapic_addr = acpi_get32(b + 36);
	m->flags = acpi_get32(b + 40);
	/* off < length <= ACPI_TABLE_MAX, so off + elen cannot wrap */
	for (uint32_t off = ACPI_MADT_HDR_LEN; off < length;) {
		if (length - off < 2)
			return madt_fail(m, -EMSGSIZE, "entry header runs past the table", off);
		uint8_t type = b[off], elen = b[off + 1];
		struct acpi_cpu c = { 0 };

		if (elen < 2)
			return madt_fail(m, -EBADMSG, "entry length below 2", off);
		if (elen > length - off)
			return madt_fail(m, -EMSGSIZE, "entry runs past the table", off);
		switch (type) {
		case MADT_LAPIC:
			if (elen < MADT_LAPIC_LEN)
				return madt_fail(m, -EBADMSG, "local APIC entry too short", off);
			c.uid = b[off + 2];
			c.apic_id = b[off + 3];
			c.flags = acpi_get32(b + off + 4);
			if (c.apic_id == 0xff) {
				m->bad_apic_id++;
				break;
			}
			madt_add(m, cpus, max, &c);
			break;
		case MADT_X2APIC:
			if (elen < MADT_X2APIC_LEN)
				return madt_fail(m, -EBADMSG, "x2APIC entry too short", off);
			c.apic_id = acpi_get32(b + off + 4);
			c.flags = acpi_get32(b + off + 8);
			c.uid = acpi_get32(b + off + 12);
			c.x2apic = 1;
			madt_add(m, cpus, max, &c);
			break;
		default:
			m->skipped++;
			break;
		}
		off += elen;
	}
	return 0;
}
