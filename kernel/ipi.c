/*
 * Interprocessor interrupts and remote calls. On Xen an IPI is an event channel bound to the
 * target vCPU with EVTCHNOP_bind_ipi; without Xen it is a LAPIC fixed interrupt. Either way the
 * sender first sets what it wants in the target's ipi_pending, and the target's handler takes
 * the whole word, so several requests cost one interrupt.
 */
#include <stddef.h>
#include "arch/x86/apic.h"
#include "arch/x86/cpu.h"
#include "arch/x86/irq.h"
#include "arch/x86/mp.h"
#include "arch/x86/spinlock.h"
#include "base/errno.h"
#include "kernel/cpu.h"
#include "kernel/evtchn.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/smp_internal.h"
#include "kernel/spinlock_pv.h"
#include "kernel/timer.h"

#define CALL_TIMEOUT_US 5000000ull

static void ipi_work(void)
{
	struct cpu *c = this_cpu();
	uint32_t what = __atomic_exchange_n(&c->ipi_pending, 0, __ATOMIC_ACQ_REL);
	struct cpu_call *call = __atomic_exchange_n(&c->call, NULL, __ATOMIC_ACQ_REL);

	c->ipis++;
	if (call) {
		call->fn(call->arg);
		__atomic_store_n(&call->done, 1, __ATOMIC_RELEASE);
	}
	if (what & IPI_TIMER)
		timer_poke();
	/* IPI_RESCHED needs nothing here: the idle loop looks at the run queue after hlt */
}

void ipi_vector(void *arg)
{
	(void)arg;
	ipi_work();
	lapic_eoi();
}

static void ipi_event(evtchn_port_t port, void *arg)
{
	(void)port;
	(void)arg;
	ipi_work();
}

void ipi_cpu_init(struct cpu *c)
{
	evtchn_port_t port;

	if (evtchn_bind_ipi(c->vcpu_id, &port) || evtchn_bind(port, ipi_event, NULL)) {
		pr_err("smp: CPU %u: no IPI event channel\n", c->index);
		return;
	}
	__atomic_store_n(&c->ipi_port, port, __ATOMIC_RELEASE);
	spin_pv_cpu_init(c);
}

void ipi_send(struct cpu *c, uint32_t what)
{
	__atomic_fetch_or(&c->ipi_pending, what, __ATOMIC_ACQ_REL);
	if (smp_evtchn_ipi) {
		uint32_t port = __atomic_load_n(&c->ipi_port, __ATOMIC_ACQUIRE);
		if (port)
			evtchn_notify(port);
	} else {
		mp_lapic_ipi(c->arch.apic_id);
	}
}

void smp_kick(struct cpu *c)
{
	if (c != this_cpu())
		ipi_send(c, IPI_RESCHED);
}

void smp_timer_kick(struct cpu *c)
{
	ipi_send(c, IPI_TIMER);
}

int smp_call(unsigned index, void (*fn)(void *), void *arg)
{
	if (index >= __atomic_load_n(&cpu_count, __ATOMIC_ACQUIRE) ||
	    !__atomic_load_n(&cpus[index].online, __ATOMIC_ACQUIRE))
		return -ENODEV;
	struct cpu *c = &cpus[index];
	if (c == this_cpu()) {
		unsigned long f = irq_save();
		fn(arg);
		irq_restore(f);
		return 0;
	}
	/* callers wait with interrupts on, so two CPUs calling each other both get served */
	struct cpu_call call = { fn, arg, 0 };
	struct cpu_call *mine = &call;
	spin_lock(&c->call_lock);
	__atomic_store_n(&c->call, &call, __ATOMIC_RELEASE);
	ipi_send(c, IPI_CALL);
	int r = smp_wait_flag(&call.done, 1, CALL_TIMEOUT_US);
	/* timed out: take the request back, unless the target already took it (then wait) */
	if (r && !__atomic_compare_exchange_n(&c->call, &mine, NULL, 0, __ATOMIC_ACQ_REL,
					      __ATOMIC_ACQUIRE))
		r = smp_wait_flag(&call.done, 1, UINT64_MAX / 4);
	spin_unlock(&c->call_lock);
	return r;
}

int smp_call_nowait(unsigned index, struct cpu_call *call)
{
	if (index >= __atomic_load_n(&cpu_count, __ATOMIC_ACQUIRE) ||
	    !__atomic_load_n(&cpus[index].online, __ATOMIC_ACQUIRE) || &cpus[index] == this_cpu())
		return -ENODEV;
	struct cpu *c = &cpus[index];
	struct cpu_call *mine = call;

	call->done = 0;
	spin_lock(&c->call_lock);
	__atomic_store_n(&c->call, call, __ATOMIC_RELEASE);
	ipi_send(c, IPI_CALL);
	/* the slot is ours until the target took the request: then the next caller may use it */
	uint64_t start = 0;
	int r = 0;
	while (__atomic_load_n(&c->call, __ATOMIC_ACQUIRE) == call) {
		if (++start > 50000000ull &&
		    __atomic_compare_exchange_n(&c->call, &mine, NULL, 0, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE)) {
			r = -ETIMEDOUT;
			break;
		}
		mine = call;
		cpu_relax();
	}
	spin_unlock(&c->call_lock);
	return r;
}
