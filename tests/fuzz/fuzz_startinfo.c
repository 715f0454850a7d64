/*
 * Fuzzes the start info as boot.S stages it: startinfo_parse, the memory-map sanitiser, the
 * memory checks of modules and RSDP, and the command-line splitter, with their promises checked.
 */
#include "tests/fuzz/fuzz.h"
#include "kernel/cmdline.h"
#include "kernel/memmap.h"
#include "kernel/startinfo.h"

#define IMG_START 0x100000ull
#define IMG_END	  0x180000ull

/* RAM ranges: sorted, disjoint, page-aligned, inside RAM entries, outside every reservation. */
static void check_ranges(const struct hvm_memmap_table_entry *map, unsigned n)
{
	static struct mem_range r[MEMMAP_RANGES_MAX];
	struct memmap_report rep;
	int k = memmap_ram_ranges(map, n, r, MEMMAP_RANGES_MAX, &rep);

	FZ_CHECK(k >= 0 && k <= MEMMAP_RANGES_MAX);
	for (int i = 0; i < k; i++) {
		FZ_CHECK(r[i].start < r[i].end);
		FZ_CHECK(!(r[i].start & 4095) && !(r[i].end & 4095));
		FZ_CHECK(i == 0 || r[i - 1].end <= r[i].start);
		FZ_CHECK(memmap_covered(map, n, r[i].start, r[i].end,
					MEMMAP_BIT(XEN_HVM_MEMMAP_TYPE_RAM)));
		FZ_CHECK(memmap_in_ram(map, n, r[i].start, r[i].end));
		for (unsigned j = 0; j < n; j++) {
			const struct hvm_memmap_table_entry *e = &map[j];
			uint64_t end = e->addr + e->size < e->addr ? UINT64_MAX : e->addr + e->size;

			if (e->type != XEN_HVM_MEMMAP_TYPE_RAM && e->size)
				FZ_CHECK(r[i].end <= e->addr || end <= r[i].start);
		}
	}
	/* the kernel's own reservations keep the list sorted and disjoint */
	unsigned lost = 0;
	k = memmap_subtract(r, k, MEMMAP_RANGES_MAX, IMG_START, IMG_END, &lost);
	for (int i = 0; i < k; i++) {
		FZ_CHECK(r[i].start < r[i].end && (i == 0 || r[i - 1].end <= r[i].start));
		FZ_CHECK(r[i].end <= IMG_START || r[i].start >= IMG_END);
	}
}

static void check_cmdline(const char *s)
{
	static char buf[BOOTRAW_CMDLINE_MAX];
	struct cmdline cl;
	size_t len = strlen(s);

	FZ_CHECK(len < sizeof(buf));
	memcpy(buf, s, len + 1);
	cmdline_parse(buf, "fuzz", &cl);
	FZ_CHECK(cl.argc >= 1 && cl.argc <= CMDLINE_ARGS_MAX && !cl.argv[cl.argc]);
	FZ_CHECK(cl.nopts >= 0 && cl.nopts <= CMDLINE_ARGS_MAX);
	for (int i = 1; i < cl.argc; i++)
		FZ_CHECK(cl.argv[i] >= buf && cl.argv[i] + strlen(cl.argv[i]) < buf + sizeof(buf));
	for (int i = 0; i < cl.nopts; i++)
		FZ_CHECK(cl.opts[i] >= buf && cl.opts[i] + strlen(cl.opts[i]) < buf + sizeof(buf));
	unsigned long v;
	cmdline_opt_uint(&cl, "maxcpus", &v);
	cmdline_opt(&cl, "ip");
}

/* The staged copy from the input: fixed fields, then counts and entries, then strings. */
static void stage(struct fz *f, struct boot_raw *raw)
{
	raw->copied = fz_u32(f);
	fz_bytes(f, &raw->si, sizeof(raw->si));
	if (fz_u8(f) & 1)
		raw->si.magic = XEN_HVM_START_MAGIC_VALUE;
	unsigned nmap = fz_u8(f) % (BOOTRAW_MEMMAP_MAX + 1);
	fz_bytes(f, raw->memmap, nmap * sizeof(raw->memmap[0]));
	unsigned nmod = fz_u8(f) % (BOOTRAW_MODS_MAX + 1);
	fz_bytes(f, raw->modlist, nmod * sizeof(raw->modlist[0]));
	for (unsigned i = 0; i < nmod; i++)
		fz_bytes(f, raw->modcmd[i], fz_u8(f));
	fz_bytes(f, raw->cmdline, f->n < sizeof(raw->cmdline) ? f->n : sizeof(raw->cmdline));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* heap-allocated, exactly sized: ASan sees a read past the staging area */
	struct boot_raw *raw = calloc(1, sizeof(*raw));
	struct fz f = { data, size };
	struct bootinfo bi;

	stage(&f, raw);
	int r = startinfo_parse(raw, IMG_START, IMG_END, &bi);
	FZ_CHECK(r <= 0);
	FZ_CHECK(bi.cmdline && memchr(bi.cmdline, 0, BOOTRAW_CMDLINE_MAX));
	FZ_CHECK(bi.memmap_entries <= BOOTRAW_MEMMAP_MAX && bi.nr_modules <= BOOTRAW_MODS_MAX);
	FZ_CHECK(bi.nr_modules + bi.bad_modules <= BOOTRAW_MODS_MAX);
	for (unsigned i = 0; i < bi.nr_modules; i++) {
		const struct boot_module *m = &bi.modules[i];

		FZ_CHECK(m->paddr && m->paddr + m->size >= m->paddr);
		FZ_CHECK(m->paddr + m->size <= IMG_START || m->paddr >= IMG_END);
		FZ_CHECK(m->cmdline && memchr(m->cmdline, 0, BOOTRAW_MODCMD_MAX));
	}
	if (*bi.cmdline && bi.memmap_entries)
		FZ_CHECK(memmap_in_ram(bi.memmap, bi.memmap_entries, raw->si.cmdline_paddr,
				       raw->si.cmdline_paddr + strlen(bi.cmdline) + 1));
	check_ranges(bi.memmap, bi.memmap_entries);

	unsigned before = bi.nr_modules;
	startinfo_check_memory(&bi);
	FZ_CHECK(bi.nr_modules <= before);
	for (unsigned i = 0; i < bi.nr_modules && bi.memmap_entries; i++) {
		const struct boot_module *m = &bi.modules[i];

		FZ_CHECK(memmap_in_ram(bi.memmap, bi.memmap_entries, m->paddr,
				       m->paddr + (m->size ? m->size : 1)));
	}
	uint64_t rsdp = bi.rsdp_paddr;
	if (rsdp && bi.memmap_entries && (rsdp < 0xe0000 || rsdp > 0x100000 - 20))
		FZ_CHECK(
		    memmap_covered(bi.memmap, bi.memmap_entries, rsdp, rsdp + 20, MEMMAP_FIRMWARE));
	check_cmdline(bi.cmdline);
	free(raw);
	return 0;
}
