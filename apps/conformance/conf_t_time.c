/* Tests of time (xen/include/public/xen.h vcpu_time_info, shared_info wc_*): pvclock across CPUs, wall clock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "conf_guest.h"
#include "conf_rules.h"
#include <pvhkit/smp.h>
#include <pvhkit/xenstore.h>
#include <pvhkit/thread.h>
#include <pvhkit/test/kernel.h>

/* *p = max(*p, v), atomically; concurrent callers all see their value counted. */
static void atomic_max_u64(uint64_t *p, uint64_t v)
{
	uint64_t cur = __atomic_load_n(p, __ATOMIC_RELAXED);

	while (v > cur &&
	       !__atomic_compare_exchange_n(p, &cur, v, 1, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		;
}

#define XEN_H "xen/include/public/xen.h (vcpu_time_info, shared_info wc_sec/wc_nsec)"
#define MS    1000000ull

/* the latest samples any CPU published: its own pvclock, and pvhkit's monotonic time */
static uint64_t shared_raw, shared_mono;
static struct conf_clock_samples total;
static volatile int stop;

/*
 * Each CPU reads the latest published samples, then its own clocks: those reads happen after
 * the other CPU's, so Xen's clock should not be smaller (unless Xen allows vCPUs to disagree)
 * and pvhkit's must be larger. Then it publishes its own (atomic max).
 */
static void *sampler(void *arg)
{
	struct conf_clock_samples c = { .tsc_stable = 1 };

	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		for (int k = 0; k < 1000; k++) {
			uint64_t seen_raw = __atomic_load_n(&shared_raw, __ATOMIC_ACQUIRE);
			uint64_t seen_mono = __atomic_load_n(&shared_mono, __ATOMIC_ACQUIRE);
			int stable;
			uint64_t raw = pvh_test_vcpu_ns(&stable), mono = pvh_test_monotonic_ns();

			c.samples++;
			c.tsc_stable &= stable;
			if (raw < seen_raw) {
				c.raw_back++;
				if (seen_raw - raw > c.raw_worst_ns)
					c.raw_worst_ns = seen_raw - raw;
			}
			c.mono_flat += mono <= seen_mono;
			atomic_max_u64(&shared_raw, raw);
			atomic_max_u64(&shared_mono, mono);
		}
		pvh_thread_yield();
	}
	__atomic_add_fetch(&total.samples, c.samples, __ATOMIC_RELAXED);
	__atomic_add_fetch(&total.raw_back, c.raw_back, __ATOMIC_RELAXED);
	__atomic_add_fetch(&total.mono_flat, c.mono_flat, __ATOMIC_RELAXED);
	__atomic_and_fetch(&total.tsc_stable, c.tsc_stable, __ATOMIC_RELAXED);
	atomic_max_u64(&total.raw_worst_ns, c.raw_worst_ns);
	return NULL;
}

static void t_monotonic(struct conf_result *r, const struct conf_expect *e)
{
	static pvh_thread_t *t[PVH_TEST_CPU_MAX];
	unsigned n = 0;

	(void)e;
	if (!pvh_test_time_available()) {
		conf_skip(r, "no pvclock (not running on Xen)");
		return;
	}
	shared_raw = shared_mono = 0;
	total = (struct conf_clock_samples){ .tsc_stable = 1 };
	stop = 0;
	for (unsigned i = 0; i < conf_cpu_count(); i++)
		if (conf_cpu_online(i) &&
		    (t[i] = pvh_thread_create_on("conf-clock", sampler, NULL, 0, (int)i)))
			n++;
	pvh_sleep_ns(300 * MS);
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < conf_cpu_count(); i++)
		if (t[i]) {
			pvh_thread_join(t[i], NULL);
			t[i] = NULL;
		}
	conf_rule_monotonic(&total, n, r);
}

static void t_wallclock(struct conf_result *r, const struct conf_expect *e)
{
	char buf[40];

	if (!pvh_test_time_available()) {
		conf_skip(r, "no Xen wall clock (not running on Xen)");
		return;
	}
	if (!e->dom0_time || !pvh_xenstore_available()) {
		/* without a peer we can only check the clock is plausible: after 2020-01-01 */
		uint64_t w = pvh_test_wall_ns();
		if (w / 1000000000ull < 1577836800ull)
			conf_fail(r,
				  "expected a wall clock after 2020-01-01, saw %llu s since 1970",
				  (unsigned long long)(w / 1000000000ull));
		else
			conf_skip(
			    r,
			    "no dom0 time helper (--dom0-time): wall clock %llu s looks plausible",
			    (unsigned long long)(w / 1000000000ull));
		return;
	}
	/* tests/xen/conformance-dom0 answers data/conformance/time-req with dom0's clock in time-rsp */
	pvh_xenstore_rm(NULL, "data/conformance/time-rsp");
	uint64_t t0 = pvh_test_monotonic_ns();
	int rc = pvh_xenstore_write(NULL, "data/conformance/time-req", "1");
	int got = -1;
	while (!rc && pvh_test_monotonic_ns() - t0 < 20000 * MS) {
		got = pvh_xenstore_read(NULL, "data/conformance/time-rsp", buf, sizeof(buf));
		if (got > 0)
			break;
		pvh_sleep_ns(20 * MS);
	}
	uint64_t guest = pvh_test_wall_ns(), rtt = pvh_test_monotonic_ns() - t0;
	if (rc || got <= 0) {
		/* the helper marks the request "taken" when it answers ("1": it never saw it) */
		int req = pvh_xenstore_read(NULL, "data/conformance/time-req", buf, sizeof(buf));
		conf_error(r,
			   "the dom0 time helper did not answer in 20 s (write %d, read %d; the "
			   "request reads %d \"%s\")",
			   rc, got, req, req > 0 ? buf : "");
		return;
	}
	/* seconds (10 digits) when dom0's date has no %N: then the answer is a second coarser */
	uint64_t dom0 = strtoull(buf, NULL, 10);
	if (strlen(buf) <= 11) {
		dom0 *= 1000000000ull;
		rtt += 1000 * MS;
	}
	conf_rule_wallclock(guest, dom0, rtt, r);
}

const struct conf_test conf_tests_time[] = {
	{ "time.pvclock-monotonic",
	  "the vCPUs' pvclocks agree unless Xen leaves TSC_STABLE clear; pvhkit's time increases "
	  "across CPUs",
	  "xen/include/public/xen.h (vcpu_time_info), docs/misc/pvh.pandoc", t_monotonic },
	{ "time.wallclock", "the shared-info wall clock is within 2 s of dom0's clock", XEN_H,
	  t_wallclock },
	{ 0 },
};
