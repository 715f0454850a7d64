/* Per-CPU data, reached through the GS base so each CPU finds its own without knowing its index. */
#ifndef ARCH_X86_PERCPU_H
#define ARCH_X86_PERCPU_H

#include <stdint.h>

#define CPU_MAX 64
#define MSR_GS_BASE 0xc0000101

struct thread;

struct cpu {
	struct cpu *self; /* first: this_cpu() loads it from %gs:0 */
	unsigned index;	  /* 0 is the boot CPU */
	uint32_t vcpu_id; /* Xen's vCPU id, the argument of VCPUOP_* */
	struct thread *current, *idle;
	struct thread *prev; /* during a switch: the thread being left */
	uint64_t upcalls; /* event-channel upcalls taken */
};

extern struct cpu cpus[CPU_MAX];

static inline struct cpu *this_cpu(void)
{
	struct cpu *c;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(c));
	return c;
}

/* Points GS at cpus[index]; must run on each CPU before anything uses this_cpu(). */
void percpu_init(unsigned index, uint32_t vcpu_id);

#endif
