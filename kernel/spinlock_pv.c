/*
 * The paravirtual slow path of the ticket spinlocks (as Linux's Xen PV ticketlocks did): a waiter
 * that has spun for long sleeps in SCHEDOP_poll on its own kick port, and the unlocker wakes
 * exactly the CPU whose ticket is served next with EVTCHNOP_send.
 *
 * Why: with more vCPUs than physical CPUs, a ticket hand-over otherwise waits until Xen happens
 * to run the vCPU holding the next ticket, while the other waiters burn their time slices
 * spinning or yielding (23 ms per lock+unlock measured with 40 vCPUs on 2 CPUs). A sleeping
 * waiter costs nothing, and the kick makes Xen run the next owner at once.
 *
 * Why a file of its own, and in kernel/: spin_lock/spin_unlock (arch/x86/spinlock.h) are the
 * arch's ticket primitive, inline everywhere, and must stay a few instructions; this is policy
 * over event channels and per-CPU state, reached through the hooks spinlock.h declares; everything here runs only when a lock is contended (the spinning included), or
 * in an unlock that saw a sleeper (spin_pv_sleepers), so it can afford hypercalls, a scan of the
 * CPUs and comments.
 *
 * The kick port is an IPI port bound to the CPU's own vCPU and kept masked: Xen's SCHEDOP_poll
 * returns when a polled port is pending even if masked, and a masked port never raises an upcall,
 * so the event-channel upcall never consumes a kick (evtchn_scan skips masked ports).
 *
 * No lost wake-up: the waiter clears its port's pending bit, publishes (lock, ticket) in its
 * struct cpu, then (seq_cst fence) reads the owner again; the unlocker stores the owner, then
 * (seq_cst fence, in spin_unlock) reads the sleeper count and the slots. Either the waiter sees
 * its ticket served and does not sleep, or the unlocker sees the slot and kicks, after the clear,
 * so the poll returns at once. A timeout (SPIN_POLL_TIMEOUT_NS of pvclock time) is the safety
 * net: a waiter re-checks at least that often whatever happens to a kick.
 *
 * Interrupts: everything from publishing the slot to clearing it runs with interrupts off, so a
 * handler on this CPU can never wait for a lock while the code it interrupted is half-way
 * through here (spin_lock without irqsave waits with interrupts on): one slot per CPU suffices.
 * A caller that had interrupts on gets them back between sleeps, and does not sleep while an
 * upcall is pending (an IPI or timer must be served: smp_call waits on call_lock with them on
 * precisely so that two CPUs calling each other both progress). Xen ends a poll when an
 * interrupt is injected even with interrupts off (vcpu_kick unblocks the vCPU).
 *
 * Ticket wrap: tickets are uint16 and compared for equality only; a slot holds the ticket
 * truncated the same way as the owner the unlocker publishes.
 *
 * CPU offline: a CPU goes down only from its idle loop (smp_offline_self), holding and waiting
 * for no lock, so its slot is empty; a kick sent to it meanwhile only leaves its port pending,
 * which the next wait clears first.
 *
 * Without Xen, or before this CPU's kick port exists (early boot, an AP being brought up), a
 * waiter takes no ticket: see wait_unfair.
 */
#include <stddef.h>
#include <stdint.h>
#include "arch/x86/cpu.h"
#include "arch/x86/hypercall.h"
#include "arch/x86/irq.h"
#include "arch/x86/spinlock.h"
#include "arch/x86/xen.h"
#include "kernel/cpu.h"
#include "kernel/evtchn.h"
#include "kernel/printk.h"
#include "kernel/spinlock_pv.h"
#include "kernel/time.h"

/* how long a sleeper waits for a kick before it looks again by itself */
#define SPIN_POLL_TIMEOUT_NS 1000000ull
#define EFLAGS_IF	     (1ul << 9)

int spin_pv_on;
unsigned spin_pv_sleepers;
struct spin_pv_stats spin_pv_stats;

/* What a CPU asleep for ticket t of l has in its slot: identity-mapped addresses are below 2^47. */
static inline uint64_t slot_tag(spinlock_t *l, uint16_t t)
{
	return (uint64_t)(uintptr_t)l | (uint64_t)t << 48;
}

void spin_pv_cpu_init(struct cpu *c)
{
	evtchn_port_t port;

	if (!xen.hypercalls || !evtchn_available() || c->kick_port)
		return;
	if (evtchn_bind_ipi(c->vcpu_id, &port)) {
		pr_warn("spinlock: CPU %u: no kick port; its waiters spin and yield\n", c->index);
		return;
	}
	/* never unmasked, never given a handler: only SCHEDOP_poll looks at it */
	evtchn_mask(port);
	__atomic_store_n(&c->kick_port, port, __ATOMIC_RELEASE);
	__atomic_store_n(&spin_pv_on, 1, __ATOMIC_RELEASE);
}

/* One sleep: the caller's interrupts are off and its slot is published. */
static void poll_kick(struct cpu *c, evtchn_port_t port, unsigned long flags)
{
	/* an upcall to serve: return to the caller's loop, which turns interrupts on */
	if ((flags & EFLAGS_IF) &&
	    __atomic_load_n(&c->arch.vcpu_info->evtchn_upcall_pending, __ATOMIC_RELAXED))
		return;
	struct sched_poll poll = { .nr_ports = 1,
				   .timeout =
				       time_to_xen_ns(time_monotonic_ns() + SPIN_POLL_TIMEOUT_NS) };
	set_xen_guest_handle(poll.ports, &port);
	HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
	__atomic_fetch_add(&spin_pv_stats.polls, 1, __ATOMIC_RELAXED);
}

/* Sleeps until ticket me of l is served; c has kick port port. */
static void sleep_for(struct cpu *c, evtchn_port_t port, spinlock_t *l, uint16_t me)
{
	uint64_t tag = slot_tag(l, me), bit = 1ull << (port % 64);
	xen_ulong_t *pending = &xen_shared_info->evtchn_pending[port / 64];

	__atomic_fetch_add(&spin_pv_stats.slow, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&spin_pv_sleepers, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&l->t.owner, __ATOMIC_ACQUIRE) != me) {
		unsigned long flags = irq_save();
		/* an NMI-time waiter may have interrupted another: give its slot back after */
		uint64_t prev = __atomic_load_n(&c->pv_wait, __ATOMIC_RELAXED);

		/* a kick from an earlier wait is stale; one from now on lands after this */
		__atomic_fetch_and(pending, ~bit, __ATOMIC_SEQ_CST);
		__atomic_store_n(&c->pv_wait, tag, __ATOMIC_RELAXED);
		/* slot store before the owner load; pairs with the fence in spin_unlock */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(&l->t.owner, __ATOMIC_RELAXED) != me)
			poll_kick(c, port, flags);
		__atomic_store_n(&c->pv_wait, prev, __ATOMIC_RELAXED);
		irq_restore(flags);
	}
	__atomic_fetch_sub(&spin_pv_sleepers, 1, __ATOMIC_RELAXED);
}

/*
 * Without a kick port (no Xen, or before this CPU's port exists: early boot, an AP being brought
 * up) a waiter takes no ticket: it waits until it sees the lock free and takes it with
 * spin_trylock, as Linux's virt_spin_lock does on hypervisors without paravirtual spinlocks.
 * Why: a ticket makes one CPU the only one that may take the lock next, and a vCPU the host is
 * not running then stalls every other waiter behind it. apps/smp on QEMU (4 vCPUs, TCG threads on
 * 2 loaded host cores; a TCG vCPU leaves its translated code through QEMU's global lock at every
 * pause) hung about 1 run in 7 that way: all four CPUs waiting, the lock handed on about 10 times
 * a second (the gdbstub showed the tickets moving between two looks 3 s apart). Unfair, but any
 * waiter that runs can take a freed lock. Ticket wrap needs no care here: only equality counts.
 */
static void wait_unfair(spinlock_t *l)
{
	unsigned spins = 0;

	for (;;) {
		if (!spin_is_locked(l) && spin_trylock(l))
			return;
		cpu_relax();
		if (++spins == SPIN_YIELD_AFTER) {
			spins = 0;
			__atomic_fetch_add(&spin_pv_stats.yields, 1, __ATOMIC_RELAXED);
			spin_yield_vcpu();
		}
	}
}

/*
 * With a kick port a waiter takes a ticket and spins first (the holder is usually running and
 * about to unlock); one that has others queued ahead of it sleeps after a short spin: its turn is
 * at least one more hand-over away, and while it spins it keeps a physical CPU from the vCPU that
 * was just kicked (measured on the rig, 8 vCPUs on 2 CPUs: spinning the full SPIN_YIELD_AFTER
 * before sleeping made every hand-over wait about 1 ms for a spinner's turn to end).
 */
void spin_lock_slow(spinlock_t *l)
{
	struct cpu *c = __atomic_load_n(&spin_pv_on, __ATOMIC_ACQUIRE) ? this_cpu() : NULL;
	evtchn_port_t port = c ? __atomic_load_n(&c->kick_port, __ATOMIC_ACQUIRE) : 0;

	/* a slot tag holds identity-mapped addresses only (slot_tag) */
	if (!port || (uintptr_t)l >> 47) {
		wait_unfair(l);
		return;
	}
	uint16_t me = __atomic_fetch_add(&l->t.next, 1, __ATOMIC_RELAXED), owner;
	unsigned spins = 0;

	while ((owner = __atomic_load_n(&l->t.owner, __ATOMIC_ACQUIRE)) != me) {
		cpu_relax();
		spins++;
		if (spins == SPIN_YIELD_AFTER ||
		    (spins >= SPIN_QUEUED_AFTER && (uint16_t)(me - owner) > 1)) {
			sleep_for(c, port, l, me);
			return;
		}
	}
}

void spin_pv_kick(spinlock_t *l, uint16_t owner)
{
	uint64_t tag = slot_tag(l, owner);
	unsigned n = __atomic_load_n(&cpu_count, __ATOMIC_ACQUIRE);

	/* after the fence in spin_unlock: a slot published before the waiter's fence is seen */
	for (unsigned i = 0; i < n; i++) {
		if (__atomic_load_n(&cpus[i].pv_wait, __ATOMIC_RELAXED) != tag)
			continue;
		struct evtchn_send s = { .port = __atomic_load_n(&cpus[i].kick_port,
								 __ATOMIC_RELAXED) };
		HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
		__atomic_fetch_add(&spin_pv_stats.kicks, 1, __ATOMIC_RELAXED);
		return; /* a ticket has one holder-to-be */
	}
}
