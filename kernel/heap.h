/* The kernel heap: kmalloc/kfree on top of the page allocator, with counters. */
#ifndef KERNEL_HEAP_H
#define KERNEL_HEAP_H

#include <stddef.h>
#include <stdint.h>

struct heap_stats {
	uint64_t bytes_in_use; /* what callers asked for and still hold */
	uint64_t allocs, frees, failed, bad_frees;
	uint64_t pages; /* pages the heap holds from the page allocator */
};

/* Where the heap gets pages from: the kernel's page allocator, or a test double. */
struct heap_pages {
	void *(*alloc)(uint64_t n);
	void (*free)(void *p, uint64_t n);
};

void heap_init(const struct heap_pages *src);
/* 16-byte aligned; NULL when memory runs out or size is 0. */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
/* Frees what kmalloc returned; NULL is ignored; a bad or double free is refused and counted. */
void kfree(void *p);
void heap_get_stats(struct heap_stats *st);

#endif
