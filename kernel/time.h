/* Time: monotonic nanoseconds from Xen's pvclock, the wall clock from shared info. */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <stdint.h>

struct pvclock_snapshot;
struct vcpu_time_info;

#define NSEC_PER_SEC 1000000000ull

/* 0 or -ENODEV when there is no Xen (no clock source yet); gives arch/x86/tsc.c Xen's TSC rate. */
int time_init(void);
int time_available(void);
/* Nanoseconds of Xen system time (since the domain started), strictly increasing across all
 * CPUs; 0 without a clock. */
uint64_t time_monotonic_ns(void);
/*
 * This vCPU's own pvclock, as Xen keeps it (what time_monotonic_ns is built from, before it is
 * made to agree across CPUs); *tsc_stable (may be NULL): Xen set XEN_PVCLOCK_TSC_STABLE_BIT,
 * promising all vCPUs' clocks agree. The caller must not migrate in between (no schedule()).
 */
uint64_t time_vcpu_ns(int *tsc_stable);
/*
 * Reads whose own vCPU clock was behind the time already handed out (so they returned that
 * instead), and the largest such gap: how far apart Xen keeps the vCPUs' pvclocks.
 */
void time_skew_stats(uint64_t *count, uint64_t *max_ns);
/*
 * Copies a vcpu_time_info under Xen's version lock, with its flags and the TSC read inside the
 * same window when flags / tsc are not NULL; returns the version copied (even, and unchanged
 * across the copy).
 */
uint32_t time_info_copy(const volatile struct vcpu_time_info *t, struct pvclock_snapshot *s,
			uint8_t *flags, uint64_t *tsc);
/* Wall clock in nanoseconds since 1970; 0 without a clock. */
uint64_t time_wall_ns(void);
/*
 * A monotonic time as Xen's system time, for what hands Xen an absolute deadline
 * (VCPUOP_set_singleshot_timer, SCHEDOP_poll): they differ after a restore or a migration.
 */
uint64_t time_to_xen_ns(uint64_t mono);
/* Suspend (kernel/suspend.c): notes the clocks before, and continues them after a new domain. */
void time_suspend(void);
void time_resume(int new_domain);

#endif
