/*
 * smp: work on every CPU, checked. A pinned thread per CPU proves each one runs code; parallel
 * counting with a verified total; a spinlock and a mutex under contention; an IPI ping-pong to
 * every other CPU; a sleep on each CPU's own timer; a CPU taken offline and back (Xen); many
 * unpinned threads spread over the CPUs. TAP lines, "bench:" lines, and a RESULT line.
 *
 * Arguments: cpus=N (expect exactly N CPUs online), possible=N (expect N MADT entries),
 * iters=N (per-thread loop count, default 20000); "hotplug" runs the hot-plug mode instead
 * (hotplug.c: counting while `xl vcpu-set` changes the CPUs).
 */
#include <pvhkit/kernel.h>
#include <pvhkit/smp.h>
#include <pvhkit/result.h>
#include <pvhkit/thread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "hotplug.h"

#define MAX_CPUS   64
#define PINGS_MANY 200 /* round trips per CPU, up to 8 CPUs; 20 beyond (40 vCPUs on 2 CPUs) */
#define PINGS_FEW  20

static unsigned ncpu;
static unsigned long iters = 20000;
static uint64_t tsc_hz;

static uint64_t ns_of(uint64_t ticks)
{
	return tsc_hz ? ticks * 1000 / (tsc_hz / 1000000) : 0;
}

static unsigned long arg_num(int argc, char **argv, const char *key, unsigned long dflt)
{
	size_t n = strlen(key);

	for (int i = 1; i < argc; i++)
		if (!strncmp(argv[i], key, n) && argv[i][n] == '=')
			return strtoul(argv[i] + n + 1, NULL, 0);
	return dflt;
}

/* ---- every CPU runs a pinned thread ---- */

struct where {
	unsigned want, got_start, got_end;
};

static void *where_am_i(void *arg)
{
	struct where *w = arg;

	w->got_start = pvh_cpu_self();
	pvh_thread_yield(); /* a pinned thread comes back to its CPU */
	w->got_end = pvh_cpu_self();
	return NULL;
}

static void test_pinned(void)
{
	struct where w[MAX_CPUS];
	pvh_thread_t *t[MAX_CPUS];
	unsigned good = 0;

	for (unsigned i = 0; i < ncpu; i++) {
		w[i] = (struct where){ .want = i, .got_start = ~0u, .got_end = ~0u };
		t[i] = pvh_thread_create_on("where", where_am_i, &w[i], 0, (int)i);
	}
	for (unsigned i = 0; i < ncpu; i++) {
		if (t[i])
			pvh_thread_join(t[i], NULL);
		good += w[i].got_start == i && w[i].got_end == i;
		if (w[i].got_start != i || w[i].got_end != i)
			pvh_tap_diag("pinned to %u, ran on %u then %u", i, w[i].got_start,
				     w[i].got_end);
	}
	pvh_tap_ok(good == ncpu, "a thread pinned to each of %u CPUs runs there (%u did)", ncpu,
		   good);
}

/* ---- parallel counting ---- */

static uint64_t shared_count;
static uint64_t per_cpu_count[MAX_CPUS];

static void *count_atomic(void *arg)
{
	unsigned me = (unsigned)(uintptr_t)arg;

	for (unsigned long i = 0; i < iters; i++) {
		__atomic_fetch_add(&shared_count, 1, __ATOMIC_RELAXED);
		per_cpu_count[me]++;
	}
	return NULL;
}

/* Runs fn on every CPU, pinned; returns the TSC ticks from the first start to the last join. */
static uint64_t run_everywhere(void *(*fn)(void *))
{
	pvh_thread_t *t[MAX_CPUS];
	uint64_t t0 = pvh_tsc();

	for (unsigned i = 0; i < ncpu; i++)
		t[i] = pvh_thread_create_on("worker", fn, (void *)(uintptr_t)i, 0, (int)i);
	for (unsigned i = 0; i < ncpu; i++)
		if (t[i])
			pvh_thread_join(t[i], NULL);
	return pvh_tsc() - t0;
}

static void test_count(void)
{
	uint64_t sum = 0;

	memset(per_cpu_count, 0, sizeof(per_cpu_count));
	shared_count = 0;
	uint64_t ticks = run_everywhere(count_atomic);
	for (unsigned i = 0; i < ncpu; i++)
		sum += per_cpu_count[i];
	pvh_tap_ok(shared_count == (uint64_t)ncpu * iters && sum == shared_count,
		   "parallel atomic count on %u CPUs: %lu (want %lu)", ncpu,
		   (unsigned long)shared_count, (unsigned long)ncpu * iters);
	pvh_printf("bench: smp.atomic_count %u cpus %lu ns per increment (wall/total)\n", ncpu,
		   (unsigned long)(ns_of(ticks) / (ncpu * iters)));
}

/* ---- locks under contention ---- */

static pvh_spinlock_t spin = PVH_SPINLOCK_INIT;
static pvh_mutex_t mutex = PVH_MUTEX_INIT;
static volatile uint64_t spin_protected, mutex_protected;

static void *contend_spin(void *arg)
{
	(void)arg;
	for (unsigned long i = 0; i < iters; i++) {
		pvh_spin_lock(&spin);
		spin_protected = spin_protected + 1; /* not atomic: only the lock keeps it right */
		pvh_spin_unlock(&spin);
	}
	return NULL;
}

static void *contend_mutex(void *arg)
{
	(void)arg;
	for (unsigned long i = 0; i < iters / 10; i++) {
		pvh_mutex_lock(&mutex);
		mutex_protected = mutex_protected + 1;
		if (!(i % 64))
			pvh_thread_yield(); /* sometimes sleep holding it: waiters must queue */
		pvh_mutex_unlock(&mutex);
	}
	return NULL;
}

static void test_locks(void)
{
	spin_protected = mutex_protected = 0;
	uint64_t ticks = run_everywhere(contend_spin);
	pvh_tap_ok(spin_protected == (uint64_t)ncpu * iters,
		   "ticket spinlock under contention of %u CPUs: %lu (want %lu)", ncpu,
		   (unsigned long)spin_protected, (unsigned long)ncpu * iters);
	pvh_printf("bench: smp.spinlock %u cpus %lu ns per lock+unlock\n", ncpu,
		   (unsigned long)(ns_of(ticks) / (ncpu * iters)));
	ticks = run_everywhere(contend_mutex);
	pvh_tap_ok(mutex_protected == (uint64_t)ncpu * (iters / 10),
		   "mutex under contention of %u CPUs: %lu (want %lu)", ncpu,
		   (unsigned long)mutex_protected, (unsigned long)ncpu * (iters / 10));
	pvh_printf("bench: smp.mutex %u cpus %lu ns per lock+unlock\n", ncpu,
		   (unsigned long)(ns_of(ticks) / (ncpu * (iters / 10))));
}

/* ---- IPI ping-pong: a remote call to each other CPU and back ---- */

static unsigned pinged[MAX_CPUS];

static void ping(void *arg)
{
	unsigned *where = arg;

	*where = pvh_cpu_self();
	pinged[*where]++;
}

static void test_ipi(void)
{
	if (ncpu < 2) {
		pvh_tap_skip("IPI ping-pong", "one CPU");
		return;
	}
	/* from CPU 0, so the numbers compare across runs */
	const unsigned PINGS = ncpu > 8 ? PINGS_FEW : PINGS_MANY;
	pvh_thread_pin(NULL, 0);
	uint64_t best_total = 0;
	unsigned calls = 0;
	for (unsigned c = 1; c < ncpu; c++) {
		unsigned where = ~0u, ok = 0;
		uint64_t t0 = pvh_tsc();

		pinged[c] = 0;
		for (unsigned i = 0; i < PINGS; i++)
			ok += pvh_cpu_call(c, ping, &where) == 0 && where == c;
		uint64_t ticks = pvh_tsc() - t0;
		pvh_tap_ok(ok == PINGS && pinged[c] == PINGS,
			   "IPI ping-pong with CPU %u: %u/%u round trips", c, ok, PINGS);
		pvh_printf("bench: ipi_round_trip cpu %u %lu ns (mean of %u)\n", c,
			   (unsigned long)(ns_of(ticks) / PINGS), PINGS);
		best_total += ticks;
		calls += PINGS;
	}
	pvh_printf("bench: ipi_round_trip mean %lu ns over %u CPUs\n",
		   (unsigned long)(ns_of(best_total) / calls), ncpu - 1);
	pvh_thread_pin(NULL, -1);
}

/* ---- each CPU's own timer ---- */

struct nap {
	uint64_t slept_ns;
	int r;
	unsigned cpu;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void *nap(void *arg)
{
	struct nap *n = arg;
	uint64_t t0 = mono_ns();

	n->r = pvh_sleep_ns(20000000);
	n->slept_ns = mono_ns() - t0;
	n->cpu = pvh_cpu_self();
	return NULL;
}

static void test_timers(void)
{
	struct nap n[MAX_CPUS];
	pvh_thread_t *t[MAX_CPUS];
	unsigned good = 0;

	if (pvh_sleep_ns(0)) {
		pvh_tap_skip("a 20 ms sleep on every CPU's timer", "no clock (no Xen)");
		return;
	}
	for (unsigned i = 0; i < ncpu; i++)
		t[i] = pvh_thread_create_on("nap", nap, &n[i], 0, (int)i);
	for (unsigned i = 0; i < ncpu; i++) {
		if (t[i])
			pvh_thread_join(t[i], NULL);
		good += t[i] && n[i].r == 0 && n[i].slept_ns >= 20000000 && n[i].cpu == i;
	}
	pvh_tap_ok(good == ncpu, "a 20 ms sleep on each of %u CPUs' own timer (%u woke on time)",
		   ncpu, good);
}

/* ---- offline and back ---- */

static void *check_alive(void *arg)
{
	*(unsigned *)arg = pvh_cpu_self();
	return NULL;
}

static void test_offline(void)
{
	unsigned victim = ncpu - 1, ran = ~0u;

	if (ncpu < 2) {
		pvh_tap_skip("CPU offline/online", "one CPU");
		return;
	}
	struct pvh_smp_info si;
	pvh_smp_info(&si);
	if (!si.can_offline) {
		pvh_tap_skip("CPU offline/online", "VCPUOP_down needs Xen");
		return;
	}
	/* from CPU 0: a CPU cannot take itself offline (-EBUSY), and main may have moved anywhere */
	pvh_thread_pin(NULL, 0);
	int down = pvh_cpu_offline(victim);
	pvh_thread_pin(NULL, -1);
	if (!pvh_tap_ok(down == 0, "CPU %u offline (VCPUOP_down)", victim))
		return;
	pvh_tap_ok(pvh_cpu_is_up(victim) == 0 && pvh_cpu_online_count() == ncpu - 1,
		   "CPU %u offline: VCPUOP_is_up says %d, %u CPUs online", victim,
		   pvh_cpu_is_up(victim), pvh_cpu_online_count());
	/* the others carry on: work and IPIs while it is away */
	if (ncpu > 2) {
		unsigned where = ~0u;
		pvh_tap_ok(pvh_cpu_call(1, ping, &where) == 0 && where == 1,
			   "IPI to CPU 1 while CPU %u is offline", victim);
	}
	int r = pvh_cpu_online(victim);
	pvh_tap_ok(r == 0 && pvh_cpu_is_up(victim) == 1 && pvh_cpu_online_count() == ncpu,
		   "CPU %u back online (VCPUOP_up): VCPUOP_is_up says %d", victim,
		   pvh_cpu_is_up(victim));
	pvh_thread_t *t = pvh_thread_create_on("alive", check_alive, &ran, 0, (int)victim);
	if (t)
		pvh_thread_join(t, NULL);
	pvh_tap_ok(ran == victim, "a thread pinned to CPU %u runs after it came back", victim);
	if (!pvh_sleep_ns(0)) {
		struct nap n;
		t = pvh_thread_create_on("nap", nap, &n, 0, (int)victim);
		if (t)
			pvh_thread_join(t, NULL);
		pvh_tap_ok(t && n.r == 0 && n.slept_ns >= 20000000,
			   "its timer works after it came back");
	}
}

/* ---- unpinned threads spread over the CPUs ---- */

static uint64_t seen_cpus; /* bit per CPU some spreader ran on */

static unsigned bits(uint64_t m)
{
	unsigned n = 0;

	for (; m; m &= m - 1)
		n++;
	return n;
}

/* Busy for a while, yielding: long enough for idle CPUs to be woken and steal (at most 10 s). */
static void *spreader(void *arg)
{
	uint64_t end = pvh_tsc() + 10 * tsc_hz;
	unsigned want = ncpu < 2 ? 1 : 2;

	(void)arg;
	for (int i = 0; i < 50 || (bits(__atomic_load_n(&seen_cpus, __ATOMIC_RELAXED)) < want &&
				   (int64_t)(pvh_tsc() - end) < 0);
	     i++) {
		__atomic_fetch_or(&seen_cpus, 1ull << pvh_cpu_self(), __ATOMIC_RELAXED);
		for (volatile int k = 0; k < 2000; k++)
			;
		pvh_thread_yield();
	}
	return NULL;
}

static void test_spread(void)
{
	unsigned n = ncpu * 4 > 64 ? 64 : ncpu * 4;
	pvh_thread_t *t[64];

	seen_cpus = 0;
	for (unsigned i = 0; i < n; i++)
		t[i] = pvh_thread_create("spread", spreader, NULL, 0);
	for (unsigned i = 0; i < n; i++)
		if (t[i])
			pvh_thread_join(t[i], NULL);
	unsigned used = bits(seen_cpus);
	pvh_tap_ok(ncpu == 1 ? used == 1 : used >= 2, "%u unpinned threads ran on %u of %u CPUs", n,
		   used, ncpu);
}

/* ---- the scheduler's own cost: yield round trips on one CPU, and with every CPU busy ---- */

static void *yielder(void *arg)
{
	unsigned long n = (unsigned long)(uintptr_t)arg;

	for (unsigned long i = 0; i < n; i++)
		pvh_thread_yield();
	return NULL;
}

static void bench_sched(void)
{
	const unsigned long n = iters / 10;
	pvh_thread_t *t[2 * MAX_CPUS];

	/* two threads on every CPU yielding to each other: each switch takes the run-queue lock */
	uint64_t t0 = pvh_tsc();
	for (unsigned i = 0; i < 2 * ncpu; i++)
		t[i] = pvh_thread_create_on("yield", yielder, (void *)(uintptr_t)n, 0,
					    (int)(i % ncpu));
	for (unsigned i = 0; i < 2 * ncpu; i++)
		if (t[i])
			pvh_thread_join(t[i], NULL);
	uint64_t ticks = pvh_tsc() - t0;
	pvh_printf("bench: sched.yield %u cpus %lu ns per yield per CPU (2 threads per CPU)\n",
		   ncpu, (unsigned long)(ns_of(ticks) / (2 * n)));
}

int main(int argc, char **argv)
{
	struct pvh_smp_info si;
	unsigned want = (unsigned)arg_num(argc, argv, "cpus", 0);
	unsigned want_possible = (unsigned)arg_num(argc, argv, "possible", 0);

	iters = arg_num(argc, argv, "iters", iters);
	pvh_smp_info(&si);
	tsc_hz = si.tsc_hz;
	ncpu = pvh_cpu_count();
	if (ncpu > MAX_CPUS)
		ncpu = MAX_CPUS;
	pvh_printf("smp: %u CPUs (%u online), MADT %u entries, %u disabled, %u failed\n", ncpu,
		   pvh_cpu_online_count(), si.madt_cpus, si.madt_disabled, si.failed);
	for (unsigned i = 0; i < ncpu; i++) {
		struct pvh_cpu_info ci;
		pvh_cpu_info(i, &ci);
		if (i)
			pvh_printf("bench: ap_bringup cpu %u vcpu %u %lu us\n", i, ci.vcpu_id,
				   (unsigned long)ci.bringup_us);
	}
	if (want)
		pvh_tap_ok(ncpu == want && pvh_cpu_online_count() == want && si.failed == 0,
			   "%u CPUs online (want %u)", pvh_cpu_online_count(), want);
	else
		pvh_tap_ok(si.failed == 0 && pvh_cpu_online_count() == ncpu,
			   "%u CPUs online, none failed", ncpu);
	if (want_possible)
		pvh_tap_ok(si.madt_cpus == want_possible &&
			       si.madt_disabled == want_possible - want,
			   "MADT: %u CPUs present, %u disabled (want %u, %u)", si.madt_cpus,
			   si.madt_disabled, want_possible, want_possible - want);
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "hotplug"))
			return hotplug_mode();

	test_pinned();
	test_count();
	test_locks();
	test_ipi();
	test_timers();
	test_offline();
	test_spread();
	/* rounds=N repeats the switch benchmark: the most switch- and IPI-heavy phase */
	for (long r = arg_num(argc, argv, "rounds", 1); r > 0; r--)
		bench_sched();
	return pvh_tap_result("smp");
}
