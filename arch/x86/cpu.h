/* Privileged x86 instructions as inline functions, and the CPU set-up entry points. */
#ifndef ARCH_X86_CPU_H
#define ARCH_X86_CPU_H

#include <stdint.h>

#define CR0_MP	       (1ul << 1)
#define CR0_EM	       (1ul << 2)
#define CR0_TS	       (1ul << 3)
#define CR0_WP	       (1ul << 16)
#define CR4_OSFXSR     (1ul << 9)
#define CR4_OSXMMEXCPT (1ul << 10)
#define MSR_EFER       0xc0000080
#define EFER_NXE       (1ul << 11)

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c,
			 uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

#define DEFINE_CR(n)                                                                               \
	static inline unsigned long read_cr##n(void)                                               \
	{                                                                                          \
		unsigned long v;                                                                   \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                                  \
		return v;                                                                          \
	}                                                                                          \
	static inline void write_cr##n(unsigned long v)                                            \
	{                                                                                          \
		__asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory");                         \
	}
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

/* This CPU's FPU/SSE state to and from a 512-byte area aligned to 16 (the FXSAVE format). */
static inline void fpu_save(uint8_t *area)
{
	__asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

static inline void fpu_restore(const uint8_t *area)
{
	__asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

static inline void invlpg(uintptr_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/* Stops this CPU for good. On Xen PVH, hlt with interrupts off takes the vCPU down. */
static inline __attribute__((noreturn)) void cpu_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

struct cpu_arch;
/* The boot CPU's GDT, TSS and FPU/SSE, on static tables. */
void cpu_init(struct cpu_arch *boot);
/* Gives a CPU's TSS its IST stacks (#DF, NMI, #MC): the tops of three guarded stacks. */
void cpu_ist_set(struct cpu_arch *a, const uint64_t top[3]);
/* On the boot CPU, before AP index starts: its GDT and TSS. 0, 1 (it has them already) or -errno. */
int cpu_prepare(struct cpu_arch *a, unsigned index);
/* On the AP itself: loads the tables cpu_prepare made, turns on FPU/SSE. */
void cpu_init_ap(struct cpu_arch *a);
/* Loads the (shared) IDT on this CPU. */
void traps_load(void);
void pic_disable(void);
void traps_init(void);
/*
 * The final identity map up to ram_top (at least 4 GiB), tables from alloc_page (which never
 * returns NULL: it is the kernel's to decide what running out means): 1 GiB pages where the CPU
 * has them, 4 KiB pages only around the image. Returns PAGING_HAS_* flags.
 */
int paging_init(uint64_t ram_top, void *(*alloc_page)(void));
#define PAGING_HAS_NX 1 /* data is mapped not executable */
#define PAGING_HAS_1G 2 /* the map uses 1 GiB pages */
/* everything below this address is identity-mapped */
uint64_t paging_mapped_top(void);
/* Page-table pages allocated at run time (for the memory report). */
uint64_t paging_table_pages(void);
/*
 * Sets one page's access on this CPU's tables (shared by all CPUs): PAGING_NONE unmaps it (a
 * guard page), PAGING_RW is data, PAGING_RWX a code page we write (the AP trampoline). Large
 * pages around it are split. Only this CPU's TLB is flushed: call before other CPUs use it.
 */
#define PAGING_NONE 0
#define PAGING_RW   1
#define PAGING_RWX  2
int paging_protect(uint64_t addr, int prot);

#endif
