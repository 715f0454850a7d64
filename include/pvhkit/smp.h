/* CPUs for apps: how many, which one runs me, pinning, remote calls, offline/online, spinlocks. */
#ifndef PVHKIT_SMP_H
#define PVHKIT_SMP_H

#include <stddef.h>
#include <stdint.h>
#include <pvhkit/thread.h>

/*
 * CPUs the kernel set up (numbered 0 .. n-1; 0 is the boot CPU), online or not. It grows when
 * the toolstack (`xl vcpu-set`) brings online a vCPU that was never started; a CPU's number stays.
 */
unsigned pvh_cpu_count(void);
/* CPUs running now. */
unsigned pvh_cpu_online_count(void);
/* Bit i set: CPU i runs now (CPUs 0-63). */
uint64_t pvh_cpu_online_mask(void);
/*
 * Calls fn(online, arg) after every change of the set of online CPUs (`xl vcpu-set`,
 * pvh_cpu_offline/pvh_cpu_online) with the new count. fn runs in the thread that made the change:
 * keep it short (note it, wake a thread of yours) and change no CPU from it. 0, or -1 (full).
 * A thread pinned to a CPU that goes offline loses its pin (the console says so) and runs on.
 */
int pvh_cpu_on_change(void (*fn)(unsigned online, void *arg), void *arg);
/* The CPU the caller runs on (threads move between CPUs when they block or yield, unless pinned). */
unsigned pvh_cpu_self(void);

struct pvh_cpu_info {
	int online;
	uint32_t vcpu_id; /* Xen's vCPU id (the MADT processor UID) */
	uint32_t apic_id;
	uint64_t bringup_us; /* from the start request to the CPU's arrival (0 for CPU 0) */
	uint64_t ipis, upcalls, switches, timer_irqs;
};
/* 0, or -1 for a CPU that does not exist. */
int pvh_cpu_info(unsigned cpu, struct pvh_cpu_info *out);

struct pvh_smp_info {
	unsigned madt_cpus;	  /* processor entries in the ACPI MADT (0: no MADT) */
	unsigned madt_disabled;	  /* of them, not enabled at boot (not started) */
	unsigned failed;	  /* APs that did not come up */
	uint64_t tsc_hz;	  /* what the TSC counts per second (as the kernel believes) */
	int can_offline;	  /* pvh_cpu_offline works here (Xen's VCPUOP_down) */
	unsigned hotplug_refused; /* online/offline of the boot CPU or a vCPU not in the MADT */
	unsigned hotplug_failed;  /* online/offline requests that did not happen */
};
void pvh_smp_info(struct pvh_smp_info *out);

/* Like pvh_thread_create, the thread pinned to CPU cpu from its start; NULL for a bad or offline cpu. */
pvh_thread_t *pvh_thread_create_on(const char *name, void *(*fn)(void *), void *arg,
				   size_t stack_size, int cpu);
/* Pins t (NULL: the caller, which moves there at once) to cpu, or unpins it (-1): 0, or -1 (no
 * such CPU, or offline). */
int pvh_thread_pin(pvh_thread_t *t, int cpu);

/* Runs fn(arg) on CPU cpu in interrupt context (interrupts off: must not block) and waits. 0 or -1. */
int pvh_cpu_call(unsigned cpu, void (*fn)(void *), void *arg);

/* Takes CPU cpu (not 0, not the caller's own) offline (VCPUOP_down) or back (VCPUOP_up): 0, or -1. */
int pvh_cpu_offline(unsigned cpu);
int pvh_cpu_online(unsigned cpu);
/* What Xen says (VCPUOP_is_up): 1 up, 0 down, -1 unknown. */
int pvh_cpu_is_up(unsigned cpu);

/* The time-stamp counter of the calling CPU. */
uint64_t pvh_tsc(void);

/* A ticket spinlock (all zero is unlocked): for short sections only, interrupts stay on. */
typedef struct {
	uint32_t opaque;
} pvh_spinlock_t;
#define PVH_SPINLOCK_INIT                                                                          \
	{                                                                                          \
		0                                                                                  \
	}
void pvh_spin_lock(pvh_spinlock_t *l);
void pvh_spin_unlock(pvh_spinlock_t *l);

#endif
