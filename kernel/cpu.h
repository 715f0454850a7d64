/* Per-CPU data: the kernel's struct cpu (run queue, timers, event channels, IPIs) around the arch part. */
#ifndef KERNEL_CPU_H
#define KERNEL_CPU_H

#include <stdint.h>
#include "arch/x86/cpu_arch.h"
#include "arch/x86/spinlock.h"
#include "kernel/timerq.h"

/* CPUs the kernel can run: index 0 is the boot CPU; the scheduler's idle mask is one u64 */
#define CPU_MAX 64
_Static_assert(CPU_MAX <= ARCH_CPU_MAX, "the arch reserves tables for fewer CPUs");

struct thread;

/* what smp_call runs on another CPU, one request at a time per target */
struct cpu_call {
	void (*fn)(void *arg);
	void *arg;
	int done;
};

struct cpu {
	struct cpu *self; /* first: this_cpu() loads it from %gs:0 */
	unsigned index;	  /* 0 is the boot CPU */
	uint32_t vcpu_id; /* Xen's vCPU id, the argument of VCPUOP_* (the MADT processor UID) */
	struct thread *current, *idle;
	struct thread *prev; /* during a switch: the thread being left */
	uint64_t upcalls;    /* event-channel upcalls taken */
	int online;	     /* running the scheduler (atomic) */
	int offline_req;     /* asked to go offline (atomic; VCPUOP_down at the next idle) */
	int rq_closed;	     /* its run queue takes no threads (offline; kernel/sched.c) */
	int restart;	     /* offline across a restore: VCPUOP_initialise again to online it */

	uint32_t ipi_port; /* event channel bound with EVTCHNOP_bind_ipi to this vCPU */
	/* spinlock slow path (kernel/spinlock_pv.c): a masked IPI port polled while asleep, and what for */
	uint32_t kick_port;
	uint64_t pv_wait; /* lock address | ticket << 48 while asleep for it, else 0 */

	/* IPIs (kernel/ipi.c): pending work flags and the remote-call slot */
	uint32_t ipi_pending;
	uint64_t ipis;
	spinlock_t call_lock; /* serialises callers of this CPU's slot */
	struct cpu_call *call;

	/* one-shot timers of this CPU (kernel/timer.c) */
	spinlock_t timer_lock;
	struct timerq timers;
	struct timer *timer_running; /* whose callback runs now, with timer_lock dropped */
	uint64_t timer_irqs;
	uint32_t timer_port;

	/* the run queue (kernel/sched.c): threads waiting for this CPU, under rq_lock */
	spinlock_t rq_lock;
	struct thread *rq_head, *rq_tail;
	struct thread *post_migrate; /* left behind by a switch: to another CPU's queue */
	struct thread *post_wake;    /* a joiner to wake once the switch is done */
	uint64_t switches, steals;

	uint64_t boot_ticks; /* TSC ticks from "start" to "arrived" (APs, kernel/smp.c) */

	/* descriptor tables, APIC id, Xen's vcpu_info: the arch's (arch/x86/cpu_arch.h) */
	struct cpu_arch arch;
};

extern struct cpu cpus[CPU_MAX];
/* CPUs with a struct set up (index < cpu_count), online or not */
extern unsigned cpu_count;

static inline struct cpu *this_cpu(void)
{
	return (struct cpu *)arch_cpu_self();
}

/* Points GS at cpus[index]; must run on each CPU before anything uses this_cpu(). */
void percpu_init(unsigned index, uint32_t vcpu_id);
/* The CPU whose Xen vCPU id is vcpu_id, or NULL. */
struct cpu *cpu_by_vcpu(uint32_t vcpu_id);

#endif
