/*
 * Tests the ACPI parser (drivers/acpi/acpi.c) on tables captured from real loaders (QEMU q35 and
 * microvm, Xen 4.17's libxl; tests/unit/fixtures/acpi, made with the kernel's acpi_dump option)
 * and on broken variants: checksums, lengths, entries of length 0 or past the end, overflowing
 * counts, pointers outside memory.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/errno.h"
#include "drivers/acpi/acpi.h"
#include "tests/unit/acpi_fake.h"

#define FIXTURES "tests/unit/fixtures/acpi/"

/* ---- physical memory made of captured regions ---- */

struct fixture {
	struct acpi_fake_mem mem;
	uint64_t rsdp;
	struct acpi_mem acpi; /* the parsers' view of mem */
	/* what the last fx_find found */
	struct acpi_find fd;
	const uint8_t *t;
	uint32_t len;
};

static void fx_add(struct fixture *f, uint64_t paddr, const uint8_t *b, size_t n)
{
	struct acpi_fake_mem *m = &f->mem;
	struct acpi_fake_region *last = m->n ? &m->r[m->n - 1] : NULL;

	if (last && last->paddr + last->len == paddr) {
		last->bytes = realloc(last->bytes, last->len + n);
		memcpy(last->bytes + last->len, b, n);
		last->len += n;
		return;
	}
	cr_assert_lt(m->n, ACPI_FAKE_REGIONS);
	m->r[m->n].paddr = paddr;
	m->r[m->n].bytes = malloc(n);
	memcpy(m->r[m->n].bytes, b, n);
	m->r[m->n++].len = n;
}

/* Reads the "acpi-dump: ADDR HEX" lines the kernel prints with acpi_dump. */
static void fx_load(struct fixture *f, const char *name)
{
	char path[256], line[512];

	memset(f, 0, sizeof(*f));
	snprintf(path, sizeof(path), FIXTURES "%s", name);
	FILE *fp = fopen(path, "r");
	cr_assert_not_null(fp, "fixture %s (run from the repository root)", path);
	while (fgets(line, sizeof(line), fp)) {
		unsigned long long a;
		char hex[256];
		uint8_t b[128];
		size_t n = 0;

		if (sscanf(line, "acpi-dump: rsdp %llx", &a) == 1) {
			f->rsdp = a;
			continue;
		}
		if (sscanf(line, "acpi-dump: %llx %255s", &a, hex) != 2)
			continue;
		for (; hex[2 * n] && hex[2 * n + 1] && n < sizeof(b); n++) {
			unsigned v;
			sscanf(hex + 2 * n, "%2x", &v);
			b[n] = (uint8_t)v;
		}
		fx_add(f, a, b, n);
	}
	fclose(fp);
	cr_assert(f->rsdp, "fixture %s has no rsdp line", name);
	f->acpi = (struct acpi_mem){ acpi_fake_map, &f->mem };
}

static void fx_free(struct fixture *f)
{
	for (unsigned i = 0; i < f->mem.n; i++)
		free(f->mem.r[i].bytes);
}

static uint8_t *fx_at(struct fixture *f, uint64_t paddr, size_t len)
{
	return (uint8_t *)acpi_fake_map(&f->mem, paddr, len);
}

/* Looks for table sig from the fixture's RSDP: f->t, f->len and f->fd say what came of it. */
static int fx_find(struct fixture *f, const char *sig)
{
	return acpi_find_table(&f->acpi, f->rsdp, sig, (const void **)&f->t, &f->len, &f->fd);
}

/* Loads fixture name, then finds and parses its MADT, which must succeed. */
static void fx_load_madt(struct fixture *f, const char *name, struct acpi_cpu *cpus, unsigned max,
			 struct acpi_madt *m)
{
	fx_load(f, name);
	cr_assert_eq(fx_find(f, "APIC"), 0, "%s: %s", name, f->fd.why);
	cr_assert_eq(acpi_madt_parse(f->t, f->len, cpus, max, m), 0, "%s: %s", name, m->why);
}

/* ---- real tables ---- */

Test(acpi_real, qemu_q35_rsdt_four_cpus)
{
	struct fixture f;
	struct acpi_cpu c[8];
	struct acpi_madt m;

	fx_load_madt(&f, "qemu-q35-smp4.txt", c, 8, &m);
	cr_assert_eq(f.fd.rsdp.revision, 0);
	cr_assert_eq(f.fd.used_xsdt, 0, "revision 0: RSDT only");
	cr_assert_str_eq(f.fd.rsdp.oem, "BOCHS ");
	cr_assert_eq(m.ncpus, 4);
	cr_assert_eq(m.enabled, 4);
	cr_assert_eq(m.lapic_addr, 0xfee00000);
	for (unsigned i = 0; i < 4; i++) {
		cr_assert_eq(c[i].apic_id, i);
		cr_assert_eq(c[i].uid, i);
		cr_assert_eq(c[i].x2apic, 0);
	}
	cr_assert_gt(m.skipped, 0, "IO-APIC, overrides and NMI entries are stepped over");
	fx_free(&f);
}

Test(acpi_real, qemu_microvm_xsdt_only)
{
	struct fixture f;
	struct acpi_cpu c[8];
	struct acpi_madt m;

	fx_load_madt(&f, "qemu-microvm-smp2.txt", c, 8, &m);
	cr_assert_geq(f.fd.rsdp.revision, 2);
	cr_assert_eq(f.fd.rsdp.rsdt, 0, "microvm has no RSDT");
	cr_assert_eq(f.fd.used_xsdt, 1);
	cr_assert_eq(m.ncpus, 2);
	cr_assert_eq(m.enabled, 2);
	fx_free(&f);
}

Test(acpi_real, xen_libxl_vcpus4)
{
	struct fixture f;
	struct acpi_cpu c[8];
	struct acpi_madt m;

	fx_load_madt(&f, "xen-libxl-vcpus4.txt", c, 8, &m);
	cr_assert_eq(f.fd.used_xsdt, 1, "XSDT preferred");
	cr_assert_str_eq(f.fd.rsdp.oem, "Xen");
	cr_assert_eq(m.ncpus, 4);
	cr_assert_eq(m.enabled, 4);
	cr_assert_eq(m.skipped, 0, "libxl's PVH MADT has no IO-APIC or override entries");
	for (unsigned i = 0; i < 4; i++) {
		cr_assert_eq(c[i].uid, i, "processor UID = vCPU id");
		cr_assert_eq(c[i].apic_id, 2 * i, "APIC id = 2 x vCPU id");
	}
	fx_free(&f);
}

Test(acpi_real, xen_libxl_3_of_8)
{
	struct fixture f;
	struct acpi_cpu c[16];
	struct acpi_madt m;

	fx_load_madt(&f, "xen-libxl-vcpus3-max8.txt", c, 16, &m);
	cr_assert_eq(m.ncpus, 8);
	cr_assert_eq(m.enabled, 3);
	cr_assert_eq(m.disabled, 5);
	for (unsigned i = 0; i < 8; i++)
		cr_assert_eq(!!(c[i].flags & ACPI_CPU_ENABLED), i < 3);
	fx_free(&f);
}

/*
 * Xen 4.17's PVH dom0 on QEMU q35 (an RSDT-only host): Xen's own RSDP (revision 2, no RSDT) and
 * XSDT whose header Xen copied from address 0 (the real-mode IVT), with a right checksum; its MADT
 * has x2APIC entries (UID i, APIC id 2i), the host's IO-APIC and interrupt overrides.
 */
Test(acpi_real, xen_pvh_dom0_xsdt_with_a_bogus_signature)
{
	struct fixture f;
	struct acpi_cpu c[8];
	struct acpi_madt m;

	fx_load_madt(&f, "xen-pvh-dom0-q35-vcpus2.txt", c, 8, &m);
	cr_assert_eq(f.fd.rsdp.revision, 2);
	cr_assert_eq(f.fd.rsdp.rsdt, 0);
	cr_assert(f.fd.used_xsdt && f.fd.xsdt_bad_signature, "taken by its checksum, and flagged");
	cr_assert_eq(m.ncpus, 2);
	cr_assert_eq(m.enabled, 2);
	cr_assert_gt(m.skipped, 0, "IO-APIC and override entries stepped over");
	for (unsigned i = 0; i < 2; i++) {
		cr_assert_eq(c[i].uid, i);
		cr_assert_eq(c[i].apic_id, 2 * i);
		cr_assert(c[i].x2apic);
	}
	/* the exception covers the signature only: a broken checksum still rejects it */
	uint8_t *x = fx_at(&f, f.fd.rsdp.xsdt, ACPI_HDR_LEN);
	x[9]++;
	cr_assert_eq(fx_find(&f, "APIC"), -EBADMSG);
	x[9]--;
	fx_free(&f);
}

Test(acpi_real, xen_two_fadts_rsdt_and_xsdt)
{
	struct fixture f;

	fx_load(&f, "xen-libxl-vcpus4.txt");
	cr_assert_eq(fx_find(&f, "FACP"), 0);
	cr_assert_eq(f.fd.used_xsdt, 1);
	cr_assert_eq(f.len, 268, "the XSDT's FADT is the revision-5 one");
	/* break the XSDT: the RSDT (and its revision-1 FADT) is used instead */
	uint8_t *x = fx_at(&f, f.fd.rsdp.xsdt, ACPI_HDR_LEN);
	x[9] ^= 0xff;
	cr_assert_eq(fx_find(&f, "FACP"), 0);
	cr_assert_eq(f.fd.used_xsdt, 0);
	cr_assert_eq(f.len, 116);
	fx_free(&f);
}

/* ---- RSDP ---- */

Test(acpi_rsdp, bad_checksums_and_lengths)
{
	struct fixture f;
	struct acpi_rsdp r;

	fx_load(&f, "qemu-microvm-smp2.txt");
	uint8_t *p = fx_at(&f, f.rsdp, ACPI_RSDP_V2_LEN), save;
	cr_assert_eq(acpi_rsdp_parse(p, ACPI_RSDP_V2_LEN, &r), 0);
	cr_assert_eq(acpi_rsdp_parse(p, 19, &r), -EMSGSIZE);
	cr_assert_eq(acpi_rsdp_parse(p, 30, &r), -EMSGSIZE, "revision 2 needs 36 bytes");
	save = p[8];
	p[8]++; /* the first checksum covers it */
	cr_assert_eq(acpi_rsdp_parse(p, ACPI_RSDP_V2_LEN, &r), -EBADMSG);
	p[8] = save;
	p[24]++; /* the XSDT address: only the extended checksum covers it */
	cr_assert_eq(acpi_rsdp_parse(p, ACPI_RSDP_V2_LEN, &r), -EBADMSG);
	p[24]--;
	p[20] = 200; /* length beyond the buffer */
	cr_assert_eq(acpi_rsdp_parse(p, ACPI_RSDP_V2_LEN, &r), -EMSGSIZE);
	p[20] = 20; /* length below the structure */
	cr_assert_eq(acpi_rsdp_parse(p, ACPI_RSDP_V2_LEN, &r), -EMSGSIZE);
	p[20] = 36;
	p[0] = 'X';
	cr_assert_eq(acpi_rsdp_parse(p, ACPI_RSDP_V2_LEN, &r), -EINVAL);
	fx_free(&f);
}

Test(acpi_rsdp, find_reports_why)
{
	struct fixture f;

	fx_load(&f, "qemu-q35-smp4.txt");
	cr_assert_eq(acpi_find_table(&f.acpi, 0, "APIC", (const void **)&f.t, &f.len, &f.fd),
		     -EFAULT);
	cr_assert_eq(
	    acpi_find_table(&f.acpi, 0x12345000, "APIC", (const void **)&f.t, &f.len, &f.fd),
	    -EFAULT);
	cr_assert_not_null(f.fd.why);
	uint8_t *p = fx_at(&f, f.rsdp, ACPI_RSDP_V1_LEN);
	p[9]++;
	cr_assert_eq(fx_find(&f, "APIC"), -EBADMSG);
	cr_assert_str_eq(f.fd.why, "RSDP checksum does not add up");
	p[9]--;
	cr_assert_eq(fx_find(&f, "XXXX"), -ENOENT);
	fx_free(&f);
}

Test(acpi_rsdp, rsdt_pointing_outside_memory)
{
	struct fixture f;

	fx_load(&f, "qemu-q35-smp4.txt");
	uint8_t *p = fx_at(&f, f.rsdp, ACPI_RSDP_V1_LEN);
	p[16] = 0x10; /* RSDT address -> 0x...10, not in any region */
	p[19] = 0xf0;
	acpi_fake_checksum(p, ACPI_RSDP_V1_LEN, 8);
	cr_assert_eq(fx_find(&f, "APIC"), -EFAULT);
	cr_assert_str_eq(f.fd.why, "table outside readable memory");
	fx_free(&f);
}

Test(acpi_rsdp, scan_bios_area_and_ebda)
{
	static uint8_t low[0x100000];
	struct fixture f = { .mem.n = 1 };
	struct acpi_mem mem = { acpi_fake_map, &f.mem };
	struct fixture real;
	uint64_t at = 0;

	f.mem.r[0] = (struct acpi_fake_region){ 0, low, sizeof(low) };
	cr_assert_eq(acpi_rsdp_scan(&mem, &at), -ENOENT);
	fx_load(&real, "qemu-q35-smp4.txt");
	/* a stray signature with a bad checksum first, the real RSDP after it */
	memcpy(low + 0xe0010, "RSD PTR ", 8);
	memcpy(low + 0xf5000, fx_at(&real, real.rsdp, 20), 20);
	cr_assert_eq(acpi_rsdp_scan(&mem, &at), 0);
	cr_assert_eq(at, 0xf5000);
	/* the EBDA (segment at 0x40e) is searched first */
	low[0x40e] = 0x00;
	low[0x40f] = 0x9f; /* segment 0x9f00 -> 0x9f000 */
	memcpy(low + 0x9f040, fx_at(&real, real.rsdp, 20), 20);
	cr_assert_eq(acpi_rsdp_scan(&mem, &at), 0);
	cr_assert_eq(at, 0x9f040);
	/* an EBDA pointer outside conventional memory is not followed */
	low[0x40f] = 0xff;
	cr_assert_eq(acpi_rsdp_scan(&mem, &at), 0);
	cr_assert_eq(at, 0xf5000);
	fx_free(&real);
}

/* ---- tables in general ---- */

Test(acpi_table, header_checks)
{
	uint8_t t[64] = "APIC";

	t[4] = 64;
	acpi_fake_checksum(t, 64, 9);
	cr_assert_eq(acpi_table_check(t, 64, "APIC"), 64);
	cr_assert_eq(acpi_table_check(t, 64, NULL), 64);
	cr_assert_eq(acpi_table_check(t, 64, "FACP"), -EINVAL);
	cr_assert_eq(acpi_table_check(t, 35, "APIC"), -EMSGSIZE, "shorter than a header");
	cr_assert_eq(acpi_table_check(t, 63, "APIC"), -EMSGSIZE, "length beyond the buffer");
	t[4] = 20; /* length shorter than the header */
	cr_assert_eq(acpi_table_check(t, 64, "APIC"), -EMSGSIZE);
	t[4] = 0xff, t[5] = 0xff, t[6] = 0xff, t[7] = 0xff; /* 4 GiB - 1: no wrap anywhere */
	cr_assert_eq(acpi_table_check(t, 64, "APIC"), -EMSGSIZE);
	t[4] = 64, t[5] = 0, t[6] = 0, t[7] = 0;
	t[40]++;
	cr_assert_eq(acpi_table_check(t, 64, "APIC"), -EBADMSG);
}

Test(acpi_table, madt_with_bad_checksum_is_rejected_by_find)
{
	struct fixture f;

	fx_load(&f, "qemu-q35-smp4.txt");
	cr_assert_eq(fx_find(&f, "APIC"), 0);
	((uint8_t *)f.t)[50]++;
	cr_assert_eq(fx_find(&f, "APIC"), -EBADMSG);
	cr_assert_eq(f.fd.rejected, 1);
	cr_assert_str_eq(f.fd.why, "bad checksum");
	fx_free(&f);
}

Test(acpi_table, root_length_not_a_multiple_of_the_entry)
{
	struct fixture f;

	fx_load(&f, "qemu-q35-smp4.txt");
	uint8_t *rsdt = fx_at(&f, acpi_get32(fx_at(&f, f.rsdp, 20) + 16), ACPI_HDR_LEN);
	uint32_t l = acpi_get32(rsdt + 4);
	cr_assert_eq(fx_find(&f, "APIC"), 0);
	unsigned entries = f.fd.entries;
	rsdt[4] = (uint8_t)(l - 1); /* a torn last pointer: ignored, the others still count */
	acpi_fake_checksum(rsdt, l - 1, 9);
	cr_assert_eq(fx_find(&f, "FACP"), 0);
	cr_assert_eq(f.fd.entries, entries - 1);
	fx_free(&f);
}

/* ---- MADT entries ---- */

/* A MADT with the given entries in buf: its length. */
static uint32_t madt_build(uint8_t *buf, size_t cap, const uint8_t *entries, size_t n)
{
	uint32_t len = acpi_fake_madt(buf, cap, entries, n);

	cr_assert_neq(len, 0, "%zu bytes of entries do not fit in %zu", n, cap);
	return len;
}

Test(acpi_madt, lapic_and_x2apic_entries)
{
	const uint8_t e[] = { ACPI_FAKE_LAPIC(0, 0, 1),
			      1,
			      12,
			      0,
			      0,
			      0,
			      0,
			      0xc0,
			      0xfe,
			      0,
			      0,
			      0,
			      0, /* IO-APIC */
			      ACPI_FAKE_X2APIC(300, 1, 300),
			      ACPI_FAKE_LAPIC(2, 4, 2),
			      ACPI_FAKE_LAPIC(3, 6, 0) };
	uint8_t t[256];
	struct acpi_cpu c[8];
	struct acpi_madt m;
	uint32_t len = madt_build(t, sizeof(t), e, sizeof(e));

	cr_assert_eq(acpi_madt_parse(t, len, c, 8, &m), 0, "%s", m.why);
	cr_assert_eq(m.ncpus, 4);
	cr_assert_eq(m.enabled, 2);
	cr_assert_eq(m.online_capable, 1);
	cr_assert_eq(m.disabled, 1);
	cr_assert_eq(m.skipped, 1);
	cr_assert_eq(m.lapic_addr, 0xfee00000);
	cr_assert_eq(c[1].x2apic, 1);
	cr_assert_eq(c[1].apic_id, 300);
	cr_assert_eq(c[1].uid, 300);
	cr_assert_eq(c[2].flags, ACPI_CPU_ONLINE_CAPABLE);
}

Test(acpi_madt, header_only_and_too_short)
{
	uint8_t t[64];
	struct acpi_cpu c[2];
	struct acpi_madt m;
	uint32_t len = madt_build(t, sizeof(t), NULL, 0);

	cr_assert_eq(acpi_madt_parse(t, len, c, 2, &m), 0);
	cr_assert_eq(m.ncpus, 0);
	/* a table of 40 bytes: a valid SDT header but no room for the MADT fields */
	t[4] = 40;
	acpi_fake_checksum(t, 40, 9);
	cr_assert_eq(acpi_madt_parse(t, 40, c, 2, &m), -EMSGSIZE);
	cr_assert_eq(acpi_madt_parse(t, 20, c, 2, &m), -EMSGSIZE);
}

Test(acpi_madt, entry_length_zero_or_one)
{
	for (uint8_t l = 0; l < 2; l++) {
		const uint8_t e[] = { ACPI_FAKE_LAPIC(0, 0, 1), 0, l, 0, 0, 0, 0, 0, 0 };
		uint8_t t[128];
		struct acpi_cpu c[4];
		struct acpi_madt m;
		uint32_t len = madt_build(t, sizeof(t), e, sizeof(e));

		cr_assert_eq(acpi_madt_parse(t, len, c, 4, &m), -EBADMSG, "length %u", l);
		cr_assert_str_eq(m.why, "entry length below 2");
		cr_assert_eq(m.bad_offset, ACPI_MADT_HDR_LEN + 8);
	}
}

Test(acpi_madt, entry_past_the_end)
{
	const uint8_t e[] = { ACPI_FAKE_LAPIC(0, 0, 1), 0, 8, 1, 2 }; /* says 8 bytes, 4 remain */
	uint8_t t[128];
	struct acpi_cpu c[4];
	struct acpi_madt m;
	uint32_t len = madt_build(t, sizeof(t), e, sizeof(e));

	cr_assert_eq(acpi_madt_parse(t, len, c, 4, &m), -EMSGSIZE);
	cr_assert_str_eq(m.why, "entry runs past the table");
	/* one stray byte at the end: not even an entry header */
	const uint8_t e2[] = { ACPI_FAKE_LAPIC(0, 0, 1), 0 };
	len = madt_build(t, sizeof(t), e2, sizeof(e2));
	cr_assert_eq(acpi_madt_parse(t, len, c, 4, &m), -EMSGSIZE);
	cr_assert_str_eq(m.why, "entry header runs past the table");
}

Test(acpi_madt, processor_entries_too_short)
{
	const uint8_t e[] = { 0, 6, 0, 0, 1, 0 };
	const uint8_t x[] = { 9, 12, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0 };
	uint8_t t[128];
	struct acpi_cpu c[4];
	struct acpi_madt m;
	uint32_t len = madt_build(t, sizeof(t), e, sizeof(e));

	cr_assert_eq(acpi_madt_parse(t, len, c, 4, &m), -EBADMSG);
	len = madt_build(t, sizeof(t), x, sizeof(x));
	cr_assert_eq(acpi_madt_parse(t, len, c, 4, &m), -EBADMSG);
	cr_assert_str_eq(m.why, "x2APIC entry too short");
}

Test(acpi_madt, more_cpus_than_room_duplicates_and_bad_ids)
{
	uint8_t e[8 * 300], t[8 * 300 + 64];
	struct acpi_cpu c[16];
	struct acpi_madt m;

	/* 255 distinct UIDs (an 8-bit field), then duplicates; one APIC id 0xff */
	for (unsigned i = 0; i < 300; i++) {
		const uint8_t one[] = { ACPI_FAKE_LAPIC(i % 255, i % 255 == 7 ? 0xff : i % 255,
							1) };
		memcpy(e + 8 * i, one, 8);
	}
	uint32_t len = madt_build(t, sizeof(t), e, sizeof(e));
	cr_assert_eq(acpi_madt_parse(t, len, c, 16, &m), 0, "%s", m.why);
	cr_assert_eq(m.ncpus, 16);
	cr_assert_eq(m.bad_apic_id, 2);
	cr_assert_eq(m.ncpus + m.dropped + m.duplicates + m.bad_apic_id, 300);
	cr_assert_eq(m.duplicates, 16, "second sightings of the stored UIDs");
	for (unsigned i = 0; i < 16; i++)
		cr_assert_neq(c[i].apic_id, 0xff);
	/* no room at all: everything is counted, nothing stored */
	cr_assert_eq(acpi_madt_parse(t, len, c, 0, &m), 0);
	cr_assert_eq(m.ncpus, 0);
	cr_assert_eq(m.dropped, 298);
}

Test(acpi_madt, every_truncation_of_a_real_table_is_safe)
{
	struct fixture f;
	struct acpi_cpu c[8];
	struct acpi_madt m;

	fx_load(&f, "qemu-q35-smp4.txt");
	cr_assert_eq(fx_find(&f, "APIC"), 0);
	/* a copy of each prefix on the heap: ASan catches any read past it */
	for (uint32_t n = 0; n <= f.len; n++) {
		uint8_t *cp = malloc(n ? n : 1);
		memcpy(cp, f.t, n);
		int r = acpi_madt_parse(cp, n, c, 8, &m);
		cr_assert(n == f.len ? r == 0 : r < 0, "prefix %u: %d", n, r);
		/* and the same bytes with the length field claiming exactly n */
		if (n >= ACPI_HDR_LEN) {
			cp[4] = n & 0xff, cp[5] = (n >> 8) & 0xff, cp[6] = 0, cp[7] = 0;
			acpi_fake_checksum(cp, n, 9);
			r = acpi_madt_parse(cp, n, c, 8, &m);
			cr_assert(r == 0 || r == -EMSGSIZE || r == -EBADMSG, "prefix %u: %d", n, r);
		}
		free(cp);
	}
	fx_free(&f);
}
