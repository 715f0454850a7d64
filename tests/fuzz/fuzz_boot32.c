/*
 * Fuzzes boot.S's start-info copy (arch/x86/boot_copy.S) as the 32-bit code it is, in a 32-bit
 * host process (under qemu-i386 where the kernel runs none): the input is a start info and the
 * "physical memory" its pointers lead into. The copy must equal what the rules in bootraw.h say
 * (at most so many entries and bytes, strings up to their NUL, nothing absent or above 4 GiB
 * read), must write nothing else, and must read nothing past its bounds: the memory ends in a
 * PROT_NONE page exactly where the longest allowed read from its last byte would stop. The
 * parser then takes the copy, as the kernel does.
 */
#include <sys/mman.h>
#include "tests/fuzz/fuzz.h"
#include "arch/x86/bootraw.h"
#include "kernel/startinfo.h"

#define IMG_START 0x100000ull
#define IMG_END	  0x180000ull
#define PAGE	  4096u
/* the longest read the copy may start anywhere: the command line's bound */
#define READ_MAX BOOTRAW_CMDLINE_MAX
#define SENTINEL 0xa5

struct boot_raw boot_raw; /* what boot_copy.S writes, by its absolute address */
void call_copy_start_info(const struct hvm_start_info *si); /* tests/unit/boot32/call.S */

static uint8_t *mem; /* the input's memory: len bytes, then READ_MAX readable zero bytes */
static size_t len;

/* An address from the input: absent (0) and high ones stay, others land inside the memory. */
static uint64_t place(uint64_t a)
{
	if (!a || a >> 32)
		return a;
	return (uint32_t)(uintptr_t)mem + a % (len ? len : 1);
}

static const uint8_t *at(uint64_t a)
{
	return (const uint8_t *)(uintptr_t)a;
}

static int present(uint64_t a)
{
	return a && !(a >> 32);
}

/*
 * Places the input's n bytes so that n + READ_MAX bytes end at the guard page. One mapping serves
 * every input (the longest the run script lets libFuzzer make, MEM_MAX): a mapping per input
 * cost more than the input's own work.
 */
#define MEM_MAX (64u * 1024)
static uint8_t *map_memory(const uint8_t *d, size_t n)
{
	static uint8_t *guard;
	size_t room = (MEM_MAX + READ_MAX + PAGE - 1) / PAGE * PAGE;

	if (!guard) {
		uint8_t *m = mmap(NULL, room + PAGE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		FZ_CHECK(m != MAP_FAILED);
		guard = m + room;
		FZ_CHECK(mprotect(guard, PAGE, PROT_NONE) == 0);
	}
	FZ_CHECK(n <= MEM_MAX);
	uint8_t *start = guard - READ_MAX - n;
	memcpy(start, d, n);
	memset(guard - READ_MAX, 0, READ_MAX);
	return start;
}

/* What the copy of a string must hold: up to its NUL, at most max bytes (no NUL when cut). */
static size_t string_copy_len(const uint8_t *src, size_t max)
{
	size_t n = strnlen((const char *)src, max);

	return n < max ? n + 1 : max;
}

static uint8_t sentinel[sizeof(struct boot_raw)];

/* dst holds n bytes equal to src, then the sentinel up to size. */
static void check_copied(const void *dst, size_t size, const uint8_t *src, size_t n)
{
	const uint8_t *d = dst;

	FZ_CHECK(n <= size);
	FZ_CHECK(!n || !memcmp(d, src, n));
	FZ_CHECK(!memcmp(d + n, sentinel, size - n));
}

static void check_string(const void *dst, size_t size, uint64_t src, uint32_t bit, uint32_t copied)
{
	FZ_CHECK(!!(copied & bit) == present(src));
	check_copied(dst, size, at(src), present(src) ? string_copy_len(at(src), size) : 0);
}

static void check_region(const void *dst, size_t size, uint64_t src, size_t n, uint32_t bit,
			 uint32_t copied)
{
	FZ_CHECK(!!(copied & bit) == present(src));
	check_copied(dst, size, at(src), present(src) ? n : 0);
}

/* The whole copy against the rules, given the start info the routine was handed. */
static void check_copy(const struct hvm_start_info *si)
{
	const struct boot_raw *r = &boot_raw;
	struct hvm_start_info want = *si;

	if (si->version < 1) { /* version 0 has no memory map: the copy must not believe one */
		want.memmap_paddr = 0;
		want.memmap_entries = 0;
	}
	FZ_CHECK(!memcmp(&r->si, &want, sizeof(want)));
	check_string(r->cmdline, sizeof(r->cmdline), want.cmdline_paddr, BOOTRAW_HAVE_CMDLINE,
		     r->copied);
	unsigned nmap =
	    want.memmap_entries < BOOTRAW_MEMMAP_MAX ? want.memmap_entries : BOOTRAW_MEMMAP_MAX;
	check_region(r->memmap, sizeof(r->memmap), want.memmap_paddr, nmap * MEMMAP_ENTRY_SIZE,
		     BOOTRAW_HAVE_MEMMAP, r->copied);
	unsigned nmod = want.nr_modules < BOOTRAW_MODS_MAX ? want.nr_modules : BOOTRAW_MODS_MAX;
	check_region(r->modlist, sizeof(r->modlist), want.modlist_paddr, nmod * MOD_ENTRY_SIZE,
		     BOOTRAW_HAVE_MODLIST, r->copied);
	for (unsigned i = 0; i < BOOTRAW_MODS_MAX; i++) {
		uint32_t bit = BOOTRAW_HAVE_MODCMD0 << i;

		if (present(want.modlist_paddr) && i < nmod)
			check_string(r->modcmd[i], BOOTRAW_MODCMD_MAX, r->modlist[i].cmdline_paddr,
				     bit, r->copied);
		else
			check_copied(r->modcmd[i], BOOTRAW_MODCMD_MAX, NULL, 0);
	}
	uint32_t known = BOOTRAW_HAVE_CMDLINE | BOOTRAW_HAVE_MEMMAP | BOOTRAW_HAVE_MODLIST |
			 ((BOOTRAW_HAVE_MODCMD0 << BOOTRAW_MODS_MAX) - BOOTRAW_HAVE_MODCMD0);
	FZ_CHECK(!(r->copied & ~known));
}

/* The module list's command-line pointers are input addresses too: place them in the memory. */
static void place_module_cmdlines(const struct hvm_start_info *si)
{
	unsigned nmod = si->nr_modules < BOOTRAW_MODS_MAX ? si->nr_modules : BOOTRAW_MODS_MAX;

	if (!present(si->modlist_paddr))
		return;
	for (unsigned i = 0; i < nmod; i++) {
		uint8_t *field = (uint8_t *)(uintptr_t)si->modlist_paddr + i * MOD_ENTRY_SIZE +
				 MOD_CMDLINE_PADDR;
		uint64_t a;

		memcpy(&a, field, sizeof(a));
		a = place(a);
		memcpy(field, &a, sizeof(a));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	/* exactly sized on the heap: the routine reads SI_SIZE bytes of it, ASan sees no more */
	struct hvm_start_info *si = malloc(sizeof(*si));

	fz_bytes(&f, si, sizeof(*si));
	len = f.n < MEM_MAX ? f.n : MEM_MAX;
	mem = map_memory(f.p, len);
	si->cmdline_paddr = place(si->cmdline_paddr);
	si->memmap_paddr = place(si->memmap_paddr);
	si->modlist_paddr = place(si->modlist_paddr);
	place_module_cmdlines(si);

	memset(sentinel, SENTINEL, sizeof(sentinel));
	memcpy(&boot_raw, sentinel, sizeof(boot_raw));
	boot_raw.copied = 0; /* bss, in the kernel */
	call_copy_start_info(si);
	check_copy(si);

	struct bootinfo bi;
	FZ_CHECK(startinfo_parse(&boot_raw, IMG_START, IMG_END, &bi) <= 0);
	FZ_CHECK(bi.memmap_entries <= BOOTRAW_MEMMAP_MAX && bi.nr_modules <= BOOTRAW_MODS_MAX);
	startinfo_check_memory(&bi);

	free(si);
	return 0;
}
