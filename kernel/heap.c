/* The kernel heap: power-of-two size classes carved from pages, whole pages for large blocks. */
#include <stdint.h>
#include "arch/x86/spinlock.h"
#include "base/string.h"
#include "kernel/heap.h"

#define HEAP_PAGE   4096u
#define MIN_SHIFT   5 /* 32-byte blocks: a 16-byte header plus 16 bytes */
#define MAX_SHIFT   11
#define NCLASSES    (MAX_SHIFT - MIN_SHIFT + 1)
#define CLASS_LARGE 0xff
#define MAGIC_USED  0x6b6d616cu /* "lamk" */
#define MAGIC_FREE  0x65657266u /* "free" */

/* Every block starts with this; it keeps the data 16-byte aligned. */
struct block {
	uint32_t magic;
	uint32_t cls;
	uint64_t size; /* bytes asked for; for large blocks the page count is derived from it */
};

struct free_block {
	struct block hdr;
	struct free_block *next;
};

static struct heap_pages pages;
static struct free_block *free_lists[NCLASSES];
static struct heap_stats stats;
static spinlock_t heap_lock = SPINLOCK_INIT;

void heap_init(const struct heap_pages *src)
{
	pages = *src;
	for (int i = 0; i < NCLASSES; i++)
		free_lists[i] = NULL;
	stats = (struct heap_stats){ 0 };
}

static int class_for(size_t total)
{
	for (int c = 0; c < NCLASSES; c++)
		if (total <= (1u << (MIN_SHIFT + c)))
			return c;
	return -1;
}

static uint64_t large_pages(uint64_t size)
{
	return (size + sizeof(struct block) + HEAP_PAGE - 1) / HEAP_PAGE;
}

/* Splits a fresh page into free blocks of class c. */
static int refill(int c)
{
	uint32_t bsize = 1u << (MIN_SHIFT + c);
	uint8_t *page = pages.alloc(1);

	if (!page)
		return 0;
	stats.pages++;
	for (uint32_t off = 0; off + bsize <= HEAP_PAGE; off += bsize) {
		struct free_block *b = (struct free_block *)(page + off);

		b->hdr = (struct block){ MAGIC_FREE, (uint32_t)c, 0 };
		b->next = free_lists[c];
		free_lists[c] = b;
	}
	return 1;
}

static struct block *alloc_locked(size_t size)
{
	int c = class_for(size + sizeof(struct block));

	if (c < 0) {
		uint64_t n = large_pages(size);
		struct block *b = pages.alloc(n);

		if (b)
			stats.pages += n;
		return b;
	}
	if (!free_lists[c] && !refill(c))
		return NULL;
	struct free_block *f = free_lists[c];
	free_lists[c] = f->next;
	return &f->hdr;
}

void *kmalloc(size_t size)
{
	if (size == 0)
		return NULL;
	unsigned long fl = spin_lock_irqsave(&heap_lock);
	/* a size this large can never be met (and would overflow below), but it is a failure too */
	struct block *b = size > UINT64_MAX / 2 ? NULL : alloc_locked(size);

	if (b) {
		int c = class_for(size + sizeof(struct block));

		*b = (struct block){ MAGIC_USED, c < 0 ? CLASS_LARGE : (uint32_t)c, size };
		stats.allocs++;
		stats.bytes_in_use += size;
	} else {
		stats.failed++;
	}
	spin_unlock_irqrestore(&heap_lock, fl);
	return b ? b + 1 : NULL;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *p)
{
	if (!p)
		return;
	struct block *b = (struct block *)p - 1;
	unsigned long fl = spin_lock_irqsave(&heap_lock);

	if (((uintptr_t)p & 15) || b->magic != MAGIC_USED ||
	    (b->cls != CLASS_LARGE && b->cls >= NCLASSES)) {
		stats.bad_frees++;
	} else {
		stats.frees++;
		stats.bytes_in_use -= b->size;
		b->magic = MAGIC_FREE;
		if (b->cls == CLASS_LARGE) {
			uint64_t n = large_pages(b->size);

			stats.pages -= n;
			pages.free(b, n);
		} else {
			struct free_block *f = (struct free_block *)b;

			f->next = free_lists[b->cls];
			free_lists[b->cls] = f;
		}
	}
	spin_unlock_irqrestore(&heap_lock, fl);
}

void heap_get_stats(struct heap_stats *st)
{
	unsigned long fl = spin_lock_irqsave(&heap_lock);

	*st = stats;
	spin_unlock_irqrestore(&heap_lock, fl);
}
