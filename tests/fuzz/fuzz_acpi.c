/*
 * Fuzzes ACPI discovery over a fake physical memory: the RSDP, the pointer walk through the
 * RSDT/XSDT, the MADT, and the legacy RSDP search. Input: the RSDP address, then regions
 * (address, length, how to fix checksums, bytes), so the fuzzer can get past the checksums.
 */
#include "tests/fuzz/fuzz.h"
#include "drivers/acpi/acpi.h"
#include "tests/unit/acpi_fake.h"

#define REGIONS_MAX 12

/* each region's bytes exactly len long on the heap: ASan sees any read past the end */
static struct acpi_fake_mem fake;

static const struct acpi_mem mem = { acpi_fake_map, &fake };

static int inside(const void *p, uint64_t len)
{
	for (unsigned i = 0; i < fake.n; i++) {
		const uint8_t *b = fake.r[i].bytes;

		if ((const uint8_t *)p >= b && len <= fake.r[i].len &&
		    (uint64_t)((const uint8_t *)p - b) <= fake.r[i].len - len)
			return 1;
	}
	return 0;
}

/* Makes the region's checksums right where the input asks: an SDT header, an RSDP. */
static void fix(struct acpi_fake_region *r, uint8_t how)
{
	if ((how & 1) && r->len >= ACPI_HDR_LEN) {
		uint32_t l = acpi_get32(r->bytes + 4);

		acpi_fake_checksum(r->bytes, l <= r->len ? l : r->len, 9);
	}
	if ((how & 2) && r->len >= ACPI_RSDP_V1_LEN) {
		acpi_fake_checksum(r->bytes, ACPI_RSDP_V1_LEN, 8);
		uint32_t l = r->len >= ACPI_RSDP_V2_LEN ? acpi_get32(r->bytes + 20) : 0;
		if (l >= ACPI_RSDP_V2_LEN && l <= r->len)
			acpi_fake_checksum(r->bytes, l, 32);
	}
}

static void check_madt(const void *t, uint32_t len)
{
	struct acpi_cpu cpus[8];
	struct acpi_madt m;
	int r = acpi_madt_parse(t, len, cpus, 8, &m);

	if (r) {
		FZ_CHECK(r < 0 && m.why);
		return;
	}
	FZ_CHECK(m.ncpus <= 8);
	FZ_CHECK(m.enabled + m.disabled + m.online_capable == m.ncpus);
	for (unsigned i = 0; i < m.ncpus; i++) {
		FZ_CHECK(cpus[i].x2apic || cpus[i].apic_id != 0xff);
		FZ_CHECK(cpus[i].x2apic || cpus[i].uid <= 0xff);
		for (unsigned j = 0; j < i; j++)
			FZ_CHECK(cpus[i].uid != cpus[j].uid);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	uint64_t rsdp = fz_u64(&f);

	fake.n = 0;
	while (f.n && fake.n < REGIONS_MAX) {
		struct acpi_fake_region *r = &fake.r[fake.n++];

		r->paddr = fz_u64(&f);
		r->len = fz_u16(&f);
		uint8_t how = fz_u8(&f);
		/*
		 * never longer than the bytes the input still holds: 64 KiB regions zero-filled past
		 * a short input cost a page fault per page in ASan's allocator, most of the time here
		 */
		if (r->len > f.n)
			r->len = (uint16_t)f.n;
		r->bytes = malloc(r->len ? r->len : 1);
		fz_bytes(&f, r->bytes, r->len);
		fix(r, how);
	}

	const void *t;
	uint32_t len;
	struct acpi_find find;
	int r = acpi_find_table(&mem, rsdp, "APIC", &t, &len, &find);
	if (r == 0) {
		/* a returned table lies inside what was mapped and is what was asked for */
		FZ_CHECK(len >= ACPI_HDR_LEN && len <= ACPI_TABLE_MAX && inside(t, len));
		FZ_CHECK(!memcmp(t, "APIC", 4) && acpi_get32((const uint8_t *)t + 4) == len);
		FZ_CHECK(acpi_table_check(t, len, "APIC") == (long)len);
		check_madt(t, len);
	} else {
		FZ_CHECK(r < 0 && find.why);
	}
	/* every region as a MADT and as an RSDP on its own: the parsers see any bytes */
	for (unsigned i = 0; i < fake.n; i++) {
		struct acpi_rsdp rs;

		check_madt(fake.r[i].bytes, fake.r[i].len);
		if (acpi_rsdp_parse(fake.r[i].bytes, fake.r[i].len, &rs) == 0)
			FZ_CHECK(rs.length <= fake.r[i].len && rs.oem[6] == 0);
	}
	uint64_t found;
	if (acpi_rsdp_scan(&mem, &found) == 0) {
		const void *p = acpi_fake_map(&fake, found, ACPI_RSDP_V1_LEN);
		struct acpi_rsdp rs;

		FZ_CHECK(p && !(found & 15));
		FZ_CHECK(acpi_rsdp_parse(p, ACPI_RSDP_V1_LEN, &rs) == 0 || rs.revision >= 2);
	}
	for (unsigned i = 0; i < fake.n; i++)
		free(fake.r[i].bytes);
	return 0;
}
