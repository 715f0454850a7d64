/*
 * Fuzzes ACPI discovery over a fake physical memory: the RSDP, the pointer walk through the
 * RSDT/XSDT, the MADT, and the legacy RSDP search. Input: the RSDP address, then regions
 * (address, length, how to fix checksums, bytes), so the fuzzer can get past the checksums.
 */
#include "tests/fuzz/fuzz.h"
#include "drivers/acpi/acpi.h"

#define REGIONS_MAX 12

struct region {
	uint64_t paddr;
	uint32_t len;
	uint8_t *bytes; /* exactly len bytes on the heap: ASan sees any read past the end */
};

static struct region reg[REGIONS_MAX];
static unsigned nreg;

/* A range is readable when it lies in one region, as memory is contiguous there. */
static const void *fake_map(void *ctx, uint64_t paddr, uint64_t len)
{
	(void)ctx;
	for (unsigned i = 0; i < nreg; i++)
		if (paddr >= reg[i].paddr && len <= reg[i].len &&
		    paddr - reg[i].paddr <= reg[i].len - len)
			return reg[i].bytes + (paddr - reg[i].paddr);
	return NULL;
}

static const struct acpi_mem mem = { fake_map, NULL };

static int inside(const void *p, uint64_t len)
{
	for (unsigned i = 0; i < nreg; i++) {
		const uint8_t *b = reg[i].bytes;

		if ((const uint8_t *)p >= b && len <= reg[i].len &&
		    (uint64_t)((const uint8_t *)p - b) <= reg[i].len - len)
			return 1;
	}
	return 0;
}

static void fix_sum(uint8_t *b, uint32_t n, uint32_t at)
{
	uint8_t s = 0;

	b[at] = 0;
	for (uint32_t i = 0; i < n; i++)
		s += b[i];
	b[at] = (uint8_t)-s;
}

/* Makes the region's checksums right where the input asks: an SDT header, an RSDP. */
static void fix(struct region *r, uint8_t how)
{
	if ((how & 1) && r->len >= ACPI_HDR_LEN) {
		uint32_t l = acpi_get32(r->bytes + 4);

		fix_sum(r->bytes, l <= r->len ? l : r->len, 9);
	}
	if ((how & 2) && r->len >= ACPI_RSDP_V1_LEN) {
		fix_sum(r->bytes, ACPI_RSDP_V1_LEN, 8);
		uint32_t l = r->len >= ACPI_RSDP_V2_LEN ? acpi_get32(r->bytes + 20) : 0;
		if (l >= ACPI_RSDP_V2_LEN && l <= r->len)
			fix_sum(r->bytes, l, 32);
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

	nreg = 0;
	while (f.n && nreg < REGIONS_MAX) {
		struct region *r = &reg[nreg++];

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
	for (unsigned i = 0; i < nreg; i++) {
		struct acpi_rsdp rs;

		check_madt(reg[i].bytes, reg[i].len);
		if (acpi_rsdp_parse(reg[i].bytes, reg[i].len, &rs) == 0)
			FZ_CHECK(rs.length <= reg[i].len && rs.oem[6] == 0);
	}
	uint64_t found;
	if (acpi_rsdp_scan(&mem, &found) == 0) {
		const void *p = fake_map(NULL, found, ACPI_RSDP_V1_LEN);
		struct acpi_rsdp rs;

		FZ_CHECK(p && !(found & 15));
		FZ_CHECK(acpi_rsdp_parse(p, ACPI_RSDP_V1_LEN, &rs) == 0 || rs.revision >= 2);
	}
	for (unsigned i = 0; i < nreg; i++)
		free(reg[i].bytes);
	return 0;
}
