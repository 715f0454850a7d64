/*
 * Runs arch/x86/boot_copy.S, the very routine the PVH entry uses, as 32-bit code in a host
 * process (qemu-i386 where the kernel runs no 32-bit binaries) over crafted start infos: every
 * source sits against a guard page, so one byte read past what the copy may read faults. Then
 * kernel/startinfo.c parses the copy as the kernel would.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "arch/x86/bootraw.h"
#include "kernel/startinfo.h"

struct boot_raw boot_raw;
void call_copy_start_info(const struct hvm_start_info *si);

static int failed, n;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		n++;                                                                               \
		if (!(cond)) {                                                                     \
			failed++;                                                                  \
			printf("not ok %d - %s:%d: %s\n", n, __func__, __LINE__, #cond);           \
		}                                                                                  \
	} while (0)

/* len bytes ending exactly at a PROT_NONE page */
static void *guarded(const void *src, size_t len)
{
	size_t pages = (len + 4095) / 4096 + 1;
	uint8_t *m =
	    mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	mprotect(m + (pages - 1) * 4096, 4096, PROT_NONE);
	uint8_t *p = m + (pages - 1) * 4096 - len;
	memcpy(p, src, len);
	return p;
}

static uint64_t pa(const void *p)
{
	return (uint32_t)(uintptr_t)p;
}

static void stage(const struct hvm_start_info *si)
{
	memset(&boot_raw, 0x5a, sizeof(boot_raw));
	boot_raw.copied = 0;
	call_copy_start_info(si);
}

static void full_v1(void)
{
	static const char cmd[] = "loglevel=7 -- a b";
	/* the last entry: RAM where this process put the command line (checked against the map) */
	const char *cmd_copy = guarded(cmd, sizeof(cmd));
	struct hvm_memmap_table_entry map[4] = { { 0, 0x9fc00, 1, 0 },
						 { 0xf0000, 0x10000, 2, 0 },
						 { 0x100000, 0x7f00000, 1, 0 },
						 { pa(cmd_copy) & ~0xfffull, 0x1000, 1, 0 } };
	struct hvm_modlist_entry mods[2] = { { 0x2000000, 0x1234, 0, 0 },
					     { 0x3000000, 0x10, 0, 0 } };
	mods[0].cmdline_paddr = pa(guarded("initrd arg", 11));
	struct hvm_start_info tmp = { .magic = XEN_HVM_START_MAGIC_VALUE, .version = 1 };
	tmp.nr_modules = 2;
	tmp.modlist_paddr = pa(guarded(mods, sizeof(mods)));
	tmp.cmdline_paddr = pa(cmd_copy);
	tmp.memmap_paddr = pa(guarded(map, sizeof(map)));
	tmp.memmap_entries = 4;
	tmp.rsdp_paddr = 0xf5a00;
	struct hvm_start_info *si = guarded(&tmp, sizeof(tmp));

	stage(si);
	CHECK(boot_raw.copied == (BOOTRAW_HAVE_CMDLINE | BOOTRAW_HAVE_MEMMAP |
				  BOOTRAW_HAVE_MODLIST | BOOTRAW_HAVE_MODCMD0));
	CHECK(!memcmp(&boot_raw.si, si, sizeof(*si)));
	CHECK(!strcmp(boot_raw.cmdline, cmd));
	CHECK(!memcmp(boot_raw.memmap, map, sizeof(map)));
	CHECK(!memcmp(boot_raw.modlist, mods, sizeof(mods)));
	CHECK(!strcmp(boot_raw.modcmd[0], "initrd arg"));
	/* and the kernel's parser takes the copy as it is */
	struct bootinfo bi;
	CHECK(startinfo_parse(&boot_raw, 0x100000, 0x180000, &bi) == 0);
	CHECK(bi.warnings == 0 && bi.memmap_entries == 4 && bi.nr_modules == 2);
	CHECK(!strcmp(bi.cmdline, cmd) && !strcmp(bi.modules[0].cmdline, "initrd arg"));
	CHECK(!strcmp(bi.modules[1].cmdline, "") && bi.rsdp_paddr == 0xf5a00);
}

static void v0_has_no_map(void)
{
	/* the copy always reads the v1 size; a v0 loader's bytes there are not a map */
	struct hvm_start_info tmp = { .magic = XEN_HVM_START_MAGIC_VALUE, .version = 0 };

	tmp.memmap_paddr = 0xdead000;
	tmp.memmap_entries = 7;
	stage(guarded(&tmp, sizeof(tmp)));
	CHECK(boot_raw.copied == 0);
	CHECK(boot_raw.si.memmap_paddr == 0 && boot_raw.si.memmap_entries == 0);
	struct bootinfo bi;
	CHECK(startinfo_parse(&boot_raw, 0x100000, 0x180000, &bi) == 0);
	CHECK(bi.warnings == SI_WARN_MEMMAP_NONE && !bi.memmap_entries);
}

/* the guard page catches any over-read; what is copied stops at the staging area's bounds */
static void bounded_copies(void)
{
	static char big[BOOTRAW_CMDLINE_MAX + 100];
	static struct hvm_memmap_table_entry map[BOOTRAW_MEMMAP_MAX + 5];
	static struct hvm_modlist_entry mods[BOOTRAW_MODS_MAX + 3];
	char modcmd[BOOTRAW_MODCMD_MAX];

	memset(big, 'c', sizeof(big));
	memset(modcmd, 'm', sizeof(modcmd));
	for (unsigned i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		map[i] = (struct hvm_memmap_table_entry){ i * 0x1000ull, 0x1000, 1, 0 };
	for (unsigned i = 0; i < sizeof(mods) / sizeof(mods[0]); i++)
		mods[i] = (struct hvm_modlist_entry){ 0x20000000 + i * 0x1000ull, 0x1000, 0, 0 };
	mods[0].cmdline_paddr = pa(guarded(modcmd, sizeof(modcmd))); /* no NUL at all */
	struct hvm_start_info tmp = { .magic = XEN_HVM_START_MAGIC_VALUE, .version = 1 };
	/* exactly the copy's limit before the guard page: one byte more would fault */
	tmp.cmdline_paddr = pa(guarded(big, BOOTRAW_CMDLINE_MAX));
	tmp.memmap_paddr = pa(guarded(map, BOOTRAW_MEMMAP_MAX * sizeof(map[0])));
	tmp.memmap_entries = BOOTRAW_MEMMAP_MAX + 5;
	tmp.modlist_paddr = pa(guarded(mods, BOOTRAW_MODS_MAX * sizeof(mods[0])));
	tmp.nr_modules = BOOTRAW_MODS_MAX + 3;
	stage(guarded(&tmp, sizeof(tmp)));

	CHECK(boot_raw.copied & BOOTRAW_HAVE_MEMMAP);
	CHECK(!memcmp(boot_raw.memmap, map, sizeof(boot_raw.memmap)));
	CHECK(boot_raw.copied & BOOTRAW_HAVE_MODLIST);
	CHECK(boot_raw.copied & BOOTRAW_HAVE_MODCMD0);
	CHECK(!memcmp(boot_raw.modcmd[0], modcmd, BOOTRAW_MODCMD_MAX));
	/* modules 1.. have no command line: their slots stay as they were */
	CHECK(!(boot_raw.copied & (BOOTRAW_HAVE_MODCMD0 << 1)));
	CHECK(!memcmp(boot_raw.cmdline, big, BOOTRAW_CMDLINE_MAX));
	struct bootinfo bi;
	CHECK(startinfo_parse(&boot_raw, 0x10000000, 0x10100000, &bi) == 0);
	CHECK(bi.warnings == (SI_WARN_CMDLINE_UNTERM | SI_WARN_MEMMAP_TRUNC |
			      SI_WARN_MODLIST_TRUNC | SI_WARN_MODCMD_BAD));
	CHECK(bi.nr_modules == BOOTRAW_MODS_MAX && !strcmp(bi.modules[0].cmdline, ""));
	CHECK(bi.memmap_entries == BOOTRAW_MEMMAP_MAX && !strcmp(bi.cmdline, ""));
}

/* pointers at or above 4 GiB, zero, or a region running past 4 GiB: nothing read, bit clear */
static void unreachable_sources(void)
{
	struct hvm_start_info tmp = { .magic = XEN_HVM_START_MAGIC_VALUE, .version = 1 };

	tmp.cmdline_paddr = 0x100000000ull;
	tmp.memmap_paddr = 0xffffff00; /* 128 entries from here wrap past 4 GiB */
	tmp.memmap_entries = 128;
	tmp.modlist_paddr = 0x200000000ull;
	tmp.nr_modules = 1;
	stage(guarded(&tmp, sizeof(tmp)));
	CHECK(boot_raw.copied == 0);
	struct bootinfo bi;
	CHECK(startinfo_parse(&boot_raw, 0x100000, 0x180000, &bi) == 0);
	CHECK(bi.warnings == (SI_WARN_CMDLINE_HIGH | SI_WARN_MEMMAP_HIGH | SI_WARN_MODLIST_HIGH));

	tmp.cmdline_paddr = 0;
	tmp.memmap_paddr = 0;
	tmp.modlist_paddr = 0;
	stage(guarded(&tmp, sizeof(tmp)));
	CHECK(boot_raw.copied == 0);
}

int main(void)
{
	full_v1();
	v0_has_no_map();
	bounded_copies();
	unreachable_sources();
	printf("%s: %d checks of boot.S's start-info copy (32-bit), %d failed\n",
	       failed ? "FAIL" : "ok", n, failed);
	return failed != 0;
}
