/*
 * suspend: the guest side of the save/restore/migrate tests (tests/xen/suspend-cycle). A 1 ms
 * ticker measures the guest-visible gap of each suspend; a worker per online CPU must keep
 * counting after each resume; xenstore must answer; event channels, grants, threads and memory
 * are counted before the first suspend and after the last. dom0 waits for data/suspend/ready,
 * suspends the domain its way, reads data/suspend/count ("<new-domain> <cancelled>") after each
 * resume, and writes data/suspend/done when it is through. Arguments: new=N cancel=M (the resumes
 * to expect of each kind), leak=1 (the counts must match exactly), online=K (dom0 sets K vCPUs
 * online with xl vcpu-set first; the set must stay across the suspends; then vCPU K comes online).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pvhkit/kernel.h>
#include <pvhkit/result.h>
#include <pvhkit/smp.h>
#include <pvhkit/suspend.h>
#include <pvhkit/thread.h>
#include <pvhkit/xenstore.h>
#include <pvhkit/test/evtchn.h>
#include <pvhkit/test/gnttab.h>
#include <pvhkit/test/kernel.h>

#define MS	 1000000ull
#define MAX_CPUS 64

static volatile uint64_t max_gap_ns, ticks;
static volatile uint64_t work[MAX_CPUS];
static volatile int resumed_hook[2]; /* pvh_on_resume calls: [0] cancelled, [1] new domain */

struct counts {
	unsigned evtchns, threads;
	uint32_t free_refs;
	uint64_t free_pages, heap_bytes;
};

static unsigned popcount(uint64_t m)
{
	unsigned n = 0;

	for (; m; m &= m - 1)
		n++;
	return n;
}

static const char *arg_str(int argc, char **argv, const char *key, const char *dflt)
{
	size_t n = strlen(key);

	for (int i = 1; i < argc; i++)
		if (!strncmp(argv[i], key, n) && argv[i][n] == '=')
			return argv[i] + n + 1;
	return dflt;
}

static unsigned long arg_num(int argc, char **argv, const char *key, unsigned long dflt)
{
	size_t n = strlen(key);

	for (int i = 1; i < argc; i++)
		if (!strncmp(argv[i], key, n) && argv[i][n] == '=')
			return strtoul(argv[i] + n + 1, NULL, 0);
	return dflt;
}

/* The 1 ms ticker: the largest gap between two of its readings since the last reset. */
static void *ticker(void *arg)
{
	uint64_t prev = pvh_test_monotonic_ns();

	(void)arg;
	for (;;) {
		pvh_sleep_ns(MS);
		uint64_t now = pvh_test_monotonic_ns();

		if (now < prev)
			pvh_printf("ticker: CLOCK_MONOTONIC went back by %lu ns\n",
				   (unsigned long)(prev - now));
		if (now - prev > max_gap_ns)
			max_gap_ns = now - prev;
		prev = now;
		ticks++;
	}
	return NULL;
}

static void *worker(void *arg)
{
	unsigned cpu = (unsigned)(uintptr_t)arg;

	for (;;) {
		work[cpu]++;
		if (!(work[cpu] & 0x3ff))
			pvh_sleep_ns(100000); /* leave time to the ticker and the kernel */
	}
	return NULL;
}

static volatile int called_on;

static void call_fn(void *arg)
{
	(void)arg;
	called_on = (int)pvh_cpu_self();
}

/*
 * A vCPU offline across the resumes (issue 21): still offline after them, then it comes online
 * in the new domain (its registrations made again) and answers a remote call.
 */
static void check_offline_cpu(unsigned cpu, uint64_t mask)
{
	pvh_tap_ok(!((pvh_cpu_online_mask() >> cpu) & 1) && pvh_cpu_online_mask() == mask,
		   "CPU %u stayed offline across the resumes (online %#lx)", cpu,
		   (unsigned long)pvh_cpu_online_mask());
	int r = pvh_cpu_online(cpu);
	called_on = -1;
	int c = r ? -1 : pvh_cpu_call(cpu, call_fn, NULL);
	pvh_tap_ok(r == 0 && c == 0 && called_on == (int)cpu,
		   "CPU %u online again after the resumes and answers a call (%d, %d, ran on %d)",
		   cpu, r, c, called_on);
}

static void on_resume(int new_domain, void *arg)
{
	(void)arg;
	resumed_hook[new_domain != 0]++;
}

static void take_counts(struct counts *c)
{
	struct pvh_test_gnttab_stats g = { 0 };
	struct pvh_mem_stats m;

	if (pvh_test_gnttab_available())
		pvh_test_gnttab_stats(&g);
	pvh_mem_stats(&m);
	*c = (struct counts){ pvh_test_evtchn_bound_count(), pvh_test_thread_count(), g.free_refs,
			      m.free_pages, m.heap_bytes_in_use };
}

static void print_counts(const char *when, const struct counts *c)
{
	pvh_printf("COUNTS %s: evtchns %u, threads %u, free grant refs %u, free pages %lu, heap "
		   "%lu bytes\n",
		   when, c->evtchns, c->threads, c->free_refs, (unsigned long)c->free_pages,
		   (unsigned long)c->heap_bytes);
}

static int put(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int put(const char *key, const char *fmt, ...)
{
	char v[48];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	return pvh_xenstore_write(NULL, key, v);
}

/* Every online CPU's worker counts on within 2 s; the number that did. */
static unsigned workers_moving(uint64_t mask)
{
	uint64_t before[MAX_CPUS];
	unsigned n = 0;

	for (unsigned i = 0; i < MAX_CPUS; i++)
		before[i] = work[i];
	pvh_sleep_ns(200 * MS);
	for (unsigned i = 0; i < MAX_CPUS && i < 64; i++) {
		if (!((mask >> i) & 1))
			continue;
		for (int t = 0; t < 20 && work[i] == before[i]; t++)
			pvh_sleep_ns(100 * MS);
		n += work[i] != before[i];
	}
	return n;
}

/* After one resume: what the guest sees, said on the console and checked. */
/* The wall clock read by the main loop before the resume, and after it. */
static uint64_t wall_before;

static void check_resume(unsigned k, const struct pvh_suspend_stats *s, uint64_t mask, int is_new)
{
	char buf[32];
	uint64_t t0 = ticks, wall = pvh_test_wall_ns();

	pvh_sleep_ns(50 * MS);
	uint64_t gap = max_gap_ns;
	max_gap_ns = 0;
	int xs = pvh_xenstore_read(NULL, "domid", buf, sizeof(buf));
	unsigned moving = workers_moving(mask);

	pvh_printf(
	    "SUSPEND %u: %s, domain %u; ticker gap %lu ms (kernel: %lu ms from the hypercall "
	    "to the resume); online mask %#lx\n",
	    k, is_new ? "new domain" : "cancelled", pvh_xenstore_domid(), (unsigned long)(gap / MS),
	    (unsigned long)(s->last_gap_ns / MS), (unsigned long)pvh_cpu_online_mask());
	pvh_printf("WALL %u: %lu.%03lu s since 1970 at the check (%lu.%03lu before the suspend)\n",
		   k, (unsigned long)(wall / (1000 * MS)), (unsigned long)(wall / MS % 1000),
		   (unsigned long)(wall_before / (1000 * MS)),
		   (unsigned long)(wall_before / MS % 1000));
	pvh_tap_ok(ticks > t0, "resume %u: the 1 ms ticker runs", k);
	/* the wall clock goes on from before, by the time away (under 10 min on the rig) */
	pvh_tap_ok(wall >= wall_before && wall - wall_before < 600ull * 1000 * MS,
		   "resume %u: the wall clock moved on by %ld ms", k,
		   (long)((int64_t)(wall - wall_before) / (int64_t)MS));
	pvh_tap_ok(xs > 0, "resume %u: xenstore answers (domid %s)", k, xs > 0 ? buf : "?");
	pvh_tap_ok(moving == popcount(mask), "resume %u: every online vCPU works (%u of %u)", k,
		   moving, popcount(mask));
	pvh_tap_ok(pvh_cpu_online_mask() == mask, "resume %u: online vCPUs as before (%#lx)", k,
		   (unsigned long)pvh_cpu_online_mask());
}

int main(int argc, char **argv)
{
	unsigned want_new = (unsigned)arg_num(argc, argv, "new", 1);
	unsigned want_cancel = (unsigned)arg_num(argc, argv, "cancel", 0);
	int leak = (int)arg_num(argc, argv, "leak", 1);
	/* what dom0 does (tests/xen/suspend-cycle): save, cancel (xl save -c) or migrate */
	const char *mode = arg_str(argc, argv, "mode", "save");
	/*
	 * vCPUs to have online before the first suspend (0: as booted): dom0 runs xl vcpu-set
	 * (the toolstack's cpu/N/availability is what a restored domain follows), then the highest
	 * one left offline must stay so across the suspends.
	 */
	unsigned online = (unsigned)arg_num(argc, argv, "online", 0);
	unsigned offline = 0;
	uint64_t mask = pvh_cpu_online_mask();
	struct counts before, first = { 0 }, after;
	struct pvh_suspend_stats s;
	char buf[8];

	pvh_on_resume(on_resume, NULL);
	pvh_thread_create("ticker", ticker, NULL, 0);
	for (unsigned i = 0; i < 64; i++)
		if ((mask >> i) & 1)
			pvh_thread_create_on("work", worker, (void *)(uintptr_t)i, 0, (int)i);
	pvh_xenstore_mkdir(NULL, "data/suspend");
	put("data/suspend/plan", "%s %lu %u", mode,
	    (unsigned long)(!strcmp(mode, "cancel") ? want_cancel : want_new), online);
	if (online) {
		for (int t = 0; t < 1200 && pvh_cpu_online_count() != online; t++)
			pvh_sleep_ns(100 * MS);
		mask = pvh_cpu_online_mask();
		offline = online; /* xl vcpu-set K leaves vCPUs 0..K-1 online */
		pvh_tap_ok(pvh_cpu_online_count() == online && !((mask >> offline) & 1),
			   "%u vCPUs online before the suspends (xl vcpu-set; mask %#lx)", online,
			   (unsigned long)mask);
	}
	pvh_sleep_ns(100 * MS);
	max_gap_ns = 0;
	take_counts(&before);
	print_counts("before", &before);
	pvh_xenstore_write(NULL, "data/suspend/ready", "1");
	pvh_printf("suspend test: ready on %u vCPUs (mask %#lx), waiting for %u restores and %u "
		   "cancelled suspends\n",
		   popcount(mask), (unsigned long)mask, want_new, want_cancel);

	unsigned seen = 0;
	uint64_t seen_new = 0;
	uint64_t wall_prev = pvh_test_wall_ns();
	for (;;) {
		/*
		 * The wall clock before a suspend: read before the last look at the counts that found
		 * nothing new (a xenstore call below may sleep through the whole suspend).
		 */
		uint64_t wall_now = pvh_test_wall_ns();

		pvh_suspend_stats(&s);
		unsigned now = (unsigned)(s.new_domain + s.cancelled);

		wall_before = wall_prev;
		wall_prev = wall_now;
		if (now != seen) {
			seen = now;
			check_resume(seen, &s, mask, s.new_domain != seen_new);
			seen_new = s.new_domain;
			if (seen == 1)
				take_counts(&first);
			/* a new domain has a new home: ready again, and the count dom0 waits for */
			pvh_xenstore_mkdir(NULL, "data/suspend");
			pvh_xenstore_write(NULL, "data/suspend/ready", "1");
			put("data/suspend/count", "%lu %lu", (unsigned long)s.new_domain,
			    (unsigned long)s.cancelled);
		}
		if (pvh_xenstore_read(NULL, "data/suspend/done", buf, sizeof(buf)) > 0)
			break;
		pvh_sleep_ns(20 * MS);
	}
	pvh_suspend_stats(&s);
	/* counted with the offline vCPU back: in a new domain it had no channels until then */
	if (offline)
		check_offline_cpu(offline, mask);
	take_counts(&after);
	print_counts("after", &after);
	pvh_tap_ok(s.new_domain == want_new, "resumed in a new domain %lu times (want %u)",
		   (unsigned long)s.new_domain, want_new);
	pvh_tap_ok(s.cancelled == want_cancel, "cancelled suspends %lu (want %u)",
		   (unsigned long)s.cancelled, want_cancel);
	pvh_tap_ok(s.refused == 0 && s.failed == 0, "no suspend refused (%lu) or failed (%lu)",
		   (unsigned long)s.refused, (unsigned long)s.failed);
	pvh_tap_ok(resumed_hook[1] == (int)s.new_domain && resumed_hook[0] == (int)s.cancelled,
		   "pvh_on_resume ran once per resume (%d new, %d cancelled)", resumed_hook[1],
		   resumed_hook[0]);
	if (leak) {
		pvh_tap_ok(after.evtchns == before.evtchns,
			   "event channels bound: %u before, %u after", before.evtchns,
			   after.evtchns);
		pvh_tap_ok(after.free_refs == before.free_refs,
			   "free grant refs: %u before, %u after", before.free_refs,
			   after.free_refs);
		pvh_tap_ok(after.threads == before.threads, "threads: %u before, %u after",
			   before.threads, after.threads);
		/* the first cycle may grow the heap once; later cycles must not */
		pvh_tap_ok(
		    seen < 2 || (after.free_pages == first.free_pages &&
				 after.heap_bytes <= first.heap_bytes + 4096),
		    "memory after the first resume and after the last: %lu / %lu free pages, "
		    "%lu / %lu heap bytes",
		    (unsigned long)first.free_pages, (unsigned long)after.free_pages,
		    (unsigned long)first.heap_bytes, (unsigned long)after.heap_bytes);
	}
	return pvh_tap_result("suspend");
}
