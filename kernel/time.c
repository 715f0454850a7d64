/*
 * pvclock and wall clock, read under the version locks Xen uses while it updates them. Each vCPU
 * reads its own vcpu_time_info; the vCPUs' clocks may differ by a little (up to 0.5 ms seen on
 * the rig), so the monotonic time handed out always exceeds what any CPU handed out before (a
 * thread may migrate).
 */
#include "arch/x86/cpu.h"
#include "arch/x86/tsc.h"
#include "arch/x86/xen.h"
#include "base/atomic.h"
#include "base/errno.h"
#include "kernel/cpu.h"
#include "kernel/printk.h"
#include "kernel/pvclock.h"
#include "kernel/time.h"
#include <stddef.h>
#include <stdint.h>
#include <xen/xen.h>

static int ready;
static uint64_t last_ns; /* the highest monotonic time returned so far, on any CPU */
/*
 * Monotonic time minus Xen's system time: 0 until the domain is restored or migrated, where
 * Xen's clock starts over (another host, or the same one later); see time_resume.
 */
static int64_t xen_offset;
/* read just before the suspend: monotonic time, Xen's time, the wall clock at Xen's time 0 */
static uint64_t suspend_mono, suspend_raw, suspend_base;

/* how often, and by how much at worst, a CPU's own clock was behind last_ns (diagnostics) */
static uint64_t behind_count, behind_max_ns;

static void note_behind(uint64_t ns)
{
	__atomic_fetch_add(&behind_count, 1, __ATOMIC_RELAXED);
	atomic_max_u64(&behind_max_ns, ns);
}

void time_skew_stats(uint64_t *count, uint64_t *max_ns)
{
	*count = __atomic_load_n(&behind_count, __ATOMIC_RELAXED);
	*max_ns = __atomic_load_n(&behind_max_ns, __ATOMIC_RELAXED);
}

/* This vCPU's pvclock: the area registered by physical address when Xen took it, else vcpu_info's. */
static volatile struct vcpu_time_info *time_info(void)
{
	struct cpu_arch *a = &this_cpu()->arch;
	volatile struct vcpu_time_info *t = __atomic_load_n(&a->time_info, __ATOMIC_ACQUIRE);

	return t ? t : &a->vcpu_info->time;
}

uint32_t time_info_copy(const volatile struct vcpu_time_info *t, struct pvclock_snapshot *s,
			uint8_t *flags, uint64_t *tsc)
{
	uint32_t v;

	/* odd version: Xen is writing; a changed version: we read a torn copy */
	do {
		v = t->version;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s->tsc_timestamp = t->tsc_timestamp;
		s->system_time = t->system_time;
		s->mul = t->tsc_to_system_mul;
		s->shift = t->tsc_shift;
		if (flags)
			*flags = t->flags;
		if (tsc)
			*tsc = rdtsc();
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((v & 1) || v != t->version);
	return v;
}

static void snapshot(struct pvclock_snapshot *s, uint64_t *tsc)
{
	time_info_copy(time_info(), s, NULL, tsc);
}

int time_init(void)
{
	struct pvclock_snapshot s;
	uint64_t tsc;

	if (!xen_shared_info || !this_cpu()->arch.vcpu_info)
		return -ENODEV;
	ready = 1;
	/* the rate Xen scales the TSC by is the TSC's rate for everybody (arch/x86/tsc.c) */
	snapshot(&s, &tsc);
	tsc_set_hz(pvclock_tsc_hz(s.mul, s.shift));
	return 0;
}

int time_available(void)
{
	return ready;
}

uint64_t time_vcpu_ns(int *tsc_stable)
{
	struct pvclock_snapshot s;
	uint64_t tsc;

	if (!ready)
		return 0;
	snapshot(&s, &tsc);
	if (tsc_stable)
		*tsc_stable = (time_info()->flags & XEN_PVCLOCK_TSC_STABLE_BIT) != 0;
	return pvclock_ns(&s, tsc);
}

uint64_t time_monotonic_ns(void)
{
	if (!ready)
		return 0;
	/* no migration in between: threads switch only in schedule(), never in here */
	uint64_t raw =
		     time_vcpu_ns(NULL) + (uint64_t)__atomic_load_n(&xen_offset, __ATOMIC_RELAXED),
		 last = __atomic_load_n(&last_ns, __ATOMIC_RELAXED), next;

	/*
	 * Strictly increasing: a CPU whose own clock is behind hands out last + 1 rather than last,
	 * so its time still moves (a deadline of now + 1 ns is over at the next read, not only when
	 * this CPU's clock has caught up). Never faster than real time: a read takes over 1 ns.
	 */
	do {
		next = raw > last ? raw : last + 1;
	} while (!__atomic_compare_exchange_n(&last_ns, &last, next, 1, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	if (raw < last)
		note_behind(last - raw);
	return next;
}

uint64_t time_to_xen_ns(uint64_t mono)
{
	int64_t off = __atomic_load_n(&xen_offset, __ATOMIC_RELAXED);

	/* a deadline before Xen's time 0 is simply in the past */
	return off > 0 && mono < (uint64_t)off ? 0 : mono - (uint64_t)off;
}

/*
 * A restored domain's shared info holds no wall clock until the toolstack or Xen sets one (seen
 * on the rig: 0 s at resume): meanwhile the old one, carried over by time_resume, stands in.
 */
static uint64_t wall_stand_in;

/* Xen's wall clock at system time 0 (the host's, kept in shared info); 0 when unset. */
static uint64_t wall_base_xen(void)
{
	volatile struct shared_info *sh = xen_shared_info;
	uint64_t sec, nsec;
	uint32_t v;
	do {
		v = sh->wc_version;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		sec = ((uint64_t)sh->wc_sec_hi << 32) | sh->wc_sec;
		nsec = sh->wc_nsec;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((v & 1) || v != sh->wc_version);
	return sec * NSEC_PER_SEC + nsec;
}

static uint64_t wall_base(void)
{
	uint64_t b = wall_base_xen(), in = __atomic_load_n(&wall_stand_in, __ATOMIC_RELAXED);

	if (!b)
		return in;
	/* said once per resume: how far Xen's own differs from what stood in for it */
	if (in && __atomic_exchange_n(&wall_stand_in, 0, __ATOMIC_RELAXED))
		pr_info("time: Xen set the wall clock after the resume: %ld ms from the stand-in\n",
			(long)((int64_t)(b - in) / 1000000));
	return b;
}

uint64_t time_wall_ns(void)
{
	if (!ready)
		return 0;
	/* the wall clock holds the time at Xen's system time 0 */
	return wall_base() + time_to_xen_ns(time_monotonic_ns());
}

void time_suspend(void)
{
	if (!ready)
		return;
	suspend_mono = time_monotonic_ns();
	suspend_raw = time_to_xen_ns(suspend_mono);
	suspend_base = wall_base();
}

/*
 * The real time away, as well as the guest can tell: the wall clocks' difference when both
 * domains had one (Xen fills shared info's wall clock per domain; the toolstack may not have set
 * it yet), else Xen's system time's when it moved forward by less than a day (the same host:
 * its clock runs on), else nothing (a step of nonsense is worse than a pause).
 */
static uint64_t time_away(uint64_t raw, uint64_t base)
{
	if (base && suspend_base) {
		uint64_t before = suspend_base + suspend_raw, after = base + raw;

		return after > before ? after - before : 0;
	}
	if (raw > suspend_raw && raw - suspend_raw < 86400ull * NSEC_PER_SEC)
		return raw - suspend_raw;
	return 0;
}

void time_resume(int new_domain)
{
	if (!ready || !new_domain)
		return; /* same domain, same clock */
	/*
	 * Xen's system time counts from this host's boot: after a restore or a migration it may be
	 * ahead or behind what we handed out. The monotonic clock continues from its last value
	 * plus the real time away, never from Xen's value itself.
	 */
	uint64_t raw = time_vcpu_ns(NULL), base = wall_base_xen();
	uint64_t away = time_away(raw, base);
	uint64_t want = suspend_mono + away;

	__atomic_store_n(&xen_offset, (int64_t)(want - raw), __ATOMIC_RELAXED);
	/* the wall clock then reads as the old one plus the time away, until Xen sets its own */
	if (suspend_base)
		__atomic_store_n(&wall_stand_in, suspend_base + suspend_raw + away - raw,
				 __ATOMIC_RELAXED);
	pr_info(
	    "time: resumed after %lu ms away; monotonic time goes on at %lu ms; Xen's clock "
	    "was at %lu ms, is at %lu ms; wall clock at Xen's time 0: %lu s before, %lu s now\n",
	    (unsigned long)(away / 1000000), (unsigned long)(want / 1000000),
	    (unsigned long)(suspend_raw / 1000000), (unsigned long)(raw / 1000000),
	    (unsigned long)(suspend_base / NSEC_PER_SEC), (unsigned long)(base / NSEC_PER_SEC));
}
