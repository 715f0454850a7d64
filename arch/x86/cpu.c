/*
 * CPU set-up: a GDT with a TSS per CPU (separate stacks for #DF, NMI and #MC, each above an
 * unmapped guard page) and SSE/FPU. The boot CPU starts on static tables, before there is any
 * memory to allocate from, and gets its guarded IST stacks once there is.
 */
#include <stddef.h>
#include <stdint.h>
#include "arch/x86/cpu.h"
#include "arch/x86/cpu_arch.h"
#include "arch/x86/desc.h"
#include "base/errno.h"

#define BOOT_IST_SIZE 8192

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
static struct cpu_desc ap_desc[ARCH_CPU_MAX - 1];

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

void cpu_init(struct cpu_arch *boot)
{
	desc_fill(&boot_desc);
	for (int i = 0; i < 3; i++)
		boot_desc.tss.ist[i] = (uintptr_t)boot_ist[i] + BOOT_IST_SIZE;
	boot->gdt = boot_desc.gdt;
	boot->tss = &boot_desc.tss;
	gdt_load(&boot_desc);
	sse_enable();
}

void cpu_ist_set(struct cpu_arch *a, const uint64_t top[3])
{
	struct tss64 *tss = a->tss;

	/* a CPU's own TSS: it takes the new stacks at its next #DF, NMI or #MC */
	for (int i = 0; i < 3; i++)
		tss->ist[i] = top[i];
}

int cpu_prepare(struct cpu_arch *a, unsigned index)
{
	struct cpu_desc *d;

	if (index == 0 || index >= ARCH_CPU_MAX)
		return -EINVAL;
	if (a->gdt) {
		/*
		 * A CPU brought up again keeps its tables and stacks. Its last ltr marked the TSS
		 * descriptor busy (type 0xB), and ltr of a busy TSS faults: available (0x9) again.
		 */
		a->gdt[GDT_TSS / 8] &= ~(0x2ull << 40);
		return 1;
	}
	d = &ap_desc[index - 1];
	desc_fill(d);
	a->gdt = d->gdt;
	a->tss = &d->tss;
	return 0;
}

void cpu_init_ap(struct cpu_arch *a)
{
	gdt_load((struct cpu_desc *)a->gdt);
	sse_enable();
}
