/* Tests the physical page allocator (kernel/pmem.c) on host memory standing in for its bookkeeping. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "base/errno.h"
#include "kernel/pmem.h"

#define PG  4096ull
#define TOP (256 * PG) /* 1 MiB: 256 pages, 4 bitmap words */

static struct pmem *pm;
static void *meta;
/* 64 pages a chunk: the 256 pages span four, so every test crosses chunk edges too */
#define SHIFT 6

static void setup(void)
{
	pm = calloc(1, sizeof(*pm));
	/* exactly the size pmem asks for, on the heap, so ASan sees any access past it */
	meta = malloc(pmem_meta_bytes(TOP, SHIFT));
	cr_assert_not_null(pm);
	cr_assert_not_null(meta);
	pmem_init(pm, meta, TOP, SHIFT);
}

static void teardown(void)
{
	free(meta);
	free(pm);
}

TestSuite(pmem, .init = setup, .fini = teardown);

static int used(uint64_t page)
{
	return pmem_page_used(pm, page);
}

/* A refused free must change nothing but bad_frees. */
#define REFUSED(addr, n)                                                                           \
	do {                                                                                       \
		struct pmem before_ = *pm;                                                         \
		static uint8_t bytes_[512];                                                        \
		uint64_t nbytes_ = pmem_meta_bytes(TOP, SHIFT);                                    \
		cr_assert_leq(nbytes_, sizeof(bytes_));                                            \
		memcpy(bytes_, meta, nbytes_);                                                     \
		cr_assert_eq(pmem_free(pm, (addr), (n)), -EINVAL, "free(%#llx, %llu)",             \
			     (unsigned long long)(addr), (unsigned long long)(n));                 \
		cr_assert_eq(pm->bad_frees, before_.bad_frees + 1);                                \
		cr_assert_eq(pm->free_pages, before_.free_pages);                                  \
		cr_assert_eq(pm->total_pages, before_.total_pages);                                \
		cr_assert_eq(pm->frees, before_.frees);                                            \
		cr_assert_eq(pm->chunk_valid, before_.chunk_valid);                                \
		cr_assert_eq(memcmp(bytes_, meta, nbytes_), 0, "bookkeeping changed");             \
	} while (0)

Test(pmem, meta_bytes)
{
	/* the bits, whole words, then one state byte per chunk */
	cr_assert_eq(pmem_meta_bytes(0, 6), 0);
	cr_assert_eq(pmem_meta_bytes(PG - 1, 6), 0);
	cr_assert_eq(pmem_meta_bytes(PG, 6), 8 + 1);
	cr_assert_eq(pmem_meta_bytes(64 * PG, 6), 8 + 1);
	cr_assert_eq(pmem_meta_bytes(65 * PG, 6), 16 + 2);
	cr_assert_eq(pmem_meta_bytes(TOP, SHIFT), 32 + 4);
	cr_assert_eq(pmem_meta_bytes(TOP, 12), 32 + 1);
	cr_assert_eq(pmem_meta_bytes(4ull << 30, 12), (4ull << 30) / PG / 8 + 256);
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
	static uint64_t bits[8];

	cr_assert_leq(pmem_meta_bytes(TOP, SHIFT), sizeof(bits));
	pmem_init(&kernel_pmem, bits, TOP, SHIFT);
	pmem_add_free(&kernel_pmem, 8 * PG, 10 * PG);
	void *p = page_alloc(2);
	cr_assert_eq((uintptr_t)p, 8 * PG);
	cr_assert_null(page_alloc(1));
	page_free(p, 2);
	cr_assert_eq(kernel_pmem.free_pages, 2);
	page_free(p, 2);
	cr_assert_eq(kernel_pmem.bad_frees, 1);
}

/* Word edges: add_free and the run search work a 64-bit word at a time. */

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
		pmem_init(pm, meta, TOP, SHIFT);
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

		pmem_init(pm, meta, TOP, SHIFT);
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

/*
 * Lazy bookkeeping: a boot must cost one step per extent, not per page. The bookkeeping starts
 * as a pattern pmem never writes, so any byte it touched shows.
 */
#define BIG	  (64ull << 30) /* a 64 GiB guest's address space */
#define BIG_SHIFT PMEM_CHUNK_SHIFT
#define PATTERN	  0xa5

static uint64_t big_touched(const uint8_t *m, uint64_t from, uint64_t to)
{
	uint64_t n = 0;

	for (uint64_t i = from; i < to; i++)
		n += m[i] != PATTERN;
	return n;
}

Test(pmem_lazy, big_map_costs_per_extent_not_per_page)
{
	uint64_t bytes = pmem_meta_bytes(BIG, BIG_SHIFT), bits = BIG / PG / 8;
	uint64_t chunk_pages = 1ull << BIG_SHIFT, chunk_bytes = chunk_pages / 8;
	uint8_t *m = malloc(bytes);
	struct pmem *p = calloc(1, sizeof(*p));

	cr_assert_not_null(m);
	cr_assert_not_null(p);
	memset(m, PATTERN, bytes);
	pmem_init(p, m, BIG, BIG_SHIFT);
	/* QEMU's map at 64 GiB: low RAM, RAM up to the PCI hole, RAM above 4 GiB */
	pmem_add_free(p, 0, 0x9fc00);
	pmem_add_free(p, 0x200000, 0x80000000);
	pmem_add_free(p, 1ull << 32, BIG);
	uint64_t total = 0x9f - 1 + (0x80000000 - 0x200000) / PG + (BIG - (1ull << 32)) / PG;
	cr_assert_eq(p->total_pages, total);
	cr_assert_eq(p->free_pages, total);
	cr_assert_eq(big_touched(m, 0, bytes), 0, "adding RAM wrote bookkeeping");

	/* a small allocation builds the bits of one chunk, and nothing else */
	uint64_t a = pmem_alloc(p, 3);
	cr_assert_eq(a, PG);
	cr_assert_eq(p->chunks_built, 1);
	cr_assert_eq(big_touched(m, chunk_bytes, bits), 0, "bits beyond chunk 0 written");
	cr_assert_eq(big_touched(m, bits + 1, bytes), 0, "state bytes beyond chunk 0 written");
	cr_assert(pmem_page_used(p, 0) && pmem_page_used(p, 3) && !pmem_page_used(p, 4));
	cr_assert(pmem_page_used(p, 0x9f) && !pmem_page_used(p, 0x200));

	/* 59 GiB in one run (the C library's heap arena): whole chunks become FULL, no bits */
	uint64_t n = (59ull << 30) / PG, b = pmem_alloc(p, n);
	cr_assert_eq(b, 1ull << 32, "the first run long enough is above 4 GiB");
	cr_assert_leq(p->chunks_built, 2);
	cr_assert_eq(big_touched(m, (1ull << 32) / PG / 8, bits), 0, "bits above 4 GiB written");
	cr_assert_eq(p->free_pages, total - 3 - n);
	cr_assert(pmem_page_used(p, b / PG) && pmem_page_used(p, b / PG + n - 1));
	cr_assert(!pmem_page_used(p, b / PG + n));
	uint64_t mid = b + (n / 2) * PG;
	cr_assert_eq(pmem_free(p, mid, 1), 0, "one page in a FULL chunk comes back");
	cr_assert_eq(pmem_free(p, mid, 1), -EINVAL, "and only once");
	cr_assert_eq(pmem_free(p, b, n), -EINVAL, "the run has a free page in it now");
	cr_assert_eq(pmem_alloc_below(p, 1, BIG), mid, "the hint: where the last free was");
	cr_assert_eq(pmem_alloc_below(p, 1, mid), 4 * PG, "below the hint: first fit from page 1");
	cr_assert_eq(pmem_free(p, 4 * PG, 1), 0);
	cr_assert_eq(pmem_free(p, b, n), 0);
	cr_assert_eq(pmem_free(p, b, n), -EINVAL, "double free of a huge run");
	cr_assert_eq(pmem_free(p, a, 3), 0);
	cr_assert_eq(p->free_pages, total);
	cr_assert_eq(p->bad_frees, 3);
	/* and memory in a chunk nobody allocated from is free: a free there is refused */
	cr_assert_eq(pmem_free(p, BIG - PG, 1), -EINVAL);
	free(p);
	free(m);
}

/*
 * The allocator against a model that keeps one byte per page: random maps with holes, random
 * allocations (first fit from the hint, as documented), good and bad frees, at several chunk sizes.
 */
#define MTOP 1536 /* pages */

struct model {
	char usable[MTOP], used[MTOP];
	uint64_t hint, total, free;
};

static uint64_t model_first_fit(const struct model *m, uint64_t from, uint64_t to, uint64_t n)
{
	uint64_t run = 0;

	for (uint64_t i = from; i < to; i++) {
		run = (m->usable[i] && !m->used[i]) ? run + 1 : 0;
		if (run == n)
			return i + 1 - n;
	}
	return 0;
}

static uint64_t model_alloc(struct model *m, uint64_t n, uint64_t to)
{
	uint64_t r = 0;

	if (to > MTOP)
		to = MTOP;
	if (n == 0 || n > m->free)
		return 0;
	if (m->hint < to)
		r = model_first_fit(m, m->hint, to, n);
	if (!r)
		r = model_first_fit(m, 1, to, n);
	if (!r)
		return 0;
	memset(m->used + r, 1, n);
	m->free -= n;
	m->hint = r + n;
	return r;
}

static int model_free(struct model *m, uint64_t page, uint64_t n)
{
	if (n == 0 || page >= MTOP || n > MTOP - page)
		return -EINVAL;
	for (uint64_t i = page; i < page + n; i++)
		if (!m->usable[i] || !m->used[i])
			return -EINVAL;
	memset(m->used + page, 0, n);
	m->free += n;
	if (page < m->hint)
		m->hint = page;
	return 0;
}

static void model_add(struct model *m, uint64_t lo, uint64_t hi)
{
	for (uint64_t i = lo ? lo : 1; i < hi && i < MTOP; i++)
		if (!m->usable[i]) {
			m->usable[i] = 1;
			m->total++;
			m->free++;
		}
}

static void run_against_model(unsigned shift, uint64_t seed)
{
	static struct model m;
	uint64_t x = seed, bytes = pmem_meta_bytes(MTOP * PG, shift);
	uint8_t *meta_m = malloc(bytes);
	struct pmem *p = calloc(1, sizeof(*p));

	cr_assert_not_null(meta_m);
	cr_assert_not_null(p);
	memset(&m, 0, sizeof(m));
	m.hint = 1;
	pmem_init(p, meta_m, MTOP * PG, shift);
	/* a map of RAM and holes, 1-200 pages each, ranges given with byte addresses */
	for (uint64_t lo = 0; lo < MTOP;) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		uint64_t len = 1 + (x >> 20) % 200, cut = (x >> 40) % PG;

		if (x & (1ull << 62)) {
			pmem_add_free(p, lo * PG - (lo ? cut : 0), (lo + len) * PG + cut);
			model_add(&m, lo, lo + len);
		}
		lo += len;
	}
	for (int step = 0; step < 6000; step++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		uint64_t r = x >> 16, op = r % 16;

		if (op == 0 && step % 61 == 0) { /* more RAM, maybe overlapping what there is */
			uint64_t lo = (r >> 4) % (MTOP + 40), hi = lo + (r >> 16) % 40;

			pmem_add_free(p, lo * PG, hi * PG);
			model_add(&m, lo, hi);
		} else if (op < 9) { /* mostly small, some across chunks */
			uint64_t n = (r & 0x300) ? 1 + (r >> 10) % 9 : 1 + (r >> 10) % 400;
			uint64_t to = (r & 0x400) ? MTOP : (r >> 20) % (MTOP + 64);
			uint64_t got = pmem_alloc_below(p, n, to * PG);

			cr_assert_eq(got / PG, model_alloc(&m, n, to), "shift %u step %d", shift,
				     step);
		} else { /* a free: often good, sometimes double, partial or foreign */
			uint64_t page = (r >> 4) % (MTOP + 8),
				 n = 1 + (r >> 20) % ((r & 0x8) ? 3 : 300);

			cr_assert_eq(pmem_free(p, page * PG, n), model_free(&m, page, n),
				     "shift %u step %d free(%llu, %llu)", shift, step,
				     (unsigned long long)page, (unsigned long long)n);
		}
		cr_assert_eq(p->free_pages, m.free, "shift %u step %d", shift, step);
		cr_assert_eq(p->total_pages, m.total);
		if (step % 50 == 0)
			for (uint64_t i = 0; i < MTOP; i++)
				cr_assert_eq(pmem_page_used(p, i), !m.usable[i] || m.used[i],
					     "shift %u step %d page %llu", shift, step,
					     (unsigned long long)i);
	}
	free(p);
	free(meta_m);
}

Test(pmem_lazy, random_against_page_model)
{
	static const unsigned shifts[] = { 6, 7, 9, 12 };

	for (unsigned i = 0; i < sizeof(shifts) / sizeof(shifts[0]); i++)
		for (uint64_t seed = 1; seed <= 3; seed++)
			run_against_model(shifts[i], seed * 1000 + shifts[i]);
}
