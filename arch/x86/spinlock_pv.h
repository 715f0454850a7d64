/* Set-up of the paravirtual spinlock slow path (arch/x86/spinlock_pv.c) for one CPU. */
#ifndef ARCH_X86_SPINLOCK_PV_H
#define ARCH_X86_SPINLOCK_PV_H

#include <stdint.h>

struct cpu;

/* counted since boot: waits that went to sleep, polls made, kicks sent, yields (no kick port) */
struct spin_pv_stats {
	uint64_t slow, polls, kicks, yields;
};
extern struct spin_pv_stats spin_pv_stats;

/* Binds c's kick port (Xen only; without it c's waiters keep spinning and yielding). */
void spin_pv_cpu_init(struct cpu *c);

#endif
