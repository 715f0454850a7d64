/*
 * CPU set-up: a GDT with a TSS per CPU (separate stacks for #DF, NMI and #MC, each above an
 * unmapped guard page) and SSE/FPU. The boot CPU starts on static tables, before there is any
 * memory to allocate from, and gets its guarded IST stacks once there is.
 */
#include <stddef.h>
#include <stdint.h>
#include "arch/x86/cpu.h"
#include "arch/x86/desc.h"
#include "arch/x86/percpu.h"
#include "base/errno.h"
#include "kernel/pmem.h"

#define IST_STACK_PAGES 2
#define BOOT_IST_SIZE	8192

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss64) == 0x68, "TSS size");

/* the descriptor tables of one CPU */
struct cpu_desc {
	uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16)));
	struct tss64 tss __attribute__((aligned(16)));
};

static struct cpu_desc boot_desc;
static uint8_t boot_ist[3][BOOT_IST_SIZE] __attribute__((aligned(16)));
/* per-CPU tables for the APs: static, so bringing a CPU up needs no allocation for them */
static struct cpu_desc ap_desc[CPU_MAX - 1];

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static void desc_fill(struct cpu_desc *d)
{
	uint64_t base = (uintptr_t)&d->tss, limit = sizeof(d->tss) - 1;

	d->gdt[GDT_CODE / 8] = 0x00af9a000000ffffull;
	d->gdt[GDT_DATA / 8] = 0x00cf92000000ffffull;
	/* available 64-bit TSS: type 9, present */
	d->gdt[GDT_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
			      (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	d->gdt[GDT_TSS / 8 + 1] = base >> 32;
	d->tss.iomap_base = sizeof(d->tss);
}

static void gdt_load(struct cpu_desc *d)
{
	struct desc_ptr p = { sizeof(d->gdt) - 1, (uintptr_t)d->gdt };

	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "mov %2, %%ds\n\t"
			 "mov %2, %%es\n\t"
			 "mov %2, %%ss\n\t"
			 "ltr %w3"
			 :
			 : "m"(p), "i"(GDT_CODE), "r"(GDT_DATA), "r"(GDT_TSS)
			 : "rax", "memory");
}

static void sse_enable(void)
{
	/* libc's printf and strtod use SSE: no emulation, monitor on, FXSAVE and SIMD exceptions on */
	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	__asm__ volatile("fninit");
}

void cpu_init(void)
{
	desc_fill(&boot_desc);
	for (int i = 0; i < 3; i++)
		boot_desc.tss.ist[i] = (uintptr_t)boot_ist[i] + BOOT_IST_SIZE;
	cpus[0].gdt = boot_desc.gdt;
	cpus[0].tss = &boot_desc.tss;
	gdt_load(&boot_desc);
	sse_enable();
}

uint64_t stack_alloc_guarded(uint64_t pages)
{
	uint64_t base = (uintptr_t)page_alloc(pages + 1);

	if (!base)
		return 0;
	/* an overflow runs into the unmapped page below and faults instead of corrupting */
	paging_protect(base, PAGING_NONE);
	return base + (pages + 1) * PAGE_SIZE;
}

int cpu_ist_alloc(struct cpu *c)
{
	struct tss64 *tss = c->tss;
	uint64_t top[3];

	for (int i = 0; i < 3; i++)
		if (!(top[i] = stack_alloc_guarded(IST_STACK_PAGES)))
			return -ENOMEM;
	/* a CPU's own TSS: it takes the new stacks at its next #DF, NMI or #MC */
	for (int i = 0; i < 3; i++)
		tss->ist[i] = top[i];
	return 0;
}

int cpu_prepare(struct cpu *c)
{
	struct cpu_desc *d;

	if (c->index == 0 || c->index >= CPU_MAX)
		return -EINVAL;
	if (c->gdt)
		return 0; /* a CPU brought up again keeps its tables and stacks */
	d = &ap_desc[c->index - 1];
	desc_fill(d);
	c->gdt = d->gdt;
	c->tss = &d->tss;
	int r = cpu_ist_alloc(c);
	if (r)
		c->gdt = NULL;
	return r;
}

void cpu_init_ap(struct cpu *c)
{
	gdt_load((struct cpu_desc *)c->gdt);
	sse_enable();
}
