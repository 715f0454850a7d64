/*
 * One-shot timers, one queue per CPU: each CPU arms its own vCPU's VCPUOP_set_singleshot_timer
 * (Xen only lets a vCPU arm its own) and runs its queue from its own VIRQ_TIMER. timer_add puts
 * a timer on the calling CPU's queue; the timer remembers which, so any CPU can cancel it.
 */
#include <stddef.h>
#include "arch/x86/cpu.h"
#include "arch/x86/hypercall.h"
#include "arch/x86/spinlock.h"
#include "base/errno.h"
#include "kernel/cpu.h"
#include "kernel/evtchn.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/time.h"
#include "kernel/timer.h"

static int ready;

/* Called on c itself with c->timer_lock held. A deadline already past fires at once. */
static void program(struct cpu *c)
{
	uint64_t next = timerq_next(&c->timers);

	if (next == UINT64_MAX) {
		HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, c->vcpu_id, NULL);
		return;
	}
	struct vcpu_set_singleshot_timer st = { .timeout_abs_ns = time_to_xen_ns(next),
						.flags = 0 };
	HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, c->vcpu_id, &st);
}

/* Runs what expired on this CPU's queue and re-arms it: from VIRQ_TIMER, or an IPI. */
void timer_poke(void)
{
	struct cpu *c = this_cpu();
	unsigned long f = spin_lock_irqsave(&c->timer_lock);
	struct timer *t;

	while ((t = timerq_pop_expired(&c->timers, time_monotonic_ns()))) {
		/* the lock is dropped around the callback so it may re-arm timers */
		c->timer_running = t;
		spin_unlock_irqrestore(&c->timer_lock, f);
		t->fn(t);
		f = spin_lock_irqsave(&c->timer_lock);
		__atomic_store_n(&c->timer_running, NULL, __ATOMIC_RELEASE);
	}
	if (ready)
		program(c);
	spin_unlock_irqrestore(&c->timer_lock, f);
}

static void timer_virq(evtchn_port_t port, void *arg)
{
	(void)port;
	(void)arg;
	this_cpu()->timer_irqs++;
	timer_poke();
}

int timer_cpu_init(void)
{
	struct cpu *c = this_cpu();
	evtchn_port_t port;

	/* Xen may run a periodic tick for the vCPU: we only want the one-shot timer */
	HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, c->vcpu_id, NULL);
	int r = evtchn_bind_virq(VIRQ_TIMER, c->vcpu_id, &port);
	if (!r)
		r = evtchn_bind(port, timer_virq, NULL);
	if (r)
		pr_err("timer: CPU %u: VIRQ_TIMER not bound (%d)\n", c->index, r);
	else
		c->timer_port = port;
	return r;
}

int timer_init(void)
{
	if (!time_available() || !evtchn_available())
		return -ENODEV;
	int r = timer_cpu_init();
	if (r)
		return r;
	ready = 1;
	return 0;
}

void timer_add(struct timer *t)
{
	struct cpu *c = this_cpu();

	/* a queued timer moves: off its old CPU's queue first */
	timer_cancel(t);
	unsigned long f = spin_lock_irqsave(&c->timer_lock);
	t->owner = c;
	timerq_add(&c->timers, t);
	if (ready && c->timers.head == t)
		program(c);
	spin_unlock_irqrestore(&c->timer_lock, f);
}

int timer_cancel(struct timer *t)
{
	for (;;) {
		struct cpu *c = __atomic_load_n((struct cpu **)&t->owner, __ATOMIC_ACQUIRE);

		if (!c)
			return 0;
		unsigned long f = spin_lock_irqsave(&c->timer_lock);
		if (t->owner != c) {
			/* moved meanwhile (offline migration): look again */
			spin_unlock_irqrestore(&c->timer_lock, f);
			continue;
		}
		int r = timerq_remove(&c->timers, t);
		/* its callback may be running on c: wait, unless that is us (a callback cancelling itself) */
		int wait = !r && __atomic_load_n(&c->timer_running, __ATOMIC_ACQUIRE) == t &&
			   c != this_cpu();
		spin_unlock_irqrestore(&c->timer_lock, f);
		while (wait && __atomic_load_n(&c->timer_running, __ATOMIC_ACQUIRE) == t)
			cpu_relax();
		return r;
	}
}

void timer_cpu_offline(struct cpu *c)
{
	struct cpu *to = &cpus[0];
	struct timer *t;

	if (c == to)
		return;
	unsigned long f = spin_lock_irqsave(&c->timer_lock);
	HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, c->vcpu_id, NULL);
	spin_lock(&to->timer_lock);
	while ((t = timerq_pop_expired(&c->timers, UINT64_MAX))) {
		t->owner = to;
		timerq_add(&to->timers, t);
	}
	spin_unlock(&to->timer_lock);
	spin_unlock_irqrestore(&c->timer_lock, f);
	/* the boot CPU arms its own timer for what it inherited */
	smp_timer_kick(to);
}

uint64_t timer_irqs(void)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < cpu_count; i++)
		n += __atomic_load_n(&cpus[i].timer_irqs, __ATOMIC_RELAXED);
	return n;
}
