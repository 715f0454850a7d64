/* Tests the physical page allocator (kernel/pmem.c) on a fake bitmap for a small address space. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "base/errno.h"
#include "kernel/pmem.h"

#define PG  4096ull
#define TOP (256 * PG) /* 1 MiB: 256 pages, 4 bitmap words */

static struct pmem *pm;
static uint64_t *bitmap;

static void setup(void)
{
	pm = calloc(1, sizeof(*pm));
	/* exactly the size pmem asks for, on the heap, so ASan sees any access past it */
	bitmap = malloc(pmem_bitmap_bytes(TOP));
	cr_assert_not_null(pm);
	cr_assert_not_null(bitmap);
	pmem_init(pm, bitmap, TOP);
}

static void teardown(void)
{
	free(bitmap);
	free(pm);
}

TestSuite(pmem, .init = setup, .fini = teardown);

static int used(uint64_t page)
{
	return (bitmap[page / 64] >> (page % 64)) & 1;
}

/* A refused free must change nothing but bad_frees. */
#define REFUSED(addr, n)                                                                           \
	do {                                                                                       \
		struct pmem before_ = *pm;                                                         \
		uint64_t bits_[4];                                                                 \
		memcpy(bits_, bitmap, sizeof(bits_));                                              \
		cr_assert_eq(pmem_free(pm, (addr), (n)), -EINVAL, "free(%#llx, %llu)",             \
			     (unsigned long long)(addr), (unsigned long long)(n));                 \
		cr_assert_eq(pm->bad_frees, before_.bad_frees + 1);                                \
		cr_assert_eq(pm->free_pages, before_.free_pages);                                  \
		cr_assert_eq(pm->total_pages, before_.total_pages);                                \
		cr_assert_eq(pm->frees, before_.frees);                                            \
		cr_assert_eq(memcmp(bits_, bitmap, sizeof(bits_)), 0, "bitmap changed");           \
	} while (0)

Test(pmem, bitmap_bytes)
{
	cr_assert_eq(pmem_bitmap_bytes(0), 0);
	cr_assert_eq(pmem_bitmap_bytes(PG - 1), 0);
	cr_assert_eq(pmem_bitmap_bytes(PG), 8);
	cr_assert_eq(pmem_bitmap_bytes(64 * PG), 8);
	cr_assert_eq(pmem_bitmap_bytes(65 * PG), 16);
	cr_assert_eq(pmem_bitmap_bytes(TOP), 32);
	cr_assert_eq(pmem_bitmap_bytes(4ull << 30), (4ull << 30) / PG / 8);
}

Test(pmem, starts_empty)
{
	cr_assert_eq(pm->total_pages, 0);
	cr_assert_eq(pm->free_pages, 0);
	cr_assert_eq(pm->npages, 256);
	for (uint64_t i = 0; i < 256; i++)
		cr_assert(used(i));
	cr_assert_eq(pmem_alloc(pm, 1), 0);
}

Test(pmem, page_zero_never_handed_out)
{
	pmem_add_free(pm, 0, TOP);
	cr_assert_eq(pm->total_pages, 255, "page 0 is not counted");
	cr_assert_eq(pm->free_pages, 255);
	cr_assert(used(0));

	static char seen[256];
	for (int i = 0; i < 255; i++) {
		uint64_t a = pmem_alloc(pm, 1);

		cr_assert_neq(a, 0, "allocation %d", i);
		cr_assert_eq(a % PG, 0);
		cr_assert_lt(a, TOP);
		cr_assert_eq(seen[a / PG], 0, "page %#llx handed out twice", (unsigned long long)a);
		seen[a / PG] = 1;
		cr_assert(used(a / PG));
	}
	cr_assert_eq(pm->free_pages, 0);
	cr_assert_eq(pmem_alloc(pm, 1), 0, "exhausted");
	cr_assert_eq(pm->allocs, 255);
	REFUSED(0, 1);
}

Test(pmem, add_free_rounds_inward_and_clips)
{
	pmem_add_free(pm, 0x1800, 0x5800); /* whole pages 2, 3, 4 */
	cr_assert_eq(pm->total_pages, 3);
	cr_assert(used(1));
	cr_assert(!used(2) && !used(3) && !used(4));
	cr_assert(used(5));
	pmem_add_free(pm, 0x10000, 0x10fff); /* no whole page */
	cr_assert_eq(pm->total_pages, 3);
	pmem_add_free(pm, TOP - PG, TOP + 100 * PG); /* clipped to the bitmap */
	cr_assert_eq(pm->total_pages, 4);
	cr_assert(!used(255));
	pmem_add_free(pm, TOP + PG, TOP + 10 * PG); /* all above */
	cr_assert_eq(pm->total_pages, 4);
	pmem_add_free(pm, 0x5000, 0x3000); /* inverted */
	cr_assert_eq(pm->total_pages, 4);
	cr_assert_eq(pm->free_pages, 4);
}

Test(pmem, add_free_near_top_of_address_space)
{
	/* rounding the start up must not wrap to page 0 and free the whole bitmap */
	pmem_add_free(pm, UINT64_MAX - 10, UINT64_MAX);
	cr_assert_eq(pm->total_pages, 0);
	cr_assert_eq(pm->free_pages, 0);
	cr_assert_eq(pmem_alloc(pm, 1), 0);
}

Test(pmem, contiguous)
{
	pmem_add_free(pm, PG, 4 * PG);	     /* pages 1-3 */
	pmem_add_free(pm, 10 * PG, 20 * PG); /* pages 10-19 */
	cr_assert_eq(pm->free_pages, 13);

	uint64_t a = pmem_alloc(pm, 5);
	cr_assert_eq(a, 10 * PG, "the first run long enough");
	for (uint64_t i = 10; i < 15; i++)
		cr_assert(used(i));
	cr_assert(!used(15));
	cr_assert_eq(pm->free_pages, 8);

	cr_assert_eq(pmem_alloc(pm, 6), 0, "only 5 contiguous remain in one place");
	cr_assert_eq(pm->free_pages, 8);
	uint64_t b = pmem_alloc(pm, 3);
	cr_assert(b == PG || b == 15 * PG || b == 16 * PG || b == 17 * PG);

	cr_assert_eq(pmem_free(pm, a, 5), 0);
	cr_assert_eq(pm->free_pages, 10);
	for (uint64_t i = 10; i < 15; i++)
		cr_assert(!used(i));
	cr_assert_eq(pm->frees, 1);
	cr_assert_eq(pm->allocs, 2);
}

Test(pmem, exhaustion_and_zero)
{
	pmem_add_free(pm, PG, 9 * PG);
	cr_assert_eq(pmem_alloc(pm, 0), 0);
	cr_assert_eq(pmem_alloc(pm, 9), 0);
	cr_assert_eq(pmem_alloc(pm, UINT64_MAX), 0);
	cr_assert_eq(pm->free_pages, 8);
	cr_assert_eq(pm->allocs, 0);
	cr_assert_eq(pmem_alloc(pm, 8), PG);
	cr_assert_eq(pmem_alloc(pm, 1), 0);
	cr_assert_eq(pm->free_pages, 0);
	cr_assert_eq(pm->total_pages, 8);
}

Test(pmem, bad_frees_refused_and_counted)
{
	pmem_add_free(pm, PG, 100 * PG);
	uint64_t a = pmem_alloc(pm, 2);
	cr_assert_neq(a, 0);

	REFUSED(a + 2 * PG, 1); /* free but never allocated */
	REFUSED(a + 1, 1);	/* unaligned */
	REFUSED(a, 0);		/* nothing */
	REFUSED(a, 3);		/* runs into a free page */
	REFUSED(a - PG, 2);	/* starts on a free page */
	REFUSED(0, 1);		/* page 0 is reserved */
	REFUSED(100 * PG, 1);	/* reserved: never made available */
	REFUSED(200 * PG, 1);
	REFUSED(TOP, 1); /* beyond the bitmap */
	REFUSED(UINT64_MAX & ~(PG - 1), 1);
	REFUSED(a, UINT64_MAX); /* the run wraps */
	cr_assert_eq(pm->bad_frees, 11);

	cr_assert_eq(pmem_free(pm, a, 2), 0);
	cr_assert_eq(pm->frees, 1);
	REFUSED(a, 2); /* double free */
	REFUSED(a + PG, 1);
	cr_assert_eq(pm->bad_frees, 13);
	cr_assert_eq(pm->free_pages, 99);
}

Test(pmem, huge_free_count_refused)
{
	pmem_add_free(pm, PG, 100 * PG);
	uint64_t a = pmem_alloc(pm, 1);

	/* (first + n) pages wrap back into the usable range when shifted to an address */
	REFUSED(a, (1ull << 52) - 1);
	REFUSED(a, 1ull << 52);
	REFUSED(a, (1ull << 52) + 1);
	REFUSED(a, 1000);
}

Test(pmem, partial_free_does_not_half_happen)
{
	pmem_add_free(pm, PG, 10 * PG);
	uint64_t a = pmem_alloc(pm, 3);
	cr_assert_eq(pmem_free(pm, a + PG, 1), 0);
	/* the middle page is now free: freeing all three must be refused as a whole */
	REFUSED(a, 3);
	cr_assert(used(a / PG) && !used(a / PG + 1) && used(a / PG + 2));
	cr_assert_eq(pmem_free(pm, a, 1), 0);
	cr_assert_eq(pmem_free(pm, a + 2 * PG, 1), 0);
	cr_assert_eq(pm->free_pages, 9);
}

Test(pmem, run_across_touching_ranges_can_be_freed)
{
	/* two ranges added separately but touching: a run may span both */
	pmem_add_free(pm, PG, 5 * PG);
	pmem_add_free(pm, 5 * PG, 9 * PG);
	cr_assert_eq(pm->free_pages, 8);
	uint64_t a = pmem_alloc(pm, 8);
	cr_assert_eq(a, PG);
	cr_assert_eq(pmem_free(pm, a, 8), 0, "a run handed out must be accepted back");
	cr_assert_eq(pm->bad_frees, 0);
	cr_assert_eq(pm->free_pages, 8);
	/* but a run spanning a gap between ranges is still refused */
	pmem_add_free(pm, 20 * PG, 22 * PG);
	cr_assert_eq(pmem_alloc(pm, 8), PG);
	REFUSED(8 * PG, 13);
}

Test(pmem, alloc_below_respects_limit)
{
	uint64_t limit = 16 * PG + 0x800; /* unaligned: page 16 is not entirely below */
	int got = 0;

	/* the hint ends up above the limit, so the search has to start again from the bottom */
	pmem_add_free(pm, 17 * PG, TOP);
	cr_assert_eq(pmem_alloc(pm, 1), 17 * PG);
	pmem_add_free(pm, 0, 17 * PG);
	cr_assert_eq(pm->free_pages, 254);

	for (;;) {
		uint64_t a = pmem_alloc_below(pm, 1, limit);

		if (!a)
			break;
		cr_assert_leq(a + PG, limit, "page %#llx not entirely below %#llx",
			      (unsigned long long)a, (unsigned long long)limit);
		got++;
	}
	cr_assert_eq(got, 15, "pages 1..15 lie below the limit");
	for (uint64_t i = 1; i < 16; i++)
		cr_assert(used(i));
	cr_assert(!used(16), "page 16 is not below the limit");
	cr_assert_eq(pm->free_pages, 254 - 15);
	cr_assert_neq(pmem_alloc(pm, 1), 0, "pages above the limit remain");

	cr_assert_eq(pmem_alloc_below(pm, 1, PG), 0, "only page 0 is below one page");
	cr_assert_eq(pmem_alloc_below(pm, 1, 0), 0);
}

Test(pmem, alloc_below_contiguous)
{
	pmem_add_free(pm, PG, TOP);
	uint64_t a = pmem_alloc_below(pm, 4, 8 * PG);
	cr_assert_eq(a, PG);
	cr_assert_eq(pmem_alloc_below(pm, 4, 8 * PG), 0, "pages 5-7 are only three");
	cr_assert_eq(pmem_alloc_below(pm, 3, 8 * PG), 5 * PG);
}

Test(pmem, counters_after_random_sequence)
{
	struct {
		uint64_t addr, n;
	} live[512];
	int nlive = 0;
	static char owner[256];
	uint64_t x = 12345, allocs = 0, frees = 0, in_use = 0;

	/* a reserved hole in the middle, and page 0 */
	pmem_add_free(pm, 0, 100 * PG);
	pmem_add_free(pm, 120 * PG, TOP);
	uint64_t total = 99 + 136;
	cr_assert_eq(pm->total_pages, total);

	for (int step = 0; step < 20000; step++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		uint64_t r = x >> 33;

		if (nlive && (r % 3 == 0 || nlive == 512)) {
			int i = r / 3 % nlive;

			cr_assert_eq(pmem_free(pm, live[i].addr, live[i].n), 0);
			for (uint64_t p = 0; p < live[i].n; p++)
				owner[live[i].addr / PG + p] = 0;
			in_use -= live[i].n;
			frees++;
			live[i] = live[--nlive];
		} else {
			uint64_t n = 1 + r % 9;
			uint64_t a =
			    (r & 64) ? pmem_alloc(pm, n) : pmem_alloc_below(pm, n, 64 * PG);

			if (!a)
				continue;
			allocs++;
			cr_assert_eq(a % PG, 0);
			cr_assert_neq(a, 0);
			if (!(r & 64))
				cr_assert_leq(a + n * PG, 64 * PG);
			for (uint64_t p = a / PG; p < a / PG + n; p++) {
				cr_assert_lt(p, 256);
				cr_assert(p < 100 || p >= 120, "reserved page %llu handed out",
					  (unsigned long long)p);
				cr_assert_eq(owner[p], 0, "page %llu handed out twice",
					     (unsigned long long)p);
				owner[p] = 1;
			}
			live[nlive].addr = a;
			live[nlive++].n = n;
			in_use += n;
		}
		cr_assert_eq(pm->total_pages, total);
		cr_assert_eq(pm->free_pages, total - in_use, "step %d", step);
	}
	cr_assert_eq(pm->allocs, allocs);
	cr_assert_eq(pm->frees, frees);
	cr_assert_eq(pm->bad_frees, 0);
	while (nlive) {
		nlive--;
		cr_assert_eq(pmem_free(pm, live[nlive].addr, live[nlive].n), 0);
	}
	cr_assert_eq(pm->free_pages, total);
	/* everything is back: one run covers the whole upper range */
	cr_assert_eq(pmem_alloc(pm, 136), 120 * PG);
}

Test(pmem, kernel_wrappers)
{
	static uint64_t bits[4];

	pmem_init(&kernel_pmem, bits, TOP);
	pmem_add_free(&kernel_pmem, 8 * PG, 10 * PG);
	void *p = page_alloc(2);
	cr_assert_eq((uintptr_t)p, 8 * PG);
	cr_assert_null(page_alloc(1));
	page_free(p, 2);
	cr_assert_eq(kernel_pmem.free_pages, 2);
	page_free(p, 2);
	cr_assert_eq(kernel_pmem.bad_frees, 1);
}

/* Word edges: add_free and the run search now work a 64-bit word at a time. */

static uint64_t count_free(void)
{
	uint64_t n = 0;

	for (uint64_t i = 0; i < 256; i++)
		n += !used(i);
	return n;
}

/* Exactly pages [lo, hi) are free, every other page used. */
static void assert_free_exactly(uint64_t lo, uint64_t hi)
{
	for (uint64_t i = 0; i < 256; i++)
		cr_assert_eq(used(i), !(i >= lo && i < hi), "page %llu", (unsigned long long)i);
}

Test(pmem, add_free_word_edges)
{
	static const struct {
		uint64_t lo, hi;
	} cases[] = {
		{ 64, 128 },  /* exactly one word */
		{ 64, 192 },  /* two whole words */
		{ 1, 64 },    /* to a boundary */
		{ 63, 64 },   /* the last bit of a word */
		{ 64, 65 },   /* the first bit of a word */
		{ 63, 65 },   /* across a boundary */
		{ 60, 70 },   /* mid-word to mid-word */
		{ 5, 250 },   /* mid-word, whole words, mid-word */
		{ 100, 110 }, /* inside one word */
		{ 128, 256 }, /* to the end of the bitmap */
		{ 1, 256 },
	};

	for (unsigned c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		pmem_init(pm, bitmap, TOP);
		pmem_add_free(pm, cases[c].lo * PG, cases[c].hi * PG);
		assert_free_exactly(cases[c].lo, cases[c].hi);
		cr_assert_eq(pm->total_pages, cases[c].hi - cases[c].lo, "case %u", c);
		cr_assert_eq(pm->free_pages, cases[c].hi - cases[c].lo);
	}
}

Test(pmem, add_free_counts_only_newly_freed)
{
	/* overlapping ranges (a firmware map that repeats itself) must not count pages twice */
	pmem_add_free(pm, 60 * PG, 70 * PG);
	pmem_add_free(pm, 10 * PG, 200 * PG);
	cr_assert_eq(pm->total_pages, 190);
	cr_assert_eq(pm->free_pages, 190);
	pmem_add_free(pm, 64 * PG, 128 * PG); /* a whole word already free */
	cr_assert_eq(pm->total_pages, 190);
	assert_free_exactly(10, 200);
}

Test(pmem, add_free_random_against_model)
{
	uint64_t x = 777;

	for (int round = 0; round < 2000; round++) {
		static char model[256];
		uint64_t want = 0;

		pmem_init(pm, bitmap, TOP);
		memset(model, 0, sizeof(model));
		for (int k = 0; k < 4; k++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			/* byte addresses, so rounding inward is exercised too */
			uint64_t a = (x >> 11) % (TOP + 4 * PG), b = a + (x >> 40) % (140 * PG);
			uint64_t lo = (a + PG - 1) / PG, hi = b / PG;

			pmem_add_free(pm, a, b);
			for (uint64_t p = lo ? lo : 1; p < hi && p < 256; p++)
				if (!model[p]) {
					model[p] = 1;
					want++;
				}
		}
		for (uint64_t p = 0; p < 256; p++)
			cr_assert_eq(!used(p), model[p], "round %d page %llu", round,
				     (unsigned long long)p);
		cr_assert_eq(pm->total_pages, want, "round %d", round);
		cr_assert_eq(pm->free_pages, want);
		cr_assert_eq(count_free(), want);
	}
}

Test(pmem, run_exactly_one_word)
{
	pmem_add_free(pm, 64 * PG, 128 * PG);
	cr_assert_eq(pmem_alloc(pm, 65), 0);
	cr_assert_eq(pmem_alloc(pm, 64), 64 * PG);
	cr_assert_eq(pmem_alloc(pm, 1), 0);
	cr_assert_eq(pm->free_pages, 0);
	assert_free_exactly(0, 0);
}

Test(pmem, runs_spanning_words)
{
	/* page 63 stays used: a run of 63 does not fit below it, one of 62 does */
	pmem_add_free(pm, PG, 63 * PG);
	pmem_add_free(pm, 64 * PG, 250 * PG);
	cr_assert_eq(pmem_alloc(pm, 63), 64 * PG, "cannot use 1..62 + 63");
	cr_assert_eq(pmem_free(pm, 64 * PG, 63), 0);
	cr_assert_eq(pmem_alloc_below(pm, 62, 63 * PG), PG);
	cr_assert_eq(pmem_alloc(pm, 186), 64 * PG, "three words and a bit, from a word start");
	cr_assert_eq(pm->free_pages, 0);
}

Test(pmem, run_from_mid_word_across_words)
{
	pmem_add_free(pm, 30 * PG, 200 * PG);
	cr_assert_eq(pmem_alloc(pm, 170), 30 * PG);
	cr_assert_eq(pmem_free(pm, 30 * PG, 170), 0);
	cr_assert_eq(pmem_alloc(pm, 171), 0, "one too many");
	/* a used page in the middle of a word splits the run */
	cr_assert_eq(pmem_alloc_below(pm, 1, 31 * PG), 30 * PG);
	cr_assert_eq(pmem_alloc(pm, 100), 31 * PG);
	cr_assert_eq(pmem_alloc(pm, 70), 0, "69 left");
	cr_assert_eq(pmem_alloc(pm, 69), 131 * PG);
}

Test(pmem, run_ends_on_limit_mid_word)
{
	pmem_add_free(pm, 60 * PG, TOP);
	cr_assert_eq(pmem_alloc_below(pm, 7, 66 * PG), 0, "only 60..65 lie below");
	cr_assert_eq(pmem_alloc_below(pm, 6, 66 * PG), 60 * PG);
	cr_assert_eq(pmem_alloc_below(pm, 64, 130 * PG), 66 * PG, "66..129, across a boundary");
	cr_assert_eq(pmem_alloc_below(pm, 1, 130 * PG), 0);
	cr_assert_eq(pmem_alloc_below(pm, 62, 192 * PG), 130 * PG, "130..191, ends on a boundary");
}

/* The first fit, bit by bit: what the search must find. */
static uint64_t model_run(uint64_t from, uint64_t to, uint64_t n)
{
	uint64_t run = 0;

	for (uint64_t i = from; i < to; i++) {
		run = used(i) ? 0 : run + 1;
		if (run == n)
			return i + 1 - n;
	}
	return 0;
}

Test(pmem, search_random_against_model)
{
	uint64_t x = 4242;

	pmem_add_free(pm, 0, TOP);
	for (int step = 0; step < 30000; step++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		uint64_t r = x >> 20;
		/* mostly small runs, some longer than a word */
		uint64_t n = (r & 7) ? 1 + r % 9 : 1 + r % 140;
		uint64_t limit = (r >> 8) & 1 ? TOP : ((r >> 9) % 257) * PG;
		uint64_t to = limit / PG, want = 0;

		if (n <= pm->free_pages) {
			if (pm->hint < to)
				want = model_run(pm->hint, to, n);
			if (!want)
				want = model_run(1, to, n);
		}
		uint64_t got = pmem_alloc_below(pm, n, limit);

		cr_assert_eq(got, want * PG, "step %d: %llu pages below page %llu", step,
			     (unsigned long long)n, (unsigned long long)to);
		/* free random single pages back, so the map stays fragmented */
		for (int k = 0; k < 3; k++) {
			uint64_t p = 1 + (x >> (k * 8)) % 255;

			if (used(p))
				cr_assert_eq(pmem_free(pm, p * PG, 1), 0);
		}
	}
}
