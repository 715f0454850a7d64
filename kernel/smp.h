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
	unsigned
	    hotplug_refused; /* online/offline asked of the boot CPU or of a vCPU not in the MADT */
	unsigned hotplug_failed; /* online/offline that did not happen (timeout, no memory, Xen) */
};
extern struct smp_stats smp_stats;

/* Finds the CPUs (ACPI MADT) and starts the enabled ones; after sched_init. Always 0. */
int smp_init(void);

/* Runs fn(arg) on CPU index with interrupts off and waits for it: 0, -ENODEV, -ETIMEDOUT. */
int smp_call(unsigned index, void (*fn)(void *), void *arg);
struct cpu_call;
/*
 * Hands call to CPU index (another CPU) and returns once it took it, not when it is done
 * (call->done says that): for a function that runs long there, as suspend's parking does.
 * 0, -ENODEV, -ETIMEDOUT (the target never took it; the request was taken back).
 */
int smp_call_nowait(unsigned index, struct cpu_call *call);
/* Wakes CPU c (from its idle halt) to look at the run queue. */
void smp_kick(struct cpu *c);
/* Makes CPU c run its timer queue (timers were moved onto it). */
void smp_timer_kick(struct cpu *c);

/* CPUs the kernel may run at most (CPU_MAX, or less by maxcpus=). */
extern unsigned smp_cpu_limit;

/*
 * Xen only: VCPUOP_down / VCPUOP_up of an AP (never CPU 0, never the caller's own: -EBUSY);
 * 0 or a negative errno. One change at a time; the smp_on_change hooks run after it.
 */
int smp_cpu_down(unsigned index);
int smp_cpu_up(unsigned index);
/*
 * What the toolstack asks through cpu/N/availability: vCPU vcpu_id online (started if it never
 * was, kernel/cpu_hotadd.c) or offline. Refused with a message (and smp_stats.hotplug_refused):
 * the boot CPU offline (-EPERM), a vCPU the MADT does not list (-ENOENT).
 */
int smp_vcpu_set(uint32_t vcpu_id, int online);
/* vCPU vcpu_id: 1 online, 0 not (offline or never started), -ENOENT not in the MADT. */
int smp_vcpu_state(uint32_t vcpu_id);
/* The MADT lists vcpu_id (started or not). */
int smp_vcpu_known(uint32_t vcpu_id);
/* Starts a vCPU the MADT lists but that was never started (kernel/cpu_hotadd.c); with the lock held. */
int smp_hotadd(uint32_t vcpu_id);
/* Registers fn, called (in the changer's thread) with the new online count after a change. */
int smp_on_change(void (*fn)(unsigned online, void *arg), void *arg);
/* CPUs running now. */
unsigned smp_online_count(void);
/* Bit i: CPU i online. For suspend/resume: the set before, then brought back (first error or 0). */
uint64_t smp_online_mask(void);
int smp_online_restore(uint64_t mask);
/* 1 up, 0 down (VCPUOP_is_up on Xen), or a negative errno. */
int smp_cpu_is_up(unsigned index);
/* In the idle loop of a CPU asked to go offline. */
void smp_offline_self(void);

#endif
