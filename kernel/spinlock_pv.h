/* Set-up of the paravirtual spinlock slow path (kernel/spinlock_pv.c) for one CPU. */
#ifndef KERNEL_SPINLOCK_PV_H
#define KERNEL_SPINLOCK_PV_H

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
