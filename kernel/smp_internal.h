/* What the SMP files (smp.c, smp_discover.c, ipi.c, cpu_hotplug.c) share among themselves. */
#ifndef KERNEL_SMP_INTERNAL_H
#define KERNEL_SMP_INTERNAL_H

#include <stdint.h>

struct cpu;

#define CPU_SPARE_MAX 64 /* = CPU_MAX: a vCPU id in the MADT but not enabled, that many at most */

#define AP_ARRIVE_TIMEOUT_US 5000000ull /* a slow rig runs 40 vCPUs on 2 CPUs */
#define AP_STACK_PAGES	     4

/* an AP's stacks, each above a guard page: its boot (then idle) stack and its IST stacks */
struct ap_stacks {
	uint64_t top;
	uint64_t ist[3];
};

/* A vCPU the MADT lists but not enabled: `xl vcpu-set` may add it later (kernel/cpu_hotadd.c). */
struct smp_spare {
	uint32_t vcpu_id, apic_id;
	struct ap_stacks stacks;
};
extern struct smp_spare smp_spares[CPU_SPARE_MAX];
extern unsigned smp_nspares;
/* Stacks for every spare (at boot, before the first AP starts). */
void smp_spares_prepare(void);

/* what an IPI asks of its target (struct cpu's ipi_pending bits) */
#define IPI_RESCHED 0x1
#define IPI_CALL    0x2
#define IPI_TIMER   0x4

/* IPIs are event channels (Xen) rather than LAPIC vectors */
extern int smp_evtchn_ipi;

/* Fills cpus[] from the ACPI MADT (index 0 is this CPU); the number of CPUs to start. */
unsigned smp_discover(void);
/* 0 or -ENOMEM. */
int smp_stacks_alloc(struct ap_stacks *s);
/*
 * An offline AP whose vCPU context a new domain does not have (Xen saves no context of a vCPU
 * that is down; kernel/suspend.c marks it restart): started afresh at its own stacks.
 */
int smp_restart_ap(struct cpu *c);
/* Sets c up, starts it and waits for it to arrive (c->online): 0 or a negative errno. */
int smp_start_ap(struct cpu *c, const struct ap_stacks *s);
/* Spins until *flag == want or timeout_us passed: 0 or -ETIMEDOUT. Yields the vCPU on Xen. */
int smp_wait_flag(const int *flag, int want, uint64_t timeout_us);

/* c's IPI event channel and spinlock kick port (Xen), on c itself or before it starts. */
void ipi_cpu_init(struct cpu *c);
/* The LAPIC IPI vector's handler (no Xen). */
void ipi_vector(void *arg);
/* Sets what in c's pending IPI work and interrupts it. */
void ipi_send(struct cpu *c, uint32_t what);

#endif
