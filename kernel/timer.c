/* The kernel's timer queue, armed with Xen's one-shot vCPU timer and run from VIRQ_TIMER. */
#include <stddef.h>
#include "arch/x86/hypercall.h"
#include "arch/x86/percpu.h"
#include "arch/x86/spinlock.h"
#include "kernel/errno.h"
#include "kernel/evtchn.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/timer.h"

static struct timerq queue;
static spinlock_t timer_lock = SPINLOCK_INIT;
static uint64_t irqs;
static int ready;

/* Called with timer_lock held. A deadline already past fires at once (no VCPU_SSHOTTMR_future). */
static void program(void)
{
	uint64_t next = timerq_next(&queue);

	if (next == UINT64_MAX) {
		HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, this_cpu()->vcpu_id, NULL);
		return;
	}
	struct vcpu_set_singleshot_timer st = { .timeout_abs_ns = next, .flags = 0 };
	HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, this_cpu()->vcpu_id, &st);
}

static void timer_virq(evtchn_port_t port, void *arg)
{
	unsigned long f = spin_lock_irqsave(&timer_lock);
	struct timer *t;

	(void)port;
	(void)arg;
	irqs++;
	while ((t = timerq_pop_expired(&queue, time_monotonic_ns()))) {
		/* the lock is dropped around the callback so it may re-arm timers */
		spin_unlock_irqrestore(&timer_lock, f);
		t->fn(t);
		f = spin_lock_irqsave(&timer_lock);
	}
	program();
	spin_unlock_irqrestore(&timer_lock, f);
}

int timer_init(void)
{
	evtchn_port_t port;

	if (!time_available() || !evtchn_available())
		return -ENODEV;
	/* Xen may run a periodic tick for the vCPU: we only want the one-shot timer */
	HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, this_cpu()->vcpu_id, NULL);
	int r = evtchn_bind_virq(VIRQ_TIMER, this_cpu()->vcpu_id, &port);
	if (!r)
		r = evtchn_bind(port, timer_virq, NULL);
	if (r)
		return r;
	ready = 1;
	return 0;
}

void timer_add(struct timer *t)
{
	unsigned long f = spin_lock_irqsave(&timer_lock);

	timerq_add(&queue, t);
	if (ready && queue.head == t)
		program();
	spin_unlock_irqrestore(&timer_lock, f);
}

int timer_cancel(struct timer *t)
{
	unsigned long f = spin_lock_irqsave(&timer_lock);
	int r = timerq_remove(&queue, t);

	spin_unlock_irqrestore(&timer_lock, f);
	return r;
}

uint64_t timer_irqs(void)
{
	return __atomic_load_n(&irqs, __ATOMIC_RELAXED);
}
