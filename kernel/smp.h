/* SMP policy: which CPUs to start (ACPI MADT, maxcpus=), IPIs and remote calls, offline/online. */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

#include <stdint.h>

struct cpu;

struct smp_stats {
	unsigned possible;	   /* processor entries in the MADT */
	unsigned disabled;	   /* ... not enabled at boot (not started) */
	unsigned online;	   /* CPUs running, the boot CPU included */
	unsigned failed;	   /* APs that did not start or never arrived */
	unsigned over_limit;	   /* enabled APs beyond CPU_MAX or maxcpus= */
	unsigned acpi_errors;	   /* no RSDP/MADT, or a broken one */
	unsigned bad_apic_id;	   /* without Xen: an APIC id given twice or beyond the APIC mode */
	unsigned vcpu_id_mismatch; /* CPUID's vCPU id differed from the MADT UID */
	uint64_t bringup_ticks;	   /* TSC ticks spent starting APs, summed */
};
extern struct smp_stats smp_stats;

/* Finds the CPUs (ACPI MADT) and starts the enabled ones; after sched_init. Always 0. */
int smp_init(void);

/* Runs fn(arg) on CPU index with interrupts off and waits for it: 0, -ENODEV, -ETIMEDOUT. */
int smp_call(unsigned index, void (*fn)(void *), void *arg);
/* Wakes CPU c (from its idle halt) to look at the run queue. */
void smp_kick(struct cpu *c);
/* Makes CPU c run its timer queue (timers were moved onto it). */
void smp_timer_kick(struct cpu *c);

/* Xen only: VCPUOP_down / VCPUOP_up of an AP (never CPU 0); 0 or a negative errno. */
int smp_cpu_down(unsigned index);
int smp_cpu_up(unsigned index);
/* 1 up, 0 down (VCPUOP_is_up on Xen), or a negative errno. */
int smp_cpu_is_up(unsigned index);
/* In the idle loop of a CPU asked to go offline. */
void smp_offline_self(void);

#endif
