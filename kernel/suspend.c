/*
 * Suspend and resume: what `xl save`, `xl save -c` and `xl migrate` ask of the guest, in order.
 *
 * The toolstack writes "suspend" to control/shutdown (drivers/xenbus/xenbus_control.c takes it)
 * and waits for the domain to stop with reason SHUTDOWN_suspend. The guest quiesces (the hooks'
 * prepare, frontends first), parks every other vCPU with interrupts off in a known loop, and the
 * boot vCPU calls SCHEDOP_shutdown(SHUTDOWN_suspend). The toolstack then copies the memory and
 * every vCPU's registers (an HVM save record), so the hypercall "returns" in one of two worlds:
 * - 1: cancelled (`xl save -c`, a failed save): the toolstack resumed the same domain and
 *   set vCPU 0's return value to 1. Everything Xen holds for us is still there.
 * - 0: a new domain (restore, migration target): same memory and registers, but Xen's per-domain
 *   state is new: shared info unmapped, vcpu_info and the time and run-state areas unregistered,
 *   no event channel, an empty grant table, the xenstore and console rings' event channels new.
 * The boot vCPU then rebuilds the core (shared info, its own vCPU, time, event channels, grant
 * frames), releases the parked vCPUs, which re-attach themselves (kernel/vcpu_attach.c), and the
 * hooks resume from the lowest level up: console, xenstore, frontends, apps.
 */
#include <stddef.h>
#include "arch/x86/cpu.h"
#include "arch/x86/hypercall.h"
#include "arch/x86/irq.h"
#include "arch/x86/spinlock.h"
#include "arch/x86/xen.h"
#include "base/errno.h"
#include "kernel/cpu.h"
#include "kernel/evtchn.h"
#include "kernel/gnttab.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/smp.h"
#include "kernel/suspend.h"
#include "kernel/suspend_seq.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/vcpu_attach.h"
#include <xen/sched.h>

#define PARK_TIMEOUT_NS (5000ull * 1000000ull)

static struct suspend_hook *hooks;
static int gate = SUSPEND_GATE_BOOTING;
static struct suspend_stats stats;

/* the parked vCPUs: how many arrived, the release, how the suspend ended, how many re-attached */
static int parked, released, resumed;
static int park_new_domain;

void suspend_hook_register(struct suspend_hook *h)
{
	static spinlock_t lock = SPINLOCK_INIT; /* drivers start on several CPUs at once */
	unsigned long f = spin_lock_irqsave(&lock);

	suspend_seq_add(&hooks, h);
	spin_unlock_irqrestore(&lock, f);
}

void suspend_ready(void)
{
	suspend_gate_open(&gate);
}

void suspend_get_stats(struct suspend_stats *st)
{
	*st = stats;
}

/* The re-attachment every vCPU does for itself on a new domain (interrupts off). */
static void reattach_self(void)
{
	struct cpu *c = this_cpu();

	vcpu_attach_forget(c);
	vcpu_attach(c);
}

/* On each other vCPU, from its IPI, interrupts off: wait out the suspend, then rejoin. */
static void park(void *arg)
{
	(void)arg;
	__atomic_fetch_add(&parked, 1, __ATOMIC_ACQ_REL);
	while (!__atomic_load_n(&released, __ATOMIC_ACQUIRE))
		cpu_relax();
	if (__atomic_load_n(&park_new_domain, __ATOMIC_ACQUIRE))
		reattach_self();
	timer_poke(); /* its one-shot timer again (a new domain forgot it) */
	__atomic_fetch_add(&resumed, 1, __ATOMIC_ACQ_REL);
}

static struct cpu_call park_calls[CPU_MAX];

/* Parks every other online vCPU; returns how many, or a negative errno (then none stays parked). */
static int park_others(void)
{
	int n = 0;

	__atomic_store_n(&parked, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&park_new_domain, 0, __ATOMIC_RELEASE); /* a timeout releases them as is */
	__atomic_store_n(&released, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&resumed, 0, __ATOMIC_RELEASE);
	for (unsigned i = 1; i < cpu_count; i++) {
		if (!__atomic_load_n(&cpus[i].online, __ATOMIC_ACQUIRE))
			continue;
		park_calls[i] = (struct cpu_call){ park, NULL, 0 };
		if (smp_call_nowait(i, &park_calls[i]) == 0)
			n++;
		else
			pr_warn("suspend: CPU %u did not take the park request\n", i);
	}
	uint64_t until = time_monotonic_ns() + PARK_TIMEOUT_NS;
	while (__atomic_load_n(&parked, __ATOMIC_ACQUIRE) < n && time_monotonic_ns() < until)
		sched_yield();
	if (__atomic_load_n(&parked, __ATOMIC_ACQUIRE) < n) {
		pr_err("suspend: only %d of %d vCPUs parked in time\n", parked, n);
		__atomic_store_n(&released, 1, __ATOMIC_RELEASE);
		return -ETIMEDOUT;
	}
	return n;
}

/* Releases the parked vCPUs and waits until each has rejoined (re-attached on a new domain). */
static void release_others(int n, int new_domain)
{
	__atomic_store_n(&park_new_domain, new_domain, __ATOMIC_RELEASE);
	__atomic_store_n(&released, 1, __ATOMIC_RELEASE);
	for (uint64_t spins = 0; __atomic_load_n(&resumed, __ATOMIC_ACQUIRE) < n; spins++) {
		if (spins == 200000000ull) {
			pr_err("suspend: %d of %d vCPUs rejoined; going on\n", resumed, n);
			break;
		}
		cpu_relax();
	}
}

/* The boot vCPU's part of a new domain, interrupts off, the others parked. */
static void core_resume(int new_domain)
{
	struct cpu *c = this_cpu();

	if (new_domain) {
		if (xen_shared_info_init())
			pr_err("suspend: shared info not mapped again\n");
		vcpu_attach_forget(c);
		vcpu_attach_areas(c); /* the pvclock first: time_resume reads it */
		/*
		 * Xen saves no context of a vCPU that is down: an offline one is started afresh
		 * when it comes back online (kernel/cpu_hotplug.c), registering everything again.
		 */
		for (unsigned i = 1; i < cpu_count; i++)
			if (!__atomic_load_n(&cpus[i].online, __ATOMIC_ACQUIRE)) {
				vcpu_attach_forget(&cpus[i]);
				__atomic_store_n(&cpus[i].restart, 1, __ATOMIC_RELEASE);
			}
	}
	time_resume(new_domain);
	if (evtchn_resume(new_domain) && new_domain)
		pr_err("suspend: event channel upcall not hooked again\n");
	if (new_domain) {
		vcpu_attach_events(c);
		if (!c->timer_port)
			timer_cpu_init();
	}
	gnttab_resume(new_domain);
}

/* SCHEDOP_shutdown(SHUTDOWN_suspend) on the boot vCPU: 1 cancelled, 0 new domain, <0 refused. */
static long suspend_hypercall(void)
{
	struct sched_shutdown s = { .reason = SHUTDOWN_suspend };

	return HYPERVISOR_sched_op(SCHEDOP_shutdown, &s);
}

/* From prepared to resumed, pinned to the boot CPU: the part no hook sees. */
static int suspend_machine(void)
{
	int n = park_others();

	if (n < 0)
		return n;
	uint64_t t0 = time_monotonic_ns();
	unsigned long f = irq_save();
	time_suspend();
	long r = suspend_hypercall();
	int new_domain = r == 0;

	if (r >= 0)
		core_resume(new_domain);
	release_others(n, new_domain);
	timer_poke();
	irq_restore(f);
	uint64_t gap = time_monotonic_ns() - t0;
	if (r < 0) {
		pr_err("suspend: SCHEDOP_shutdown(suspend) refused by Xen (%ld)\n", r);
		return (int)r;
	}
	stats.last_gap_ns = gap;
	if (new_domain)
		stats.new_domain++;
	else
		stats.cancelled++;
	pr_info("suspend: %s after %lu ms; %d other vCPUs rejoined\n",
		new_domain ? "resumed in a new domain" : "cancelled, resumed in the same domain",
		(unsigned long)(gap / 1000000), n);
	return new_domain;
}

int suspend_run(void)
{
	int r = suspend_gate_enter(&gate);
	const char *who = "?";

	if (r) {
		stats.refused++;
		pr_warn("suspend: refused: %s\n",
			r == -EBUSY ? "a suspend is already running" : "the boot has not finished");
		return r;
	}
	if (!xen.hypercalls || !evtchn_available()) {
		suspend_gate_leave(&gate);
		return -ENODEV;
	}
	stats.requests++;
	/* the boot vCPU is the one Xen and the toolstack (its return value) deal with */
	if ((r = sched_pin(NULL, 0)) == 0) {
		if ((r = suspend_seq_prepare(hooks, &who))) {
			stats.refused++;
			pr_warn("suspend: refused by %s (%d)\n", who, r);
		} else {
			r = suspend_machine();
			if (r < 0) {
				stats.failed++;
				suspend_seq_resume(hooks, false);
			} else {
				suspend_seq_resume(hooks, r == 1);
			}
		}
		sched_pin(NULL, -1);
	}
	suspend_gate_leave(&gate);
	return r < 0 ? r : 0;
}
