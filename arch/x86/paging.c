/* The kernel's final identity map: W^X for the image, a hole at page 0 and under the boot stack. */
#include <stdint.h>
#include "arch/x86/cpu.h"
#include "arch/x86/spinlock.h"
#include "base/string.h"

#define PTE_P	  (1ull << 0)
#define PTE_W	  (1ull << 1)
#define PTE_PS	  (1ull << 7)
#define PTE_NX	  (1ull << 63)
#define PTE_ADDR  0x000ffffffffff000ull
#define SZ_2M	  (2ull << 20)
#define SZ_1G	  (1ull << 30)
#define SZ_4G	  (4ull << 30)
#define PAGE_SIZE 4096ul

extern char _image_start[], _etext[], __rodata_start[], __rodata_end[], _end[];
extern char boot_stack_guard[];
extern uint32_t boot_efer_nx;

static uint64_t mapped_top = SZ_4G; /* what boot.S mapped */
static spinlock_t paging_lock = SPINLOCK_INIT;
static uint64_t nx;
static int huge_1g;		  /* the CPU has 1 GiB pages */
static void *(*table_page)(void); /* the kernel's: a page, never NULL */

uint64_t paging_mapped_top(void)
{
	return mapped_top;
}

static uint64_t *table_alloc(void)
{
	uint64_t *t = table_page();

	memset(t, 0, PAGE_SIZE);
	return t;
}

/* The table the entry points to, created on first use. */
static uint64_t *next_table(uint64_t *entry)
{
	if (!(*entry & PTE_P))
		*entry = (uintptr_t)table_alloc() | PTE_P | PTE_W;
	return (uint64_t *)(uintptr_t)(*entry & PTE_ADDR);
}

/* Permissions of one 4 KiB page of the low region that holds the image. */
static uint64_t small_page_flags(uint64_t a)
{
	if (a == 0 || a == (uintptr_t)boot_stack_guard)
		return 0; /* null pointers and boot-stack overflows fault */
	if (a >= (uintptr_t)_image_start && a < (uintptr_t)_etext)
		return PTE_P;
	if (a >= (uintptr_t)__rodata_start && a < (uintptr_t)__rodata_end)
		return PTE_P | nx;
	return PTE_P | PTE_W | nx;
}

/* Maps the 1 GiB at a with one entry; returns 0 when it must be split into 2 MiB pages. */
static int map_1g(uint64_t *pml4, uint64_t a, uint64_t low_end)
{
	if (!huge_1g || a < low_end)
		return 0;
	uint64_t *pdpt = next_table(&pml4[(a >> 39) & 511]);
	pdpt[(a >> 30) & 511] = a | PTE_P | PTE_W | PTE_PS | nx;
	return 1;
}

static void map_2m(uint64_t *pml4, uint64_t a, uint64_t low_end)
{
	uint64_t *pdpt = next_table(&pml4[(a >> 39) & 511]);
	uint64_t *pd = next_table(&pdpt[(a >> 30) & 511]);
	uint64_t *pde = &pd[(a >> 21) & 511];

	if (a >= low_end) {
		*pde = a | PTE_P | PTE_W | PTE_PS | nx;
		return;
	}
	uint64_t *pt = next_table(pde);
	for (int i = 0; i < 512; i++) {
		uint64_t p = a + (uint64_t)i * PAGE_SIZE;
		uint64_t f = small_page_flags(p);

		pt[i] = f ? p | f : 0;
	}
}

int paging_init(uint64_t ram_top, void *(*alloc_page)(void))
{
	uint64_t top = ram_top > SZ_4G ? (ram_top + SZ_1G - 1) & ~(SZ_1G - 1) : SZ_4G;
	uint64_t low_end = ((uintptr_t)_end + SZ_2M - 1) & ~(SZ_2M - 1);
	uint64_t *pml4;

	uint32_t eax, ebx, ecx, edx;

	cpuid(0x80000001, 0, &eax, &ebx, &ecx, &edx);
	huge_1g = (edx >> 26) & 1;
	nx = boot_efer_nx ? PTE_NX : 0;
	table_page = alloc_page;
	pml4 = table_alloc();
	for (uint64_t g = 0; g < top; g += SZ_1G) {
		if (map_1g(pml4, g, low_end))
			continue;
		for (uint64_t a = g; a < g + SZ_1G; a += SZ_2M)
			map_2m(pml4, a, low_end);
	}
	write_cr3((uintptr_t)pml4);
	mapped_top = top;
	return nx != 0;
}

/*
 * The 4 KiB entry mapping addr, after splitting the 1 GiB or 2 MiB page that covers it into
 * pages of the next size with the same permissions (so the rest of the range is unchanged).
 */
static uint64_t *pte_for(uint64_t addr)
{
	uint64_t *t = (uint64_t *)(uintptr_t)(read_cr3() & PTE_ADDR);

	for (int shift = 39; shift > 12; shift -= 9) {
		uint64_t *e = &t[(addr >> shift) & 511];

		if (!(*e & PTE_P))
			return NULL;
		if (*e & PTE_PS) {
			uint64_t *n = table_alloc(), base = *e & PTE_ADDR & ~((1ull << shift) - 1);
			uint64_t flags = *e & (PTE_P | PTE_W | PTE_NX), step = 1ull << (shift - 9);

			for (int i = 0; i < 512; i++)
				n[i] = (base + i * step) | flags | (shift - 9 > 12 ? PTE_PS : 0);
			*e = (uintptr_t)n | PTE_P | PTE_W;
		}
		t = (uint64_t *)(uintptr_t)(*e & PTE_ADDR);
	}
	return &t[(addr >> 12) & 511];
}

int paging_protect(uint64_t addr, int prot)
{
	unsigned long f = spin_lock_irqsave(&paging_lock);
	uint64_t *pte = addr & (PAGE_SIZE - 1) ? NULL : pte_for(addr);

	if (pte) {
		uint64_t v = addr | PTE_P | PTE_W | nx;

		if (prot == PAGING_NONE)
			v = 0;
		else if (prot == PAGING_RWX)
			v = addr | PTE_P | PTE_W;
		*pte = v;
		/* the table walk may still hold the old large page: flush it all from this CPU */
		write_cr3(read_cr3());
	}
	spin_unlock_irqrestore(&paging_lock, f);
	return pte ? 0 : -1;
}
