/*
 * sbrk for the C library's malloc: the break moves through segments of contiguous pages from the
 * page allocator, growing a segment in place when the next pages happen to follow it. The total
 * is capped so the kernel keeps memory for its own heap (thread stacks, drivers).
 */
#include "arch/x86/spinlock.h"
#include "kernel/pmem.h"
#include "lib/sys/sys.h"

#define CHUNK_PAGES 256ul /* 1 MiB: fewer, larger segments */
/* the kernel keeps an eighth of RAM, at least 4 MiB */
#define KERNEL_RESERVE_MIN_PAGES 1024ul

static spinlock_t brk_lock = SPINLOCK_INIT;
static uintptr_t seg_base, brk, seg_end;
static uint64_t pages_taken, limit_pages, segments, failures;

static uint64_t limit(void)
{
	if (!limit_pages) {
		uint64_t reserve = kernel_pmem.total_pages / 8;

		if (reserve < KERNEL_RESERVE_MIN_PAGES)
			reserve = KERNEL_RESERVE_MIN_PAGES;
		limit_pages = kernel_pmem.total_pages > reserve ? kernel_pmem.total_pages - reserve : 0;
	}
	return limit_pages;
}

/* Pages for at least `need` more bytes: in place after seg_end, or a new segment. */
static int grow(uint64_t need)
{
	uint64_t n = (need + PAGE_SIZE - 1) / PAGE_SIZE;

	if (n < CHUNK_PAGES)
		n = CHUNK_PAGES;
	if (pages_taken + n > limit()) {
		/* the last stretch below the limit, if it still covers the request */
		n = limit() - pages_taken;
		if (n * PAGE_SIZE < need)
			return 0;
	}
	void *p = page_alloc(n);

	if (!p && n > (need + PAGE_SIZE - 1) / PAGE_SIZE) {
		n = (need + PAGE_SIZE - 1) / PAGE_SIZE;
		p = page_alloc(n);
	}
	if (!p)
		return 0;
	pages_taken += n;
	if ((uintptr_t)p == seg_end && seg_end) {
		seg_end += n * PAGE_SIZE;
	} else {
		/* the rest of the old segment stays unused: malloc treats the gap as foreign */
		seg_base = brk = (uintptr_t)p;
		seg_end = seg_base + n * PAGE_SIZE;
		segments++;
	}
	return 1;
}

void *sys_sbrk(intptr_t incr, int *err)
{
	unsigned long f = spin_lock_irqsave(&brk_lock);
	void *r = NULL;

	if (incr < 0) {
		/* shrinking stays inside the current segment; the pages are kept for the next growth */
		if ((uintptr_t)-incr <= brk - seg_base) {
			r = (void *)brk;
			brk += incr;
		}
	} else if ((uint64_t)incr <= seg_end - brk || grow((uint64_t)incr)) {
		r = (void *)brk;
		brk += (uintptr_t)incr;
	}
	if (!r) {
		failures++;
		*err = -SYS_ENOMEM;
	}
	spin_unlock_irqrestore(&brk_lock, f);
	return r;
}

void sys_brk_stats(struct sys_brk_stats *st)
{
	unsigned long f = spin_lock_irqsave(&brk_lock);

	*st = (struct sys_brk_stats){ pages_taken * PAGE_SIZE, limit() * PAGE_SIZE, segments, failures };
	spin_unlock_irqrestore(&brk_lock, f);
}
