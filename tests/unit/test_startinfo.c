/* Tests start-info validation (kernel/startinfo.c) over staged copies like those boot.S makes. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "base/errno.h"
#include "kernel/memmap.h"
#include "kernel/startinfo.h"

#define IMG_START 0x100000ull
#define IMG_END	  0x180000ull

static struct boot_raw *raw;
static struct bootinfo bi;

static void setup(void)
{
	/* heap-allocated so ASan sees any read past the staging area */
	raw = calloc(1, sizeof(*raw));
	cr_assert_not_null(raw);
	raw->si.magic = XEN_HVM_START_MAGIC_VALUE;
	raw->si.version = 1;
}

static void teardown(void)
{
	free(raw);
}

static int parse(void)
{
	memset(&bi, 0x5a, sizeof(bi)); /* the parser must fill everything itself */
	return startinfo_parse(raw, IMG_START, IMG_END, &bi);
}

static void set_cmdline(const char *s)
{
	raw->si.cmdline_paddr = 0x9000;
	raw->copied |= BOOTRAW_HAVE_CMDLINE;
	strcpy(raw->cmdline, s);
}

static void add_mem(uint64_t addr, uint64_t size, uint32_t type)
{
	unsigned i = raw->si.memmap_entries++;

	raw->si.memmap_paddr = 0xa000;
	raw->copied |= BOOTRAW_HAVE_MEMMAP;
	raw->memmap[i] =
	    (struct hvm_memmap_table_entry){ .addr = addr, .size = size, .type = type };
}

static void add_mod(uint64_t paddr, uint64_t size, const char *cmd)
{
	unsigned i = raw->si.nr_modules++;

	raw->si.modlist_paddr = 0xb000;
	raw->copied |= BOOTRAW_HAVE_MODLIST;
	raw->modlist[i] = (struct hvm_modlist_entry){ .paddr = paddr, .size = size };
	if (cmd) {
		raw->modlist[i].cmdline_paddr = 0xc000 + i * 0x100;
		raw->copied |= BOOTRAW_HAVE_MODCMD0 << i;
		strcpy(raw->modcmd[i], cmd);
	}
}

TestSuite(startinfo, .init = setup, .fini = teardown);

Test(startinfo, good_v1)
{
	set_cmdline("console=hvc0 -- hello world");
	raw->si.flags = 3;
	raw->si.rsdp_paddr = 0xe0000;
	add_mem(0, 0x9fc00, XEN_HVM_MEMMAP_TYPE_RAM);
	add_mem(0xf0000, 0x10000, XEN_HVM_MEMMAP_TYPE_RESERVED);
	add_mem(0x100000, 0x7f00000, XEN_HVM_MEMMAP_TYPE_RAM);
	add_mod(0x2000000, 0x1234, "initrd arg");
	add_mod(0x3000000, 0x10, NULL);

	cr_assert_eq(parse(), 0);
	cr_assert_eq(bi.warnings, 0, "warnings %#x", bi.warnings);
	cr_assert_eq(bi.version, 1);
	cr_assert_eq(bi.flags, 3);
	cr_assert_eq(bi.rsdp_paddr, 0xe0000);
	cr_assert_str_eq(bi.cmdline, "console=hvc0 -- hello world");
	cr_assert_eq(bi.memmap, raw->memmap);
	cr_assert_eq(bi.memmap_entries, 3);
	cr_assert_eq(bi.memmap[2].addr, 0x100000);
	cr_assert_eq(bi.nr_modules, 2);
	cr_assert_eq(bi.bad_modules, 0);
	cr_assert_eq(bi.modules[0].paddr, 0x2000000);
	cr_assert_eq(bi.modules[0].size, 0x1234);
	cr_assert_str_eq(bi.modules[0].cmdline, "initrd arg");
	cr_assert_eq(bi.modules[1].paddr, 0x3000000);
	cr_assert_not_null(bi.modules[1].cmdline);
	cr_assert_str_eq(bi.modules[1].cmdline, "");
}

Test(startinfo, good_v0)
{
	raw->si.version = 0;
	set_cmdline("quiet");
	raw->si.rsdp_paddr = 0xf5a00;
	add_mod(0x400000, 0x1000, "m");
	/* in v0 these bytes are not part of the structure: whatever is there must be ignored */
	raw->si.memmap_paddr = 0xdead000;
	raw->si.memmap_entries = 7;
	raw->si.reserved = 0xffffffff;

	cr_assert_eq(parse(), 0);
	cr_assert_eq(bi.version, 0);
	cr_assert_eq(bi.warnings, SI_WARN_MEMMAP_NONE, "warnings %#x", bi.warnings);
	cr_assert_str_eq(bi.cmdline, "quiet");
	cr_assert_eq(bi.rsdp_paddr, 0xf5a00);
	cr_assert_null(bi.memmap);
	cr_assert_eq(bi.memmap_entries, 0);
	cr_assert_eq(bi.nr_modules, 1);
	cr_assert_str_eq(bi.modules[0].cmdline, "m");
}

Test(startinfo, minimal_no_cmdline_no_modules)
{
	add_mem(0, 0x8000000, XEN_HVM_MEMMAP_TYPE_RAM);
	cr_assert_eq(parse(), 0);
	cr_assert_eq(bi.warnings, 0);
	cr_assert_not_null(bi.cmdline);
	cr_assert_str_eq(bi.cmdline, "");
	cr_assert_eq(bi.nr_modules, 0);
	cr_assert_eq(bi.memmap_entries, 1);
}

Test(startinfo, bad_magic)
{
	set_cmdline("x");
	add_mem(0, 0x8000000, XEN_HVM_MEMMAP_TYPE_RAM);
	raw->si.magic = XEN_HVM_START_MAGIC_VALUE ^ 1;
	cr_assert_eq(parse(), -EINVAL);
	/* nothing from a bad structure is passed on */
	cr_assert_null(bi.memmap);
	cr_assert_eq(bi.memmap_entries, 0);
	cr_assert_eq(bi.nr_modules, 0);
	cr_assert_not_null(bi.cmdline);
	cr_assert_str_eq(bi.cmdline, "");
	raw->si.magic = 0;
	cr_assert_eq(parse(), -EINVAL);
}

Test(startinfo, newer_version)
{
	raw->si.version = 2;
	set_cmdline("v2");
	add_mem(0, 0x8000000, XEN_HVM_MEMMAP_TYPE_RAM);
	cr_assert_eq(parse(), 0);
	cr_assert_eq(bi.warnings, SI_WARN_VERSION, "warnings %#x", bi.warnings);
	cr_assert_eq(bi.version, 2);
	/* the fields of v1 are still read */
	cr_assert_str_eq(bi.cmdline, "v2");
	cr_assert_eq(bi.memmap_entries, 1);
}

Test(startinfo, reserved_nonzero)
{
	add_mem(0, 0x8000000, XEN_HVM_MEMMAP_TYPE_RAM);
	raw->si.reserved = 1;
	cr_assert_eq(parse(), 0);
	cr_assert_eq(bi.warnings, SI_WARN_RESERVED, "warnings %#x", bi.warnings);
	cr_assert_eq(bi.memmap_entries, 1);
}

Test(startinfo, cmdline_unterminated)
{
	raw->si.cmdline_paddr = 0x9000;
	raw->copied |= BOOTRAW_HAVE_CMDLINE;
	memset(raw->cmdline, 'a', sizeof(raw->cmdline));
	add_mem(0, 0x8000000, XEN_HVM_MEMMAP_TYPE_RAM);
	cr_assert_eq(parse(), 0);
	cr_assert_eq(bi.warnings, SI_WARN_CMDLINE_UNTERM, "warnings %#x", bi.warnings);
	cr_assert_str_eq(bi.cmdline, "");
}

Test(startinfo, cmdline_exactly_at_bound)
{
	/* the longest acceptable line: the NUL is the last byte */
	raw->si.cmdline_paddr = 0x9000;
	raw->copied |= BOOTRAW_HAVE_CMDLINE;
	memset(raw->cmdline, 'b', sizeof(raw->cmdline) - 1);
	add_mem(0, 0x8000000, XEN_HVM_MEMMAP_TYPE_RAM);
	cr_assert_eq(parse(), 0);
	cr_assert_eq(bi.warnings, 0);
	cr_assert_eq(strlen(bi.cmdline), BOOTRAW_CMDLINE_MAX - 1);
}

Test(startinfo, cmdline_not_copied)
{
	raw->si.cmdline_paddr = 0x100000000ull; /* above 4 GiB: boot.S could not copy it */
	strcpy(raw->cmdline, "stale");
	add_mem(0, 0x8000000, XEN_HVM_MEMMAP_TYPE_RAM);
	cr_assert_eq(parse(), 0);
	cr_assert_eq(bi.warnings, SI_WARN_CMDLINE_HIGH, "warnings %#x", bi.warnings);
	cr_assert_str_eq(bi.cmdline, "");
}

Test(startinfo, memmap_missing_zero_entries)
{
	raw->si.memmap_paddr = 0xa000;
	raw->si.memmap_entries = 0;
	raw->copied |= BOOTRAW_HAVE_MEMMAP;
	cr_assert_eq(parse(), 0);
	cr_assert_eq(bi.warnings, SI_WARN_MEMMAP_NONE, "warnings %#x", bi.warnings);
	cr_assert_eq(bi.memmap_entries, 0);
}

Test(startinfo, memmap_missing_no_address)
{
	raw->si.memmap_entries = 3;
	cr_assert_eq(parse(), 0);
	cr_assert_eq(bi.warnings, SI_WARN_MEMMAP_NONE, "warnings %#x", bi.warnings);
	cr_assert_eq(bi.memmap_entries, 0);
}

Test(startinfo, memmap_not_copied)
{
	add_mem(0, 0x8000000, XEN_HVM_MEMMAP_TYPE_RAM);
	raw->copied &= ~BOOTRAW_HAVE_MEMMAP;
	cr_assert_eq(parse(), 0);
	cr_assert_eq(bi.warnings, SI_WARN_MEMMAP_HIGH, "warnings %#x", bi.warnings);
	cr_assert_null(bi.memmap);
	cr_assert_eq(bi.memmap_entries, 0);
}

Test(startinfo, memmap_too_many_entries)
{
	for (unsigned i = 0; i < BOOTRAW_MEMMAP_MAX; i++)
		add_mem(i * 0x10000ull, 0x10000, XEN_HVM_MEMMAP_TYPE_RAM);
	raw->si.memmap_entries = BOOTRAW_MEMMAP_MAX + 50;
	cr_assert_eq(parse(), 0);
	cr_assert_eq(bi.warnings, SI_WARN_MEMMAP_TRUNC, "warnings %#x", bi.warnings);
	cr_assert_eq(bi.memmap_entries, BOOTRAW_MEMMAP_MAX);
	raw->si.memmap_entries = UINT32_MAX;
	cr_assert_eq(parse(), 0);
	cr_assert_eq(bi.memmap_entries, BOOTRAW_MEMMAP_MAX);

	/* exactly the maximum is fine */
	raw->si.memmap_entries = BOOTRAW_MEMMAP_MAX;
	cr_assert_eq(parse(), 0);
	cr_assert_eq(bi.warnings, 0);
	cr_assert_eq(bi.memmap_entries, BOOTRAW_MEMMAP_MAX);
}

/* The parser passes entries through; memmap_ram_ranges must then cope with their junk. */
static int ram_ranges(struct mem_range *out, struct memmap_report *rep)
{
	cr_assert_eq(parse(), 0);
	return memmap_ram_ranges(bi.memmap, bi.memmap_entries, out, MEMMAP_RANGES_MAX, rep);
}

Test(startinfo, memmap_junk_entries_to_ranges)
{
	struct mem_range r[MEMMAP_RANGES_MAX];
	struct memmap_report rep;

	add_mem(0x800000, 0x800000, XEN_HVM_MEMMAP_TYPE_RAM);		   /* [8M,16M) */
	add_mem(0x100000, 0x400000, XEN_HVM_MEMMAP_TYPE_RAM);		   /* [1M,5M): unsorted */
	add_mem(0x300000, 0x300000, XEN_HVM_MEMMAP_TYPE_RAM);		   /* [3M,6M): overlaps */
	add_mem(0x5000000, 0, XEN_HVM_MEMMAP_TYPE_RAM);			   /* zero-sized */
	add_mem(0xfffffffffff00000ull, 0x200000, XEN_HVM_MEMMAP_TYPE_RAM); /* wraps */
	add_mem(0x900000, 0x1000, XEN_HVM_MEMMAP_TYPE_RESERVED);	   /* hole in [8M,16M) */
	int n = ram_ranges(r, &rep);

	cr_assert_eq(bi.warnings, 0);
	cr_assert_eq(n, 3);
	cr_assert_eq(r[0].start, 0x100000);
	cr_assert_eq(r[0].end, 0x600000);
	cr_assert_eq(r[1].start, 0x800000);
	cr_assert_eq(r[1].end, 0x900000);
	cr_assert_eq(r[2].start, 0x901000);
	cr_assert_eq(r[2].end, 0x1000000);
	cr_assert_eq(rep.zero_sized, 1);
	cr_assert_eq(rep.wrapped, 1);
	cr_assert_geq(rep.unsorted, 1);
	cr_assert_geq(rep.overlaps, 2, "RAM/RAM and RAM/reserved overlaps are counted");
	cr_assert_eq(rep.dropped, 0);
}

Test(startinfo, modules_not_copied)
{
	add_mod(0x400000, 0x1000, "x");
	raw->copied &= ~BOOTRAW_HAVE_MODLIST;
	cr_assert_eq(parse(), 0);
	cr_assert_eq(bi.warnings & ~SI_WARN_MEMMAP_NONE, SI_WARN_MODLIST_HIGH, "warnings %#x",
		     bi.warnings);
	cr_assert_eq(bi.nr_modules, 0);
}

Test(startinfo, modules_too_many)
{
	for (unsigned i = 0; i < BOOTRAW_MODS_MAX; i++)
		add_mod(0x1000000 + i * 0x100000ull, 0x1000, NULL);
	strcpy(raw->modcmd[BOOTRAW_MODS_MAX - 1], "in bounds");
	raw->modlist[BOOTRAW_MODS_MAX - 1].cmdline_paddr = 0xcf00;
	raw->copied |= BOOTRAW_HAVE_MODCMD0 << (BOOTRAW_MODS_MAX - 1);
	raw->si.nr_modules = 1000;
	cr_assert_eq(parse(), 0);
	cr_assert_eq(bi.warnings & ~SI_WARN_MEMMAP_NONE, SI_WARN_MODLIST_TRUNC, "warnings %#x",
		     bi.warnings);
	cr_assert_eq(bi.nr_modules, BOOTRAW_MODS_MAX);
	cr_assert_eq(bi.modules[0].paddr, 0x1000000);
	cr_assert_eq(bi.modules[BOOTRAW_MODS_MAX - 1].paddr, 0x1000000 + 15 * 0x100000ull);
	cr_assert_str_eq(bi.modules[BOOTRAW_MODS_MAX - 1].cmdline, "in bounds");
}

Test(startinfo, module_overlapping_kernel)
{
	add_mod(0x200000, 0x1000, "ok1");
	add_mod(IMG_START - 0x1000, 0x1001, "last byte inside");
	add_mod(IMG_END - 1, 0x10, "first byte inside");
	add_mod(IMG_START + 0x1000, 0x10, "inside");
	add_mod(0x1000, IMG_END + 0x1000, "covers it");
	add_mod(IMG_START - 0x1000, 0x1000, "touches below");
	add_mod(IMG_END, 0x1000, "touches above");
	cr_assert_eq(parse(), 0);
	cr_assert_eq(bi.warnings & ~SI_WARN_MEMMAP_NONE, SI_WARN_MODULE_BAD, "warnings %#x",
		     bi.warnings);
	cr_assert_eq(bi.bad_modules, 4);
	cr_assert_eq(bi.nr_modules, 3);
	cr_assert_str_eq(bi.modules[0].cmdline, "ok1");
	cr_assert_str_eq(bi.modules[1].cmdline, "touches below");
	cr_assert_eq(bi.modules[1].paddr, IMG_START - 0x1000);
	cr_assert_str_eq(bi.modules[2].cmdline, "touches above");
}

Test(startinfo, module_wrapping_or_at_zero)
{
	add_mod(0xfffffffffffff000ull, 0x2000, "wraps");
	add_mod(0, 0x1000, "at zero");
	add_mod(0x200000, UINT64_MAX, "huge");
	add_mod(0x300000, 0x1000, "good");
	cr_assert_eq(parse(), 0);
	cr_assert_eq(bi.warnings & ~SI_WARN_MEMMAP_NONE, SI_WARN_MODULE_BAD, "warnings %#x",
		     bi.warnings);
	cr_assert_eq(bi.bad_modules, 3);
	cr_assert_eq(bi.nr_modules, 1);
	cr_assert_eq(bi.modules[0].paddr, 0x300000);
	cr_assert_str_eq(bi.modules[0].cmdline, "good");
}

Test(startinfo, module_cmdline_unterminated_or_not_copied)
{
	add_mod(0x200000, 0x1000, NULL);
	raw->modlist[0].cmdline_paddr = 0xc000;
	raw->copied |= BOOTRAW_HAVE_MODCMD0;
	memset(raw->modcmd[0], 'x', BOOTRAW_MODCMD_MAX); /* no NUL in its slot */
	strcpy(raw->modcmd[1], "neighbour");
	add_mod(0x300000, 0x1000, NULL);
	raw->modlist[1].cmdline_paddr = 0x100000000ull; /* not copied: its bit stays clear */
	strcpy(raw->modcmd[1], "stale");
	add_mod(0x400000, 0x1000, "fine");
	cr_assert_eq(parse(), 0);
	cr_assert_eq(bi.warnings & ~SI_WARN_MEMMAP_NONE, SI_WARN_MODCMD_BAD, "warnings %#x",
		     bi.warnings);
	/* the modules themselves are kept, only their command lines are dropped */
	cr_assert_eq(bi.nr_modules, 3);
	cr_assert_eq(bi.bad_modules, 0);
	cr_assert_str_eq(bi.modules[0].cmdline, "");
	cr_assert_str_eq(bi.modules[1].cmdline, "");
	cr_assert_str_eq(bi.modules[2].cmdline, "fine");
}

Test(startinfo, everything_wrong_at_once)
{
	raw->si.version = 7;
	raw->si.reserved = 9;
	raw->si.cmdline_paddr = 0x9000;
	raw->copied |= BOOTRAW_HAVE_CMDLINE;
	memset(raw->cmdline, 'c', sizeof(raw->cmdline));
	add_mem(0, 0x1000, XEN_HVM_MEMMAP_TYPE_RAM);
	raw->si.memmap_entries = 200;
	add_mod(IMG_START, 0x10, NULL);
	raw->si.nr_modules = 17;
	cr_assert_eq(parse(), 0);
	cr_assert_eq(bi.warnings,
		     SI_WARN_VERSION | SI_WARN_RESERVED | SI_WARN_CMDLINE_UNTERM |
			 SI_WARN_MEMMAP_TRUNC | SI_WARN_MODLIST_TRUNC | SI_WARN_MODULE_BAD,
		     "warnings %#x", bi.warnings);
	/* entries 1..15 of the zeroed list sit at address 0: bad too */
	cr_assert_eq(bi.bad_modules, BOOTRAW_MODS_MAX);
	cr_assert_eq(bi.nr_modules, 0);
	cr_assert_str_eq(bi.cmdline, "");
}

/* ---- the start info against the memory map (issue 18: modules outside RAM were served as files) ---- */

/* QEMU's PC map: low RAM, the VGA/BIOS hole, RAM to 128 MiB, the MMIO hole, the BIOS ROM at 4 GiB */
static void qemu_map(void)
{
	add_mem(0, 0x9fc00, XEN_HVM_MEMMAP_TYPE_RAM);
	add_mem(0x9fc00, 0x400, XEN_HVM_MEMMAP_TYPE_RESERVED);
	add_mem(0xf0000, 0x10000, XEN_HVM_MEMMAP_TYPE_RESERVED);
	add_mem(0x100000, 0x7f00000, XEN_HVM_MEMMAP_TYPE_RAM);
	add_mem(0xfc000000, 0x1000, XEN_HVM_MEMMAP_TYPE_ACPI);
	add_mem(0xfffc0000, 0x40000, XEN_HVM_MEMMAP_TYPE_RESERVED);
}

static unsigned check(void)
{
	cr_assert_eq(parse(), 0);
	return startinfo_check_memory(&bi);
}

Test(startinfo, modules_in_ram_kept)
{
	qemu_map();
	add_mod(0x2000000, 0x1234, "a");
	add_mod(0x7fff000, 0x1000, "ends at the top of RAM");
	add_mod(0x9000, 0, "empty, in low RAM");
	cr_assert_eq(check(), 0);
	cr_assert_eq(bi.nr_modules, 3);
	cr_assert_eq(bi.bad_modules, 0);
}

Test(startinfo, module_outside_ram_dropped)
{
	qemu_map();
	add_mod(0x2000000, 0x1000, "good");
	add_mod(0x10000000, 0x1000, "past the end of RAM");
	add_mod(0xfe000000, 0x1000, "in the MMIO hole");
	add_mod(0x7fff000, 0x2000, "runs off the end of RAM");
	add_mod(0xa0000, 0x1000, "VGA hole");
	add_mod(0xf0000, 0x100, "BIOS ROM: reserved");
	add_mod(0x9f000, 0x1000, "RAM then reserved");
	add_mod(0x3000000, 0x100, "also good");
	cr_assert_eq(check(), SI_WARN_MODULE_NOT_RAM);
	cr_assert_eq(bi.nr_modules, 2);
	cr_assert_eq(bi.bad_modules, 6);
	cr_assert_str_eq(bi.modules[0].cmdline, "good");
	cr_assert_str_eq(bi.modules[1].cmdline, "also good");
}

Test(startinfo, module_across_touching_ram_entries_kept)
{
	add_mem(0x200000, 0x100000, XEN_HVM_MEMMAP_TYPE_RAM);
	add_mem(0x300000, 0x100000, XEN_HVM_MEMMAP_TYPE_RAM);
	add_mod(0x2ff000, 0x2000, "straddles two RAM entries");
	cr_assert_eq(check(), 0);
	cr_assert_eq(bi.nr_modules, 1);
}

Test(startinfo, module_in_ram_also_reserved_dropped)
{
	add_mem(0, 0x8000000, XEN_HVM_MEMMAP_TYPE_RAM);
	add_mem(0x4000000, 0x1000, XEN_HVM_MEMMAP_TYPE_RESERVED); /* a reservation wins */
	add_mod(0x3fff000, 0x2000, "m");
	cr_assert_eq(check(), SI_WARN_MODULE_NOT_RAM);
	cr_assert_eq(bi.nr_modules, 0);
	cr_assert_eq(bi.bad_modules, 1);
}

Test(startinfo, no_map_nothing_checked)
{
	raw->si.version = 0;
	add_mod(0xfe000000, 0x1000, "m");
	cr_assert_eq(check(), 0);
	cr_assert_eq(bi.nr_modules, 1);
}

Test(startinfo, rsdp_checked)
{
	static const struct {
		uint64_t rsdp;
		int ok;
	} cases[] = {
		{ 0xf5a00, 1 },	   /* in the reserved BIOS ROM (QEMU) */
		{ 0xe0000, 1 },	   /* the BIOS area, which ACPI allows with no map entry */
		{ 0xfc000000, 1 }, /* in an ACPI entry (Xen's domU tables) */
		{ 0x8000, 1 },	   /* in RAM (Xen's PVH dom0 builds one there) */
		{ 0xfe000000, 0 }, /* the MMIO hole */
		{ 0x20000000, 0 }, /* past the end of RAM */
		{ 0xfc000ff0, 0 }, /* runs off its ACPI entry */
		{ ~0ull - 8, 0 },  /* wraps */
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(raw, 0, sizeof(*raw));
		raw->si.magic = XEN_HVM_START_MAGIC_VALUE;
		raw->si.version = 1;
		qemu_map();
		raw->si.rsdp_paddr = cases[i].rsdp;
		unsigned w = check();
		cr_assert_eq(w, cases[i].ok ? 0u : SI_WARN_RSDP_UNMAPPED,
			     "RSDP %#llx: warnings %#x", (unsigned long long)cases[i].rsdp, w);
		cr_assert_eq(bi.rsdp_paddr, cases[i].ok ? cases[i].rsdp : 0);
	}
}

Test(startinfo, cmdline_outside_ram_ignored)
{
	qemu_map();
	set_cmdline("maxcpus=1");
	raw->si.cmdline_paddr =
	    0xfe000000; /* MMIO: whatever boot.S read there is not a command line */
	cr_assert_eq(parse(), 0);
	cr_assert_eq(bi.warnings, SI_WARN_CMDLINE_NOT_RAM, "warnings %#x", bi.warnings);
	cr_assert_str_eq(bi.cmdline, "");

	raw->si.cmdline_paddr = 0x9fbfc; /* its NUL would be the first reserved byte */
	strcpy(raw->cmdline, "abcd");
	cr_assert_eq(parse(), 0);
	cr_assert_eq(bi.warnings, SI_WARN_CMDLINE_NOT_RAM, "warnings %#x", bi.warnings);

	raw->si.cmdline_paddr = 0x9fbfb; /* "abcd\0" ends at the last RAM byte */
	cr_assert_eq(parse(), 0);
	cr_assert_eq(bi.warnings, 0, "warnings %#x", bi.warnings);
	cr_assert_str_eq(bi.cmdline, "abcd");
}
