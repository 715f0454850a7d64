/* Tests of 2-level event channels (xen/include/public/event_channel.h): loopback, masking, IPIs, VIRQ_TIMER. */
#include <stdint.h>
#include <xen/xen.h>
#include <xen/event_channel.h>
#include "conf_guest.h"
#include "conf_rules.h"
#include <pvhkit/smp.h>
#include <xen/errno.h>
#include <pvhkit/thread.h>
#include <pvhkit/test/evtchn.h>
#include <pvhkit/test/kernel.h>

#define EVTCHN_H "xen/include/public/event_channel.h"
#define MS	 1000000ull

static void count_only(evtchn_port_t port, void *arg)
{
	(void)port;
	(void)arg;
}

static int need_evtchn(struct conf_result *r)
{
	if (!conf_have_xen() || !pvh_test_evtchn_available() || !pvh_test_time_available()) {
		conf_skip(r, "not running on Xen (no event channels)");
		return 0;
	}
	return 1;
}

/* Waits (yielding) until port's count reaches want or timeout passes; returns the count. */
static uint64_t wait_count(evtchn_port_t port, uint64_t want, uint64_t timeout_ns)
{
	uint64_t t0 = pvh_test_monotonic_ns();

	while (pvh_test_evtchn_count(port) < want && pvh_test_monotonic_ns() - t0 < timeout_ns)
		pvh_thread_yield();
	return pvh_test_evtchn_count(port);
}

/* A loopback pair: *rx is the unbound end, *tx the end bound to it. 0 or the failure set in r. */
static int pair(evtchn_port_t *rx, evtchn_port_t *tx, struct conf_result *r)
{
	int rc = pvh_test_evtchn_alloc_unbound(DOMID_SELF, rx);
	if (rc) {
		conf_fail(r, "expected EVTCHNOP_alloc_unbound(DOMID_SELF) to succeed, saw %d", rc);
		return -1;
	}
	rc = pvh_test_evtchn_bind_interdomain(DOMID_SELF, *rx, tx);
	if (rc) {
		pvh_test_evtchn_close(*rx);
		conf_fail(
		    r,
		    "expected EVTCHNOP_bind_interdomain to our own unbound port to succeed, saw %d",
		    rc);
		return -1;
	}
	pvh_test_evtchn_bind(*rx, count_only, NULL);
	pvh_test_evtchn_bind(*tx, count_only, NULL);
	return 0;
}

static void t_loopback(struct conf_result *r, const struct conf_expect *e)
{
	evtchn_port_t rx, tx;

	(void)e;
	if (!need_evtchn(r) || pair(&rx, &tx, r))
		return;
	pvh_sleep_ns(20 * MS); /* let a binding-time event settle before counting */
	uint64_t c0 = pvh_test_evtchn_count(rx);
	int rc = pvh_test_evtchn_notify(tx);
	uint64_t got = wait_count(rx, c0 + 1, 2000 * MS);
	pvh_sleep_ns(100 * MS);
	got = pvh_test_evtchn_count(rx) - c0;
	pvh_test_evtchn_close(tx);
	pvh_test_evtchn_close(rx);
	if (rc || got != 1)
		conf_fail(r,
			  "expected one EVTCHNOP_send to deliver exactly once, saw send rc %d, "
			  "%llu deliveries",
			  rc, (unsigned long long)got);
	else
		conf_pass(r, "port %u -> %u: delivered once", tx, rx);
}

static int pending(evtchn_port_t p)
{
	const xen_ulong_t *w = pvh_test_shared_info()->evtchn_pending;
	return (int)((__atomic_load_n(&w[p / (8 * sizeof(xen_ulong_t))], __ATOMIC_ACQUIRE) >>
		      (p % (8 * sizeof(xen_ulong_t)))) &
		     1);
}

static void t_mask(struct conf_result *r, const struct conf_expect *e)
{
	evtchn_port_t rx, tx;

	(void)e;
	if (!need_evtchn(r) || pair(&rx, &tx, r))
		return;
	pvh_sleep_ns(20 * MS);
	pvh_test_evtchn_mask(rx);
	uint64_t c0 = pvh_test_evtchn_count(rx);
	pvh_test_evtchn_notify(tx);
	pvh_sleep_ns(100 * MS);
	uint64_t held = pvh_test_evtchn_count(rx) - c0;
	int was_pending = pending(rx);
	pvh_test_evtchn_unmask(rx);
	wait_count(rx, c0 + 1, 2000 * MS);
	pvh_sleep_ns(50 * MS);
	uint64_t after = pvh_test_evtchn_count(rx) - c0;
	pvh_test_evtchn_close(tx);
	pvh_test_evtchn_close(rx);
	if (held)
		conf_fail(r, "expected no delivery while masked, saw %llu",
			  (unsigned long long)held);
	else if (!was_pending)
		conf_fail(r, "expected the pending bit set while masked, saw it clear");
	else if (after != 1)
		conf_fail(r, "expected exactly one delivery after unmask, saw %llu",
			  (unsigned long long)after);
	else
		conf_pass(r, "held back while masked (pending set), delivered once on unmask");
}

static volatile unsigned ipi_ran_on[PVH_TEST_CPU_MAX], ipi_hits[PVH_TEST_CPU_MAX];

static void ipi_handler(evtchn_port_t port, void *arg)
{
	unsigned i = (unsigned)(uintptr_t)arg;

	(void)port;
	ipi_ran_on[i] = pvh_cpu_self();
	__atomic_add_fetch(&ipi_hits[i], 1, __ATOMIC_RELAXED);
}

static void t_ipi(struct conf_result *r, const struct conf_expect *e)
{
	static evtchn_port_t port[PVH_TEST_CPU_MAX];
	unsigned n = 0;

	(void)e;
	if (!need_evtchn(r))
		return;
	pvh_thread_pin(NULL, 0);
	for (unsigned i = 0; i < conf_cpu_count(); i++) {
		if (!conf_cpu_online(i))
			continue;
		int rc = pvh_test_evtchn_bind_ipi(conf_cpu_vcpu(i), &port[i]);
		if (rc) {
			conf_fail(r, "expected EVTCHNOP_bind_ipi to vCPU %u to succeed, saw %d",
				  conf_cpu_vcpu(i), rc);
			return;
		}
		ipi_hits[i] = 0;
		ipi_ran_on[i] = ~0u;
		pvh_test_evtchn_bind(port[i], ipi_handler, (void *)(uintptr_t)i);
		pvh_test_evtchn_notify(port[i]);
		uint64_t t0 = pvh_test_monotonic_ns();
		while (!__atomic_load_n(&ipi_hits[i], __ATOMIC_ACQUIRE) &&
		       pvh_test_monotonic_ns() - t0 < 2000 * MS)
			pvh_thread_yield();
		pvh_sleep_ns(20 * MS);
		unsigned hits = ipi_hits[i], on = ipi_ran_on[i];
		pvh_test_evtchn_close(port[i]);
		if (hits != 1 || on != i) {
			conf_fail(r,
				  "expected the IPI to vCPU %u handled once on CPU %u, saw %u "
				  "deliveries (on CPU %d)",
				  conf_cpu_vcpu(i), i, hits, (int)on);
			return;
		}
		n++;
	}
	conf_pass(r, "%u CPU%s each took its IPI once, on itself", n, n == 1 ? "" : "s");
}

/* VIRQ_TIMER upcalls CPU cpu has taken so far */
static uint64_t timer_irqs(unsigned cpu)
{
	struct pvh_cpu_info ci;

	return pvh_cpu_info(cpu, &ci) ? 0 : ci.timer_irqs;
}

static void *sleeper(void *arg)
{
	pvh_sleep_ns((uint64_t)(uintptr_t)arg);
	return NULL;
}

static void t_virq_timer(struct conf_result *r, const struct conf_expect *e)
{
	unsigned n = 0;
	long refused = 0;

	(void)e;
	if (!need_evtchn(r))
		return;
	for (unsigned i = 0; i < conf_cpu_count(); i++) {
		if (!conf_cpu_online(i))
			continue;
		/*
		 * A sleep can also end through a timer-queue run another event (an IPI) started after
		 * the deadline, with no VIRQ at all: so up to 5 sleeps, each twice as long.
		 */
		int fired = 0;
		for (uint64_t ns = 20 * MS; ns <= 320 * MS && !fired; ns *= 2) {
			uint64_t before = timer_irqs(i);
			pvh_thread_t *t = pvh_thread_create_on("conf-timer", sleeper,
							       (void *)(uintptr_t)ns, 0, (int)i);
			if (!t || pvh_thread_join(t, NULL)) {
				conf_error(r, "could not run a sleeper on CPU %u", i);
				return;
			}
			fired = timer_irqs(i) != before;
		}
		if (!fired) {
			conf_fail(r,
				  "expected VIRQ_TIMER on vCPU %u for single-shot timers (5 "
				  "sleeps, 20-320 ms), saw none",
				  conf_cpu_vcpu(i));
			return;
		}
		/* the kernel bound it already. event_channel.h: "Per-vcpu VIRQs may be bound to at
		 * most one event channel per vcpu"; no error is named: any refusal (Xen: -EEXIST) */
		struct evtchn_bind_virq b = { .virq = VIRQ_TIMER, .vcpu = conf_cpu_vcpu(i) };
		long rc = pvh_test_event_channel_op(EVTCHNOP_bind_virq, &b);
		if (rc >= 0) {
			struct evtchn_close c = { .port = b.port };
			pvh_test_event_channel_op(EVTCHNOP_close, &c);
			conf_fail(
			    r,
			    "expected a second bind of VIRQ_TIMER on vCPU %u refused (at most "
			    "one event channel per vCPU), saw it accepted (port %u)",
			    conf_cpu_vcpu(i), b.port);
			return;
		}
		refused = rc;
		n++;
	}
	conf_pass(r, "VIRQ_TIMER fired on %u CPU%s; rebinding refused (%ld)", n, n == 1 ? "" : "s",
		  refused);
}

const struct conf_test conf_tests_evtchn[] = {
	{ "evtchn.loopback", "an interdomain pair to ourselves: one send, exactly one delivery",
	  EVTCHN_H, t_loopback },
	{ "evtchn.mask",
	  "a masked port holds a pending event back until unmasked, then delivers once",
	  EVTCHN_H " (EVTCHNOP_unmask), xen.h (evtchn_pending/evtchn_mask)", t_mask },
	{ "evtchn.ipi",
	  "EVTCHNOP_bind_ipi to every vCPU; each send is delivered once, on that vCPU", EVTCHN_H,
	  t_ipi },
	{ "evtchn.virq-timer",
	  "VIRQ_TIMER fires on every vCPU for its single-shot timer; bound once per vCPU",
	  EVTCHN_H ", xen.h (VIRQ_TIMER), vcpu.h (set_singleshot_timer)", t_virq_timer },
	{ 0 },
};
