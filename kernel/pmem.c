/* The physical page allocator: a bitmap over [0, top of RAM), protected by a spinlock. */
#include <stddef.h>
#include "base/errno.h"
#include "kernel/pmem.h"

struct pmem kernel_pmem;

static int bit_test(const struct pmem *pm, uint64_t i)
{
	return (pm->bitmap[i / 64] >> (i % 64)) & 1;
}

static void bit_set(struct pmem *pm, uint64_t i)
{
	pm->bitmap[i / 64] |= 1ull << (i % 64);
}

static void bit_clear(struct pmem *pm, uint64_t i)
{
	pm->bitmap[i / 64] &= ~(1ull << (i % 64));
}

/* The low n bits, 1 <= n <= 64 (a shift by 64 would be undefined). */
static uint64_t low_bits(uint64_t n)
{
	return n >= 64 ? ~0ull : (1ull << n) - 1;
}

/* SWAR popcount: __builtin_popcountll would call libgcc, which the guest does not link. */
static uint64_t popcount64(uint64_t x)
{
	x -= (x >> 1) & 0x5555555555555555ull;
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (x * 0x0101010101010101ull) >> 56;
}

uint64_t pmem_bitmap_bytes(uint64_t top)
{
	uint64_t pages = top >> PAGE_SHIFT;

	return (pages + 63) / 64 * 8;
}

void pmem_init(struct pmem *pm, uint64_t *bitmap, uint64_t top)
{
	*pm = (struct pmem){ .bitmap = bitmap, .npages = top >> PAGE_SHIFT, .hint = 1 };
	for (uint64_t i = 0; i < pmem_bitmap_bytes(top) / 8; i++)
		bitmap[i] = ~0ull;
}

void pmem_add_free(struct pmem *pm, uint64_t start, uint64_t end)
{
	/* rounded up without start + PAGE_SIZE - 1, which wraps to page 0 near the top */
	uint64_t first = (start >> PAGE_SHIFT) + !!(start & (PAGE_SIZE - 1));
	uint64_t last = end >> PAGE_SHIFT;

	if (first == 0)
		first = 1; /* page 0 stays unavailable: a null pointer must never be a valid page */
	if (last > pm->npages)
		last = pm->npages;
	if (first >= last || pm->nusable == MEMMAP_RANGES_MAX)
		return;
	pm->usable[pm->nusable++] = (struct mem_range){ first << PAGE_SHIFT, last << PAGE_SHIFT };
	/* a word at a time (partial at the edges): bit by bit cost ~20 instructions a page at boot */
	for (uint64_t i = first; i < last;) {
		uint64_t off = i % 64, len = last - i < 64 - off ? last - i : 64 - off;
		uint64_t mask = low_bits(len) << off, was = pm->bitmap[i / 64] & mask;
		/* counted, not assumed: pages already free (overlapping ranges) must not count twice */
		uint64_t freed = was == ~0ull ? 64 : popcount64(was);

		pm->bitmap[i / 64] &= ~mask;
		pm->total_pages += freed;
		pm->free_pages += freed;
		i += len;
	}
}

static int is_usable(const struct pmem *pm, uint64_t start, uint64_t end)
{
	/* a run may span ranges that were added separately but touch: walk it range by range */
	while (start < end) {
		unsigned i = 0;

		while (i < pm->nusable &&
		       !(start >= pm->usable[i].start && start < pm->usable[i].end))
			i++;
		if (i == pm->nusable)
			return 0;
		start = pm->usable[i].end;
	}
	return 1;
}

/*
 * First run of n clear bits in [from, to); returns its index or 0. Works on the part of a word
 * from i up: a fully used word costs one step, a fully free one extends the run by 64 at once.
 */
static uint64_t find_run(const struct pmem *pm, uint64_t from, uint64_t to, uint64_t n)
{
	uint64_t start = from; /* [start, i) is all free */

	for (uint64_t i = from; i < to;) {
		uint64_t off = i % 64, len = to - i < 64 - off ? to - i : 64 - off;
		uint64_t keep = low_bits(len), used = (pm->bitmap[i / 64] >> off) & keep;

		if (!used) {
			i += len;
			if (i - start >= n)
				return start;
			continue;
		}
		uint64_t b = (uint64_t)__builtin_ctzll(used);

		if (i + b - start >= n)
			return start;
		/* the run is broken at i + b: the next one starts at the next free bit above it */
		uint64_t free_above = ~used & keep & (~0ull << b);

		i += free_above ? (uint64_t)__builtin_ctzll(free_above) : len;
		start = i;
	}
	return 0;
}

static uint64_t alloc_locked(struct pmem *pm, uint64_t n, uint64_t limit_pages)
{
	uint64_t first = 0, to = limit_pages < pm->npages ? limit_pages : pm->npages;

	if (n == 0 || n > pm->free_pages)
		return 0;
	if (pm->hint < to)
		first = find_run(pm, pm->hint, to, n);
	if (!first)
		first = find_run(pm, 1, to, n);
	if (!first)
		return 0;
	for (uint64_t i = first; i < first + n; i++)
		bit_set(pm, i);
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
	int ret = 0;
	unsigned long f = spin_lock_irqsave(&pm->lock);

	/* check the whole run before changing anything: a bad free must not half-happen */
	/* bounded by the bitmap first: a huge n would wrap the end address back into range */
	if ((addr & (PAGE_SIZE - 1)) || n == 0 || first >= pm->npages || n > pm->npages - first ||
	    !is_usable(pm, addr, (first + n) << PAGE_SHIFT)) {
		ret = -EINVAL;
	} else {
		for (uint64_t i = first; i < first + n; i++)
			if (!bit_test(pm, i))
				ret = -EINVAL;
	}
	if (ret) {
		pm->bad_frees++;
	} else {
		for (uint64_t i = first; i < first + n; i++)
			bit_clear(pm, i);
		pm->free_pages += n;
		pm->frees++;
		if (first < pm->hint)
			pm->hint = first;
	}
	spin_unlock_irqrestore(&pm->lock, f);
	return ret;
}

void *page_alloc(uint64_t n)
{
	return (void *)(uintptr_t)pmem_alloc(&kernel_pmem, n);
}

void page_free(void *p, uint64_t n)
{
	pmem_free(&kernel_pmem, (uintptr_t)p, n);
}
