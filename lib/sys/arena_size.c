/* How many of the free pages the C library's arena takes at its first use, and how many the kernel keeps (lib/sys/brk.c). */
#include "lib/sys/sys.h"

/* the kernel keeps an eighth of RAM, at least 4 MiB where there is more */
#define KERNEL_RESERVE_MIN_PAGES 1024ull

/*
 * The kernel's reserve (thread stacks, driver rings and buffers, its heap) is an eighth of RAM
 * and at least 4 MiB, but never more than half of what is free: a small domain splits its free
 * pages evenly. The cap must hold at every size, not only below the 4 MiB floor: with the floor
 * alone, a domain with just over 4 MiB free left the arena a few pages (apps/net at 5 MiB got
 * about 70 KiB, lwIP could allocate nothing and the guest answered no packet while 4 and 6 MiB
 * served), so the arena now grows with the free pages, never shrinks as they grow.
 */
uint64_t sys_arena_pages(uint64_t total_pages, uint64_t free_pages)
{
	uint64_t reserve = total_pages / 8;

	if (reserve < KERNEL_RESERVE_MIN_PAGES)
		reserve = KERNEL_RESERVE_MIN_PAGES;
	if (reserve > free_pages / 2)
		reserve = free_pages / 2;
	return free_pages - reserve;
}
