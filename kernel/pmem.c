/* The physical page allocator: usable extents plus per-chunk page bits built lazily, under a lock. */
#include <stddef.h>
#include "base/errno.h"
#include "kernel/pmem.h"

struct pmem kernel_pmem;

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* The low n bits, 1 <= n <= 64 (a shift by 64 would be undefined). */
static uint64_t low_bits(uint64_t n)
{
	return n >= 64 ? ~0ull : (1ull << n) - 1;
}

/* Trailing zero bits of x; 64 for 0 (the builtin is undefined there). */
static uint64_t ctz64(uint64_t x)
{
	return x ? (uint64_t)__builtin_ctzll(x) : 64;
}

static uint64_t nchunks(uint64_t npages, unsigned shift)
{
	return (npages + (1ull << shift) - 1) >> shift;
}

uint64_t pmem_meta_bytes(uint64_t top, unsigned chunk_shift)
{
	uint64_t pages = top >> PAGE_SHIFT;

	return (pages + 63) / 64 * 8 + nchunks(pages, chunk_shift);
}

void pmem_init(struct pmem *pm, void *meta, uint64_t top, unsigned chunk_shift)
{
	uint64_t pages = top >> PAGE_SHIFT;

	if (chunk_shift < 6)
		chunk_shift = 6; /* a chunk is whole bitmap words */
	*pm = (struct pmem){ .bitmap = meta,
			     .chunk = (uint8_t *)meta + (pages + 63) / 64 * 8,
			     .chunk_shift = chunk_shift,
			     .npages = pages,
			     .hint = 1 };
}

static int chunk_state(const struct pmem *pm, uint64_t c)
{
	return c < pm->chunk_valid ? pm->chunk[c] : PMEM_UNTOUCHED;
}

/* The state bytes are written only up to the highest chunk ever touched: the rest is implied. */
static void chunk_set(struct pmem *pm, uint64_t c, int state)
{
	while (pm->chunk_valid <= c)
		pm->chunk[pm->chunk_valid++] = PMEM_UNTOUCHED;
	pm->chunk[c] = (uint8_t)state;
}

static uint64_t chunk_end(const struct pmem *pm, uint64_t c)
{
	return min_u64((c + 1) << pm->chunk_shift, pm->npages);
}

/* The first usable extent ending above page p (nusable if none); p is in it iff it starts <= p. */
static unsigned extent_after(const struct pmem *pm, uint64_t p)
{
	unsigned i = 0;

	while (i < pm->nusable && pm->usable[i].end <= p)
		i++;
	return i;
}

static int in_usable(const struct pmem *pm, uint64_t p)
{
	unsigned i = extent_after(pm, p);

	return i < pm->nusable && pm->usable[i].start <= p;
}

/* Sets (used) or clears (free) the bits of pages [a, b), a word at a time. */
static void bits_write(struct pmem *pm, uint64_t a, uint64_t b, int used)
{
	while (a < b) {
		uint64_t off = a % 64, len = min_u64(b - a, 64 - off), mask = low_bits(len) << off;

		if (used)
			pm->bitmap[a / 64] |= mask;
		else
			pm->bitmap[a / 64] &= ~mask;
		a += len;
	}
}

static int bits_all_set(const struct pmem *pm, uint64_t a, uint64_t b)
{
	while (a < b) {
		uint64_t off = a % 64, len = min_u64(b - a, 64 - off), mask = low_bits(len) << off;

		if ((pm->bitmap[a / 64] & mask) != mask)
			return 0;
		a += len;
	}
	return 1;
}

/* Gives chunk c its bits, from what its state implied. */
static void chunk_build(struct pmem *pm, uint64_t c)
{
	int state = chunk_state(pm, c);
	uint64_t cs = c << pm->chunk_shift, ce = chunk_end(pm, c);

	if (state == PMEM_BITS)
		return;
	for (uint64_t w = cs / 64; w < (ce + 63) / 64; w++)
		pm->bitmap[w] = ~0ull; /* bits past npages in the last word stay set: never free */
	if (state == PMEM_UNTOUCHED)
		for (unsigned i = extent_after(pm, cs); i < pm->nusable && pm->usable[i].start < ce;
		     i++)
			bits_write(pm, max_u64(pm->usable[i].start, cs),
				   min_u64(pm->usable[i].end, ce), 0);
	chunk_set(pm, c, PMEM_BITS);
	pm->chunks_built++;
}

/*
 * Marks [a, b) used or free. A chunk covered whole needs no bits: FULL when used; when freed it is
 * UNTOUCHED, which is exact because the caller frees only inside one usable extent. Freeing in
 * an UNTOUCHED chunk writes nothing: pages there are free as soon as they are usable.
 */
static void mark(struct pmem *pm, uint64_t a, uint64_t b, int used)
{
	while (a < b) {
		uint64_t c = a >> pm->chunk_shift, cs = c << pm->chunk_shift, ce = chunk_end(pm, c);
		uint64_t hi = min_u64(b, ce);

		if (!used && c >= pm->chunk_valid)
			return; /* untouched from here on: nothing to write */
		if (a == cs && hi == ce) {
			chunk_set(pm, c, used ? PMEM_FULL : PMEM_UNTOUCHED);
		} else if (used || chunk_state(pm, c) != PMEM_UNTOUCHED) {
			chunk_build(pm, c);
			bits_write(pm, a, hi, used);
		}
		a = hi;
	}
}

/*
 * From page i (below lim <= npages), the longest stretch [i, j) whose pages are all free or all
 * used; returns j and sets *free. Untouched chunks from chunk_valid up are crossed in one step.
 */
static uint64_t stretch(const struct pmem *pm, uint64_t i, uint64_t lim, int *free)
{
	uint64_t c = i >> pm->chunk_shift;
	int state = chunk_state(pm, c);

	if (c < pm->chunk_valid)
		lim = min_u64(lim, chunk_end(pm, c));
	if (state == PMEM_FULL) {
		*free = 0;
		return lim;
	}
	if (state == PMEM_UNTOUCHED) {
		unsigned k = extent_after(pm, i);

		*free = k < pm->nusable && pm->usable[k].start <= i;
		if (*free)
			return min_u64(pm->usable[k].end, lim);
		return k < pm->nusable ? min_u64(pm->usable[k].start, lim) : lim;
	}
	uint64_t off = i % 64, len = min_u64(lim - i, 64 - off);
	uint64_t w = pm->bitmap[i / 64] >> off;

	*free = !(w & 1);
	return i + min_u64(*free ? ctz64(w) : ctz64(~w), len);
}

/* First run of n free pages in [from, to), to <= npages; returns its first page or 0. */
static uint64_t find_run(const struct pmem *pm, uint64_t from, uint64_t to, uint64_t n)
{
	uint64_t start = from; /* [start, i) is all free */

	for (uint64_t i = from; i < to;) {
		int free;
		uint64_t j = stretch(pm, i, to, &free);

		if (free && j - start >= n)
			return start;
		if (!free)
			start = j;
		i = j;
	}
	return 0;
}

void pmem_add_free(struct pmem *pm, uint64_t start, uint64_t end)
{
	/* rounded up without start + PAGE_SIZE - 1, which wraps to page 0 near the top */
	uint64_t first = (start >> PAGE_SHIFT) + !!(start & (PAGE_SIZE - 1));
	uint64_t last = end >> PAGE_SHIFT, p, added = 0;
	unsigned i, j, n = pm->nusable;

	if (first == 0)
		first = 1; /* page 0 stays unavailable: a null pointer must never be a valid page */
	if (last > pm->npages)
		last = pm->npages;
	if (first >= last)
		return;
	/* the extents [i, j) overlap or touch [first, last): they merge with it into one */
	for (i = 0; i < n && pm->usable[i].end < first; i++)
		;
	for (j = i; j < n && pm->usable[j].start <= last; j++)
		;
	if (i == j && n == MEMMAP_RANGES_MAX)
		return;
	/* counted, not assumed: pages already usable (overlapping ranges) must not count twice */
	p = first;
	for (unsigned k = i; k <= j; k++) {
		uint64_t gap_end = k < j ? min_u64(pm->usable[k].start, last) : last;

		if (p < gap_end) {
			mark(pm, p, gap_end, 0);
			added += gap_end - p;
		}
		if (k < j)
			p = max_u64(p, pm->usable[k].end);
	}
	struct mem_range merged = { first, last };
	if (i < j) {
		merged.start = min_u64(first, pm->usable[i].start);
		merged.end = max_u64(last, pm->usable[j - 1].end);
	}
	/* replace [i, j) by the merged extent: the list shrinks by j - i - 1 (grows when i == j) */
	if (i == j) {
		for (unsigned k = n; k > i; k--)
			pm->usable[k] = pm->usable[k - 1];
		pm->nusable++;
	} else {
		for (unsigned k = j; k < n; k++)
			pm->usable[k - (j - i - 1)] = pm->usable[k];
		pm->nusable -= j - i - 1;
	}
	pm->usable[i] = merged;
	pm->total_pages += added;
	pm->free_pages += added;
}

/* [a, b) lies inside one usable extent (touching ones are merged, so a run spans only one). */
static int is_usable(const struct pmem *pm, uint64_t a, uint64_t b)
{
	unsigned i = extent_after(pm, a);

	return i < pm->nusable && pm->usable[i].start <= a && b <= pm->usable[i].end;
}

static int all_used(const struct pmem *pm, uint64_t a, uint64_t b)
{
	while (a < b) {
		uint64_t c = a >> pm->chunk_shift, hi = min_u64(b, chunk_end(pm, c));
		int state = chunk_state(pm, c);

		/* an untouched chunk's usable pages are all free */
		if (state == PMEM_UNTOUCHED || (state == PMEM_BITS && !bits_all_set(pm, a, hi)))
			return 0;
		a = hi;
	}
	return 1;
}

int pmem_page_used(const struct pmem *pm, uint64_t page)
{
	if (page >= pm->npages)
		return 1;
	switch (chunk_state(pm, page >> pm->chunk_shift)) {
	case PMEM_FULL:
		return 1;
	case PMEM_BITS:
		return (pm->bitmap[page / 64] >> (page % 64)) & 1;
	default:
		return !in_usable(pm, page);
	}
}

static uint64_t alloc_locked(struct pmem *pm, uint64_t n, uint64_t limit_pages)
{
	uint64_t first = 0, to = min_u64(limit_pages, pm->npages);

	if (n == 0 || n > pm->free_pages)
		return 0;
	if (pm->hint < to)
		first = find_run(pm, pm->hint, to, n);
	if (!first)
		first = find_run(pm, 1, to, n);
	if (!first)
		return 0;
	mark(pm, first, first + n, 1);
	pm->free_pages -= n;
	pm->allocs++;
	pm->hint = first + n;
	return first << PAGE_SHIFT;
}

uint64_t pmem_alloc_below(struct pmem *pm, uint64_t n, uint64_t limit)
{
	unsigned long f = spin_lock_irqsave(&pm->lock);
	uint64_t r = alloc_locked(pm, n, limit >> PAGE_SHIFT);

	spin_unlock_irqrestore(&pm->lock, f);
	return r;
}

uint64_t pmem_alloc(struct pmem *pm, uint64_t n)
{
	return pmem_alloc_below(pm, n, UINT64_MAX);
}

int pmem_free(struct pmem *pm, uint64_t addr, uint64_t n)
{
	uint64_t first = addr >> PAGE_SHIFT;
	int ok;
	unsigned long f = spin_lock_irqsave(&pm->lock);

	/* check the whole run before changing anything: a bad free must not half-happen */
	/* bounded by npages first: a huge n would wrap the end back into range */
	ok = !(addr & (PAGE_SIZE - 1)) && n && first < pm->npages && n <= pm->npages - first &&
	     is_usable(pm, first, first + n) && all_used(pm, first, first + n);
	if (!ok) {
		pm->bad_frees++;
	} else {
		mark(pm, first, first + n, 0);
		pm->free_pages += n;
		pm->frees++;
		if (first < pm->hint)
			pm->hint = first;
	}
	spin_unlock_irqrestore(&pm->lock, f);
	return ok ? 0 : -EINVAL;
}

void *page_alloc(uint64_t n)
{
	return (void *)(uintptr_t)pmem_alloc(&kernel_pmem, n);
}

void page_free(void *p, uint64_t n)
{
	pmem_free(&kernel_pmem, (uintptr_t)p, n);
}
