/* "acpi_dump": every table the RSDP points to, as the hex lines tests/unit's fixtures are made of. */
#include "drivers/acpi/acpi.h"
#include "kernel/acpi_dump.h"
#include "kernel/printk.h"

static void dump_region(const struct acpi_mem *mem, uint64_t paddr, uint32_t len)
{
	const uint8_t *p = mem->map(mem->ctx, paddr, len);
	char line[80];

	if (!p)
		return;
	for (uint32_t off = 0; off < len; off += 32) {
		int n = 0;

		for (uint32_t i = off; i < len && i < off + 32; i++) {
			line[n++] = "0123456789abcdef"[p[i] >> 4];
			line[n++] = "0123456789abcdef"[p[i] & 15];
		}
		line[n] = 0;
		pr_info("acpi-dump: %016lx %s\n", paddr + off, line);
	}
}

static void dump_table(const struct acpi_mem *mem, uint64_t paddr)
{
	const uint8_t *h = mem->map(mem->ctx, paddr, ACPI_HDR_LEN);
	uint32_t len = h ? acpi_get32(h + 4) : 0;

	if (h)
		dump_region(mem, paddr,
			    len < ACPI_HDR_LEN ? ACPI_HDR_LEN
			    : len > 65536      ? 65536
					       : len);
}

void acpi_dump(const struct acpi_mem *mem, uint64_t rsdp)
{
	struct acpi_rsdp r;
	const uint8_t *p = mem->map(mem->ctx, rsdp, ACPI_RSDP_V2_LEN);

	if (!p || acpi_rsdp_parse(p, ACPI_RSDP_V2_LEN, &r))
		p = mem->map(mem->ctx, rsdp, ACPI_RSDP_V1_LEN), r.revision = 0;
	if (!p)
		return;
	pr_info("acpi-dump: rsdp %016lx\n", rsdp);
	dump_region(mem, rsdp, r.revision >= 2 ? ACPI_RSDP_V2_LEN : ACPI_RSDP_V1_LEN);
	if (acpi_rsdp_parse(p, r.revision >= 2 ? ACPI_RSDP_V2_LEN : ACPI_RSDP_V1_LEN, &r))
		return;
	for (int x = 0; x < 2; x++) {
		uint64_t root = x ? r.xsdt : r.rsdt;
		const uint8_t *h = root ? mem->map(mem->ctx, root, ACPI_HDR_LEN) : NULL;

		if (!h)
			continue;
		dump_table(mem, root);
		uint32_t len = acpi_get32(h + 4), es = x ? 8 : 4;
		const uint8_t *t = len >= ACPI_HDR_LEN ? mem->map(mem->ctx, root, len) : NULL;
		for (uint32_t off = ACPI_HDR_LEN; t && off + es <= len && off < 4096; off += es)
			dump_table(mem, x ? acpi_get64(t + off) : acpi_get32(t + off));
	}
	pr_info("acpi-dump: end\n");
}
