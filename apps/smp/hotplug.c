/*
 * smp's "hotplug" mode (issue 21): a checked parallel count kept spread over whatever CPUs are
 * online while the toolstack changes them (`xl vcpu-set`; the dom0 side is tests/xen/smp-vcpu-set).
 * One worker per possible CPU counts in chunks (an atomic total, its own count, a spinlock-guarded
 * total) and naps 10 ms between chunks (on its CPU's timer, so timers move with offline CPUs too;
 * and on the rig, vCPUs that never rest starved dom0's one vCPU until `xl vcpu-set` hung in it);
 * after each change (pvh_cpu_on_change) the workers are pinned round-robin over
 * the online CPUs. When every online CPU has counted since the change, every worker has moved on,
 * and as many CPUs run as cpu/N/availability asks for, the state is reported to dom0 in
 * data/smp/online ("<online> <mask> <refused> <us from change to last new CPU used>").
 * dom0 writes data/smp/done to end it; then the totals must agree exactly.
 */
#include <pvhkit/kernel.h>
#include <pvhkit/smp.h>
#include <pvhkit/result.h>
#include <pvhkit/thread.h>
#include <pvhkit/xenstore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "hotplug.h"

#define WORKERS_MAX   64
#define CHUNK	      2000
#define NAP_NS	      10000000
#define STEP_LIMIT_NS (60ull * 1000000000ull) /* a step not settled by then fails */

struct worker {
	pvh_thread_t *t;
	uint64_t mine, chunks; /* written by the worker only */
	uint64_t chunks_at_change;
};

static struct worker w[WORKERS_MAX];
static unsigned nworkers;
static volatile int stop;
static uint64_t total;
static pvh_spinlock_t lock = PVH_SPINLOCK_INIT;
static volatile uint64_t locked_total;
static uint64_t used_ns[64]; /* when a worker last finished a chunk on CPU i */
static uint64_t change_ns;   /* when the online set last changed (the hook's clock) */
static unsigned changes;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void on_change(unsigned online, void *arg)
{
	(void)online;
	(void)arg;
	__atomic_store_n(&change_ns, now_ns(), __ATOMIC_RELEASE);
	__atomic_fetch_add(&changes, 1, __ATOMIC_ACQ_REL);
}

static void *worker(void *arg)
{
	struct worker *me = arg;

	while (!stop) {
		for (unsigned k = 0; k < CHUNK; k++) {
			__atomic_fetch_add(&total, 1, __ATOMIC_RELAXED);
			me->mine++;
		}
		pvh_spin_lock(&lock);
		locked_total = locked_total + CHUNK; /* not atomic: only the lock keeps it right */
		pvh_spin_unlock(&lock);
		__atomic_store_n(&used_ns[pvh_cpu_self() & 63], now_ns(), __ATOMIC_RELEASE);
		__atomic_store_n(&me->chunks, me->chunks + 1, __ATOMIC_RELEASE);
		pvh_sleep_ns(NAP_NS);
	}
	return NULL;
}

static unsigned popcount(uint64_t m)
{
	unsigned n = 0;

	for (; m; m &= m - 1)
		n++;
	return n;
}

/* Worker i to the (i mod n)-th online CPU; a CPU going offline meanwhile refuses (next change). */
static void spread(uint64_t mask)
{
	unsigned cpu[64], n = 0;

	for (unsigned i = 0; i < 64; i++)
		if ((mask >> i) & 1)
			cpu[n++] = i;
	for (unsigned i = 0; i < nworkers && n; i++) {
		w[i].chunks_at_change = __atomic_load_n(&w[i].chunks, __ATOMIC_ACQUIRE);
		pvh_thread_pin(w[i].t, (int)cpu[i % n]);
	}
}

/*
 * CPUs the toolstack wants online (cpu/N/availability) that the guest can have: vCPU 0 always
 * (it is never taken offline), the others the MADT lists (ids below its count, as libxl numbers
 * them) when "online"; or -1 unreadable.
 */
static int requested(void)
{
	char **names, path[48], val[16];
	int n = pvh_xenstore_directory(NULL, "cpu", &names), on = 1;

	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		unsigned long id = strtoul(names[i], NULL, 10);
		if (id == 0 || id >= nworkers)
			continue;
		snprintf(path, sizeof(path), "cpu/%s/availability", names[i]);
		on += pvh_xenstore_read(NULL, path, val, sizeof(val)) > 0 && !strcmp(val, "online");
	}
	pvh_free(names);
	return on;
}

/* Settled: every online CPU counted since the change, every worker moved on, as many as asked. */
static int settled(uint64_t mask, uint64_t since, uint64_t *last_new_ns)
{
	*last_new_ns = 0;
	for (unsigned i = 0; i < 64; i++) {
		if (!((mask >> i) & 1))
			continue;
		uint64_t u = __atomic_load_n(&used_ns[i], __ATOMIC_ACQUIRE);
		if (u < since)
			return 0;
		if (u - since > *last_new_ns)
			*last_new_ns = u - since;
	}
	for (unsigned i = 0; i < nworkers; i++)
		if (__atomic_load_n(&w[i].chunks, __ATOMIC_ACQUIRE) == w[i].chunks_at_change)
			return 0;
	return requested() == (int)popcount(mask);
}

/* What settled() waits for, said when it waited too long. */
static void why_not(uint64_t mask, uint64_t since)
{
	for (unsigned i = 0; i < 64; i++)
		if (((mask >> i) & 1) && __atomic_load_n(&used_ns[i], __ATOMIC_ACQUIRE) < since)
			pvh_tap_diag("CPU %u has not counted since the change", i);
	for (unsigned i = 0; i < nworkers; i++)
		if (__atomic_load_n(&w[i].chunks, __ATOMIC_ACQUIRE) == w[i].chunks_at_change)
			pvh_tap_diag("worker %u has not moved on (%llu chunks)", i,
				     (unsigned long long)w[i].chunks);
	pvh_tap_diag("cpu/*/availability asks for %d CPUs, %u online", requested(), popcount(mask));
}

static void report(uint64_t mask, uint64_t lat_ns)
{
	struct pvh_smp_info si;
	char v[64];

	pvh_smp_info(&si);
	snprintf(v, sizeof(v), "%u %llx %u %llu", popcount(mask), (unsigned long long)mask,
		 si.hotplug_refused, (unsigned long long)(lat_ns / 1000));
	pvh_tap_ok(popcount(mask) == pvh_cpu_online_count() &&
		       pvh_xenstore_write(NULL, "data/smp/online", v) == 0,
		   "%u CPUs online as cpu/*/availability asks (mask %llx), each counting; the last "
		   "one used %llu us after the change",
		   popcount(mask), (unsigned long long)mask, (unsigned long long)(lat_ns / 1000));
}

static unsigned refused(void)
{
	struct pvh_smp_info si;

	pvh_smp_info(&si);
	return si.hotplug_refused;
}

/* Follows the changes until dom0 says done: one report per settled state (and per refusal). */
static void follow(void)
{
	unsigned seen = ~0u, seen_refused = refused();
	uint64_t since = 0, mask = 0;
	int reported = 0;
	char v[8];

	for (unsigned tick = 0;; tick++) {
		/* dom0's word is looked for every 50 ms only: xenstored serves dom0's script too */
		if (!(tick % 5) && pvh_xenstore_read(NULL, "data/smp/done", v, sizeof(v)) >= 0)
			break;
		unsigned c = __atomic_load_n(&changes, __ATOMIC_ACQUIRE);
		if (c != seen) {
			seen = c;
			since = c ? __atomic_load_n(&change_ns, __ATOMIC_ACQUIRE) : now_ns();
			mask = pvh_cpu_online_mask();
			spread(mask);
			reported = 0;
		}
		if (refused() != seen_refused) {
			/* reported again, for dom0 to see the count; no new CPU, no latency */
			seen_refused = refused();
			reported = 0;
			since = now_ns();
		}
		uint64_t lat;
		/* the requested count is read from xenstore: every 20 ms at most */
		if (!reported && !(tick % 2) && settled(mask, since, &lat)) {
			report(mask, lat);
			reported = 1;
		} else if (!reported && now_ns() - since > STEP_LIMIT_NS) {
			pvh_tap_ok(0, "%u CPUs online (mask %llx) did not settle within 60 s",
				   popcount(mask), (unsigned long long)mask);
			why_not(mask, since);
			reported = 1;
		}
		pvh_sleep_ns(10000000);
	}
}

int hotplug_mode(void)
{
	struct pvh_smp_info si;

	pvh_smp_info(&si);
	if (!si.can_offline || !pvh_xenstore_available()) {
		pvh_tap_skip("vCPU hot-plug", "needs Xen and xenstore");
		return pvh_tap_result("smp-hotplug");
	}
	nworkers = si.madt_cpus ? si.madt_cpus : pvh_cpu_count();
	if (nworkers > WORKERS_MAX)
		nworkers = WORKERS_MAX;
	if (pvh_cpu_on_change(on_change, NULL))
		pvh_tap_ok(0, "change notification registered");
	for (unsigned i = 0; i < nworkers; i++)
		w[i].t = pvh_thread_create("count", worker, &w[i], 0);
	follow();
	stop = 1;
	uint64_t sum = 0;
	unsigned idle = 0;
	for (unsigned i = 0; i < nworkers; i++) {
		if (w[i].t)
			pvh_thread_join(w[i].t, NULL);
		sum += w[i].mine;
		idle += w[i].mine == 0;
	}
	pvh_tap_ok(total == sum && locked_total == sum && idle == 0 && sum > 0,
		   "count exact after %u changes: %llu atomic, %llu locked, %llu by %u workers (%u "
		   "never ran)",
		   changes, (unsigned long long)total, (unsigned long long)locked_total,
		   (unsigned long long)sum, nworkers, idle);
	pvh_smp_info(&si);
	pvh_tap_ok(si.hotplug_failed == 0,
		   "no online/offline request failed (%u failed, %u refused)", si.hotplug_failed,
		   si.hotplug_refused);
	return pvh_tap_result("smp-hotplug");
}
