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
static uint64_t table_pages;	  /* tables taken from it (the boot tables are in the image) */

uint64_t paging_table_pages(void)
{
	return __atomic_load_n(&table_pages, __ATOMIC_RELAXED);
}

static void *count_table(void *p)
{
	__atomic_add_fetch(&table_pages, 1, __ATOMIC_RELAXED);
	return p;
}

uint64_t paging_mapped_top(void)
{
	return mapped_top;
}

static uint64_t *table_alloc(void)
{
	return memset(count_table(table_page()), 0, PAGE_SIZE);
}

/* A new table whose 512 entries the caller writes all: not cleared first. */
static uint64_t *new_full_table(uint64_t *entry)
{
	uint64_t *t = count_table(table_page());

	*entry = (uintptr_t)t | PTE_P | PTE_W;
	return t;
}

/* The table the entry points to, created on first use. */
static uint64_t *next_table(uint64_t *entry)
{
	if (!(*entry & PTE_P))
		*entry = (uintptr_t)table_alloc() | PTE_P | PTE_W;
	return (uint64_t *)(uintptr_t)(*entry & PTE_ADDR);
}

/* Gives the pages of [lo, hi) inside the 2 MiB page at a the flags f (0: not mapped). */
static void small_range(uint64_t *pt, uint64_t a, uint64_t lo, uint64_t hi, uint64_t f)
{
	lo = lo > a ? lo : a;
	hi = hi < a + SZ_2M ? hi : a + SZ_2M;
	for (; lo < hi; lo += PAGE_SIZE)
		pt[(lo - a) / PAGE_SIZE] = f ? lo | f : 0;
}

/* The 2 MiB page at a, part of the low region that holds the image, in 4 KiB pages. */
static void map_small(uint64_t *pde, uint64_t a)
{
	uint64_t *pt = new_full_table(pde), guard = (uintptr_t)boot_stack_guard;

	/* data by default, then the image's text and rodata, then the holes */
	small_range(pt, a, a, a + SZ_2M, PTE_P | PTE_W | nx);
	small_range(pt, a, (uintptr_t)_image_start, (uintptr_t)_etext, PTE_P);
	small_range(pt, a, (uintptr_t)__rodata_start, (uintptr_t)__rodata_end, PTE_P | nx);
	small_range(pt, a, 0, PAGE_SIZE, 0);		 /* null pointers fault */
	small_range(pt, a, guard, guard + PAGE_SIZE, 0); /* and boot-stack overflows */
}

/* The GiB at g: one 1 GiB page where the CPU has them and no 4 KiB page is needed, else 2 MiB pages. */
static void map_gib(uint64_t *pml4, uint64_t g, uint64_t low_end)
{
	uint64_t *pdpt = next_table(&pml4[(g >> 39) & 511]), *pdpte = &pdpt[(g >> 30) & 511];

	if (huge_1g && g >= low_end) {
		*pdpte = g | PTE_P | PTE_W | PTE_PS | nx;
		return;
	}
	uint64_t *pd = new_full_table(pdpte);
	for (uint64_t i = 0, a = g; i < 512; i++, a += SZ_2M) {
		if (a < low_end)
			map_small(&pd[i], a);
		else
			pd[i] = a | PTE_P | PTE_W | PTE_PS | nx;
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
	for (uint64_t g = 0; g < top; g += SZ_1G)
		map_gib(pml4, g, low_end);
	write_cr3((uintptr_t)pml4);
	mapped_top = top;
	return (nx ? PAGING_HAS_NX : 0) | (huge_1g ? PAGING_HAS_1G : 0);
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
