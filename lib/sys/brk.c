/*
 * sbrk for the C library's malloc. At the first call the break gets one contiguous run of pages
 * from the page allocator: everything free but a reserve the kernel keeps for its own heap (thread
 * stacks, driver rings), as large as can be found. malloc implementations assume a contiguous break
 * (newlib's accounting goes wrong around foreign gaps), and the pages are only reserved, never
 * touched, until malloc uses them. Past the end: ENOMEM.
 */
#include "arch/x86/spinlock.h"
#include "kernel/pmem.h"
#include "lib/sys/sys.h"

#define MIN_ARENA_PAGES 16ul

static spinlock_t brk_lock = SPINLOCK_INIT;
static uintptr_t base, brk, end;
static uint64_t pages, failures;
static int tried;

static void arena_init(void)
{
	uint64_t want = sys_arena_pages(kernel_pmem.total_pages, kernel_pmem.free_pages);

	tried = 1;
	/* the largest contiguous run up to what the kernel leaves (arena_size.c): free memory may
	 * be in pieces */
	for (uint64_t n = want; n >= MIN_ARENA_PAGES; n -= n / 8 + 1) {
		void *p = page_alloc(n);

		if (p) {
			base = brk = (uintptr_t)p;
			end = base + n * PAGE_SIZE;
			pages = n;
			return;
		}
	}
}

void *sys_sbrk(intptr_t incr, int *err)
{
	unsigned long f = spin_lock_irqsave(&brk_lock);
	void *r = NULL;

	if (!tried)
		arena_init();
	if (incr < 0 ? (uintptr_t)-incr <= brk - base : (uintptr_t)incr <= end - brk) {
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

	*st = (struct sys_brk_stats){ brk - base, pages * PAGE_SIZE, pages ? 1 : 0, failures };
	spin_unlock_irqrestore(&brk_lock, f);
}
