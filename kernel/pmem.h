/* The physical page allocator: one bit per 4 KiB page up to the top of RAM, first fit from a hint. */
#ifndef KERNEL_PMEM_H
#define KERNEL_PMEM_H

#include <stdint.h>
#include "arch/x86/spinlock.h"
#include "kernel/memmap.h"

#define PAGE_SIZE  4096ul
#define PAGE_SHIFT 12

struct pmem {
	uint64_t *bitmap; /* bit set = not available (used, reserved or not RAM) */
	uint64_t npages;  /* pages covered by the bitmap, from address 0 */
	uint64_t hint;	  /* where the next search starts */
	uint64_t total_pages, free_pages;
	uint64_t allocs, frees, bad_frees;
	/* what pmem_add_free made available: a free outside these is refused */
	struct mem_range usable[MEMMAP_RANGES_MAX];
	unsigned nusable;
	spinlock_t lock;
};

/* Bytes of bitmap needed to cover [0, top). */
uint64_t pmem_bitmap_bytes(uint64_t top);
/* Starts with every page unavailable. */
void pmem_init(struct pmem *pm, uint64_t *bitmap, uint64_t top);
/* Makes the whole pages inside [start, end) available; ranges are added in any order, disjoint. */
void pmem_add_free(struct pmem *pm, uint64_t start, uint64_t end);
/* Physical address of n contiguous free pages, or 0 (page 0 is never available). */
uint64_t pmem_alloc(struct pmem *pm, uint64_t n);
/* Like pmem_alloc, but the pages lie entirely below limit (for real-mode trampolines, DMA). */
uint64_t pmem_alloc_below(struct pmem *pm, uint64_t n, uint64_t limit);
/* Returns pages; freeing a page that is not allocated is refused and counted. Returns 0 or -EINVAL. */
int pmem_free(struct pmem *pm, uint64_t addr, uint64_t n);

/* the kernel's allocator */
extern struct pmem kernel_pmem;
void *page_alloc(uint64_t n);
void page_free(void *p, uint64_t n);

#endif
