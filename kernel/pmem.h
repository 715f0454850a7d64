/* The physical page allocator: usable extents, page bits built per chunk on first use. */
#ifndef KERNEL_PMEM_H
#define KERNEL_PMEM_H

#include <stdint.h>
#include "arch/x86/spinlock.h"
#include "kernel/memmap.h"

#define PAGE_SIZE  4096ul
#define PAGE_SHIFT 12

/* The kernel's chunk: 2^12 pages = 16 MiB, whose bits (512 bytes) are built on first use. */
#define PMEM_CHUNK_SHIFT 12

/*
 * What a chunk's pages are. A chunk nobody allocated from is UNTOUCHED: a page in it is free
 * exactly when it lies in a usable extent, so a boot costs one step per extent, not per page.
 * An allocation covering a whole chunk makes it FULL without writing a bit; anything partial
 * builds the chunk's bits (BITS) from what it was.
 */
enum { PMEM_UNTOUCHED, PMEM_BITS, PMEM_FULL };

struct pmem {
	uint64_t *bitmap; /* bit set = not available; meaningful only in BITS chunks */
	uint8_t *chunk;	  /* each chunk's state; chunks from chunk_valid up are UNTOUCHED */
	uint64_t chunk_valid;
	unsigned chunk_shift;
	uint64_t npages; /* pages covered, from address 0 */
	uint64_t hint;	 /* where the next search starts */
	uint64_t total_pages, free_pages;
	uint64_t allocs, frees, bad_frees;
	uint64_t chunks_built; /* times a chunk's bits were built (bench, tests) */
	/* what pmem_add_free made available, in pages, sorted, merged: a free outside is refused */
	struct mem_range usable[MEMMAP_RANGES_MAX];
	unsigned nusable;
	spinlock_t lock;
};

/* Bytes of bookkeeping (bits, then one state byte per chunk) needed to cover [0, top). */
uint64_t pmem_meta_bytes(uint64_t top, unsigned chunk_shift);
/* Starts with every page unavailable; meta need not be initialised. chunk_shift >= 6. */
void pmem_init(struct pmem *pm, void *meta, uint64_t top, unsigned chunk_shift);
/* Makes the whole pages inside [start, end) available; ranges are added in any order. */
void pmem_add_free(struct pmem *pm, uint64_t start, uint64_t end);
/* Physical address of n contiguous free pages, or 0 (page 0 is never available). */
uint64_t pmem_alloc(struct pmem *pm, uint64_t n);
/* Like pmem_alloc, but the pages lie entirely below limit (for real-mode trampolines, DMA). */
uint64_t pmem_alloc_below(struct pmem *pm, uint64_t n, uint64_t limit);
/* Returns pages; freeing a page that is not allocated is refused and counted. Returns 0 or -EINVAL. */
int pmem_free(struct pmem *pm, uint64_t addr, uint64_t n);
/* 1 when page (a page number) is allocated or not available, 0 when free. */
int pmem_page_used(const struct pmem *pm, uint64_t page);

/* the kernel's allocator */
extern struct pmem kernel_pmem;
void *page_alloc(uint64_t n);
void page_free(void *p, uint64_t n);

#endif
