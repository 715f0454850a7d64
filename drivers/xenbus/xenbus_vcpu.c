/*
 * vCPU hot-plug requests from the toolstack. `xl vcpu-set` (XAPI's VCPUs-number-live) writes
 * cpu/N/availability = "online" or "offline" under the domain's home for each vCPU N whose state
 * it wants changed, and leaves the rest to the guest, as Linux's PV and PVH guests do. A watch on
 * cpu/ wakes one thread (pinned to the boot CPU, which never goes offline) that reads every
 * cpu/N/availability and asks the kernel for what differs from the last request seen for N
 * (kernel/cpu_hotplug.c: starts a vCPU never started, brings one back, takes one down; refuses
 * the boot CPU and vCPUs the MADT does not list, with a message). Reading the whole directory on
 * each wake makes quick successive requests converge on the last one, however many events came.
 * Names that are not vCPU numbers and values other than online/offline are reported and counted.
 */
#include "arch/x86/tsc.h"
#include "base/errno.h"
#include "base/fmt.h"
#include "base/string.h"
#include "drivers/xenbus/xenbus.h"
#include "kernel/heap.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/smp.h"
#include "kernel/waitq.h"

#define SEEN_MAX 128 /* vCPUs whose last request is remembered (more are acted on each time) */

struct xenbus_vcpu_stats xenbus_vcpu_stats;

static struct xs_watch cpu_watch;
static struct semaphore wake;
static uint64_t event_tsc; /* when the latest event arrived (TSC) */
static int pending;	   /* an event came since the thread last looked */
static struct {
	uint32_t id;
	int want; /* 1 online, 0 offline: the last request acted on */
} seen[SEEN_MAX];
static unsigned nseen;

/* A vCPU number: decimal digits, no leading zero, below 2^31; else -EINVAL. */
static int parse_id(const char *s, uint32_t *id)
{
	uint64_t v = 0;

	if (!*s || (s[0] == '0' && s[1]))
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || (v = v * 10 + (uint64_t)(*s - '0')) > 0x7fffffff)
			return -EINVAL;
	}
	*id = (uint32_t)v;
	return 0;
}

/* 1 when this request for id is new (not the last one acted on); remembers it. */
static int is_new(uint32_t id, int want)
{
	for (unsigned i = 0; i < nseen; i++) {
		if (seen[i].id != id)
			continue;
		int changed = seen[i].want != want;
		seen[i].want = want;
		return changed;
	}
	if (nseen < SEEN_MAX)
		seen[nseen++] = (typeof(seen[0])){ id, want };
	return 1;
}

/* The request for cpu/<name>: 1 online, 0 offline, or a negative errno (reported). */
static int read_request(const char *name, uint32_t *id)
{
	char path[48], val[16];

	if (parse_id(name, id)) {
		xenbus_vcpu_stats.bad_names++;
		pr_warn("xenbus: cpu/%.16s: not a vCPU number, ignored\n", name);
		return -EINVAL;
	}
	fmt_snprintf(path, sizeof(path), "cpu/%s/availability", name);
	int r = xs_read(NULL, path, val, sizeof(val));
	if (r == -ENOENT)
		return r; /* being written: its own event follows */
	if (r >= 0 && !strcmp(val, "online"))
		return 1;
	if (r >= 0 && !strcmp(val, "offline"))
		return 0;
	xenbus_vcpu_stats.bad_values++;
	pr_warn("xenbus: %s: %s, ignored\n", path,
		r < 0 ? "unreadable" : "neither online nor offline");
	return r < 0 ? r : -EINVAL;
}

static void reconcile(void)
{
	char **names;
	int n = xs_directory(NULL, "cpu", &names);
	unsigned acted = 0;
	uint64_t t0 = __atomic_load_n(&event_tsc, __ATOMIC_ACQUIRE);

	if (n < 0) {
		if (n != -ENOENT)
			pr_warn("xenbus: cpu/ unreadable (%d)\n", n);
		return;
	}
	for (int i = 0; i < n; i++) {
		uint32_t id;
		int want = read_request(names[i], &id);

		/* a request seen before, or one that matches what is, needs nothing */
		if (want < 0 || !is_new(id, want) || smp_vcpu_state(id) == want)
			continue;
		pr_info("xenbus: cpu/%u/availability: %s\n", id, want ? "online" : "offline");
		int r = smp_vcpu_set(id, want);
		xenbus_vcpu_stats.requests++;
		acted++;
		if (r && r != -ENOENT && r != -EPERM)
			is_new(id, !want); /* failed: try again at the next event */
	}
	kfree(names);
	if (acted)
		pr_info("xenbus: cpu/: %u vCPU requests taken in %lu us, %u CPUs online\n", acted,
			(unsigned long)tsc_ticks_to_us(rdtsc() - t0), smp_online_count());
}

static void hotplug_thread(void *arg)
{
	(void)arg;
	for (;;) {
		sem_down(&wake);
		__atomic_store_n(&pending, 0, __ATOMIC_SEQ_CST);
		reconcile();
	}
}

static void cpu_changed(struct xs_watch *w, const char *path)
{
	(void)w;
	(void)path;
	__atomic_store_n(&event_tsc, rdtsc(), __ATOMIC_RELEASE);
	xenbus_vcpu_stats.events++;
	/* one wake for any number of events: the thread reads everything anyway */
	if (!__atomic_exchange_n(&pending, 1, __ATOMIC_SEQ_CST))
		sem_up(&wake);
}

int xenbus_vcpu_init(void)
{
	sem_init(&wake, 0);
	/* on the boot CPU: the one CPU no request takes offline under it */
	if (!thread_create_on("vcpu-hotplug", hotplug_thread, NULL, 16 * 1024, 0))
		return -ENOMEM;
	cpu_watch = (struct xs_watch){ .path = "cpu", .fn = cpu_changed };
	return xs_watch(NULL, &cpu_watch);
}
