/* Tests the kernel heap (kernel/heap.c) on a fake page source that counts and checks every page. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/heap.h"

#define PG	    4096u
#define MAX_RECORDS 8192

/* Every run the heap takes; freed runs stay mapped (as in the kernel) until the test ends. */
static struct run {
	void *p;
	uint64_t n;
	int freed;
} runs[MAX_RECORDS];
static int nruns;
static uint64_t pages_out, budget, bad_page_frees;

/* Releases the runs already given back, to make room for more records. */
static void compact(void)
{
	int k = 0;

	for (int i = 0; i < nruns; i++) {
		if (runs[i].freed)
			free(runs[i].p);
		else
			runs[k++] = runs[i];
	}
	nruns = k;
}

static void *fake_alloc(uint64_t n)
{
	if (nruns == MAX_RECORDS)
		compact();
	if (n > budget || n > 64 || nruns == MAX_RECORDS)
		return NULL;
	void *p = aligned_alloc(PG, n * PG);
	if (!p)
		return NULL;
	memset(p, 0xa7, n * PG); /* fresh pages are not zero: kzalloc must clear */
	budget -= n;
	pages_out += n;
	runs[nruns++] = (struct run){ p, n, 0 };
	return p;
}

static void fake_free(void *p, uint64_t n)
{
	for (int i = 0; i < nruns; i++) {
		if (runs[i].p == p && !runs[i].freed && runs[i].n == n) {
			runs[i].freed = 1;
			pages_out -= n;
			return;
		}
	}
	bad_page_frees++;
}

static const struct heap_pages fake = { fake_alloc, fake_free };

static void setup(void)
{
	nruns = 0;
	pages_out = 0;
	bad_page_frees = 0;
	budget = UINT64_MAX;
	heap_init(&fake);
}

static void teardown(void)
{
	for (int i = 0; i < nruns; i++)
		free(runs[i].p);
}

TestSuite(heap, .init = setup, .fini = teardown);

static struct heap_stats stats(void)
{
	struct heap_stats st;

	heap_get_stats(&st);
	return st;
}

struct blk {
	unsigned char *p;
	size_t size;
	unsigned char tag;
};

static int by_addr(const void *a, const void *b)
{
	const struct blk *x = a, *y = b;

	return x->p < y->p ? -1 : x->p > y->p;
}

static int all_sizes(struct blk *b, int with_large)
{
	int n = 0;

	for (size_t s = 1; s <= 2100; s++)
		b[n++].size = s;
	if (with_large)
		for (size_t s = 2101; s <= 20000; s += 97)
			b[n++].size = s;
	return n;
}

/* Allocates every block, fills each with its own byte, checks alignment and that none overlap. */
static void alloc_and_check(struct blk *b, int n)
{
	uint64_t want_bytes = stats().bytes_in_use;

	for (int i = 0; i < n; i++) {
		b[i].p = kmalloc(b[i].size);
		cr_assert_not_null(b[i].p, "kmalloc(%zu)", b[i].size);
		cr_assert_eq((uintptr_t)b[i].p % 16, 0, "kmalloc(%zu) = %p", b[i].size, b[i].p);
		memset(b[i].p, i & 0xff, b[i].size);
		want_bytes += b[i].size;
	}
	cr_assert_eq(stats().bytes_in_use, want_bytes);
	for (int i = 0; i < n; i++)
		for (size_t k = 0; k < b[i].size; k++)
			cr_assert_eq(b[i].p[k], i & 0xff, "block %d (%zu bytes) overwritten at %zu",
				     i, b[i].size, k);
}

static void check_disjoint(struct blk *b, int n)
{
	struct blk *s = malloc(n * sizeof(*s));

	memcpy(s, b, n * sizeof(*s));
	qsort(s, n, sizeof(*s), by_addr);
	for (int i = 1; i < n; i++)
		cr_assert_leq((uintptr_t)s[i - 1].p + s[i - 1].size, (uintptr_t)s[i].p,
			      "blocks of %zu and %zu bytes overlap", s[i - 1].size, s[i].size);
	free(s);
}

static void free_all(struct blk *b, int n)
{
	/* free in an order unrelated to allocation */
	for (int i = 0; i < n; i += 2)
		kfree(b[i].p);
	for (int i = n - 1; i >= 0; i--)
		if (i % 2)
			kfree(b[i].p);
}

Test(heap, alignment_sizes_and_reuse)
{
	static struct blk b[2400];
	int nsmall = all_sizes(b, 0);

	alloc_and_check(b, nsmall);
	check_disjoint(b, nsmall);
	free_all(b, nsmall);
	struct heap_stats st = stats();
	cr_assert_eq(st.bytes_in_use, 0);
	cr_assert_eq(st.frees, (uint64_t)nsmall);
	uint64_t small_pages = pages_out;
	cr_assert_eq(st.pages, small_pages, "the heap's page count matches the source's");

	/* the same small blocks again, with large ones among them */
	int n = all_sizes(b, 1);
	alloc_and_check(b, n);
	check_disjoint(b, n);
	cr_assert_gt(pages_out, small_pages);
	free_all(b, n);
	st = stats();
	cr_assert_eq(st.bytes_in_use, 0);
	cr_assert_eq(st.allocs, (uint64_t)(nsmall + n));
	cr_assert_eq(st.frees, st.allocs);
	cr_assert_eq(st.bad_frees, 0);
	cr_assert_eq(st.failed, 0);
	cr_assert_eq(pages_out, small_pages, "large-block pages returned, small blocks reused");
	cr_assert_eq(st.pages, pages_out);
	cr_assert_eq(bad_page_frees, 0);
}

Test(heap, every_size_alone)
{
	/* each size on its own: returned pointer aligned, block writable, freed cleanly */
	for (size_t s = 1; s <= 20000; s++) {
		unsigned char *p = kmalloc(s);

		cr_assert_not_null(p, "kmalloc(%zu)", s);
		cr_assert_eq((uintptr_t)p % 16, 0);
		p[0] = 1;
		p[s - 1] = 2;
		kfree(p);
	}
	struct heap_stats st = stats();
	cr_assert_eq(st.bytes_in_use, 0);
	cr_assert_eq(st.allocs, 20000);
	cr_assert_eq(st.frees, 20000);
	cr_assert_eq(st.bad_frees, 0);
	cr_assert_eq(st.pages, pages_out);
	cr_assert_lt(pages_out, 16, "small pages are kept and reused, large ones returned");
}

Test(heap, large_block_pages_returned)
{
	uint64_t before = pages_out;
	void *p = kmalloc(10000);

	cr_assert_not_null(p);
	cr_assert_geq(pages_out - before, 3, "10000 bytes need at least 3 pages");
	cr_assert_leq(pages_out - before, 4);
	cr_assert_eq(stats().pages, pages_out);
	kfree(p);
	cr_assert_eq(pages_out, before);
	cr_assert_eq(stats().pages, before);
	cr_assert_eq(bad_page_frees, 0);
}

Test(heap, kzalloc_zeroes)
{
	unsigned char *p = kmalloc(300);

	memset(p, 0xff, 300);
	kfree(p);
	/* a recycled block and fresh (non-zero) pages alike come back cleared */
	for (size_t s = 1; s < 9000; s = s * 3 + 1) {
		unsigned char *z = kzalloc(s);

		cr_assert_not_null(z);
		for (size_t i = 0; i < s; i++)
			cr_assert_eq(z[i], 0, "kzalloc(%zu)[%zu]", s, i);
	}
	cr_assert_null(kzalloc(0));
}

Test(heap, zero_and_null)
{
	cr_assert_null(kmalloc(0));
	kfree(NULL);
	struct heap_stats st = stats();
	cr_assert_eq(st.allocs + st.frees + st.bad_frees + st.bytes_in_use, 0);
}

Test(heap, double_free_refused)
{
	char *small = kmalloc(40), *large = kmalloc(9000);

	kfree(small);
	kfree(large);
	struct heap_stats st = stats();
	cr_assert_eq(st.frees, 2);
	cr_assert_eq(st.bytes_in_use, 0);
	uint64_t pages = pages_out;

	kfree(small);
	kfree(large); /* its pages went back to the source but stay mapped here */
	st = stats();
	cr_assert_eq(st.bad_frees, 2);
	cr_assert_eq(st.frees, 2);
	cr_assert_eq(st.bytes_in_use, 0);
	cr_assert_eq(pages_out, pages, "pages not returned twice");
	cr_assert_eq(bad_page_frees, 0);

	/* the free list is intact: two new blocks of that class are distinct */
	char *a = kmalloc(40), *b = kmalloc(40);
	cr_assert_neq(a, b);
}

Test(heap, bad_pointers_refused)
{
	unsigned char *p = kzalloc(256);
	static _Alignas(16) unsigned char outside[64];

	kfree(p + 1);  /* unaligned */
	kfree(p + 16); /* inside a block: the "header" there is zeroed data */
	kfree(p + 128);
	kfree(outside + 16); /* never came from the heap */
	struct heap_stats st = stats();
	cr_assert_eq(st.bad_frees, 4);
	cr_assert_eq(st.frees, 0);
	cr_assert_eq(st.bytes_in_use, 256);
	kfree(p);
	st = stats();
	cr_assert_eq(st.frees, 1);
	cr_assert_eq(st.bytes_in_use, 0);
}

Test(heap, page_source_failure)
{
	budget = 0;
	cr_assert_null(kmalloc(16));
	cr_assert_null(kmalloc(5000));
	cr_assert_null(kzalloc(100));
	struct heap_stats st = stats();
	cr_assert_eq(st.failed, 3);
	cr_assert_eq(st.allocs, 0);
	cr_assert_eq(st.bytes_in_use, 0);
	cr_assert_eq(st.pages, 0);

	/* one page: small blocks until it is used up, then failure again */
	budget = 1;
	int got = 0;
	void *p;
	while ((p = kmalloc(100)) != NULL) {
		got++;
		cr_assert_leq(got, (int)(PG / 100), "more 100-byte blocks than fit in a page");
	}
	cr_assert_geq(got, 1);
	st = stats();
	cr_assert_eq(st.failed, 4);
	cr_assert_eq(st.allocs, (uint64_t)got);
	cr_assert_eq(st.bytes_in_use, (uint64_t)got * 100);
	cr_assert_eq(st.pages, 1);
}

Test(heap, huge_requests_fail_and_count)
{
	cr_assert_null(kmalloc(1ull << 40)); /* the source refuses */
	cr_assert_null(kmalloc(SIZE_MAX));
	cr_assert_null(kmalloc(SIZE_MAX / 2 + 1));
	cr_assert_null(kmalloc(SIZE_MAX - 15));
	struct heap_stats st = stats();
	cr_assert_eq(st.failed, 4, "every NULL for lack of memory is counted");
	cr_assert_eq(st.allocs, 0);
	cr_assert_eq(st.bytes_in_use, 0);
	cr_assert_eq(pages_out, 0);
}

Test(heap, random_alloc_free_counters)
{
	static struct blk live[600];
	int n = 0;
	uint64_t x = 0xfeedface, bytes = 0, allocs = 0, frees = 0;

	for (int step = 0; step < 30000; step++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (n && (x % 5 < 2 || n == 600)) {
			int i = (x >> 8) % n;

			for (size_t k = 0; k < live[i].size; k++)
				cr_assert_eq(live[i].p[k], live[i].tag, "block of %zu overwritten",
					     live[i].size);
			kfree(live[i].p);
			bytes -= live[i].size;
			frees++;
			live[i] = live[--n];
		} else {
			size_t s = (x >> 20) % 8 ? 1 + (x >> 24) % 600 : 1 + (x >> 24) % 16000;
			unsigned char *p = kmalloc(s);

			cr_assert_not_null(p);
			cr_assert_eq((uintptr_t)p % 16, 0);
			memset(p, (unsigned char)allocs, s);
			live[n++] = (struct blk){ p, s, (unsigned char)allocs };
			bytes += s;
			allocs++;
		}
		cr_assert_eq(stats().bytes_in_use, bytes);
	}
	frees += n;
	while (n--)
		kfree(live[n].p);
	struct heap_stats st = stats();
	cr_assert_eq(st.bytes_in_use, 0);
	cr_assert_eq(st.allocs, allocs);
	cr_assert_eq(st.frees, frees);
	cr_assert_eq(frees, allocs);
	cr_assert_eq(st.bad_frees, 0);
	cr_assert_eq(st.pages, pages_out);
	cr_assert_eq(bad_page_frees, 0);
}
