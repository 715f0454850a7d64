/* Time: monotonic nanoseconds from Xen's pvclock, the wall clock from shared info. */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <stdint.h>

#define NSEC_PER_SEC 1000000000ull

/* 0 or -ENODEV when there is no Xen (no clock source yet). */
int time_init(void);
int time_available(void);
/* Nanoseconds of Xen system time (since the domain started); 0 without a clock. */
uint64_t time_monotonic_ns(void);
/* Wall clock in nanoseconds since 1970; 0 without a clock. */
uint64_t time_wall_ns(void);
/* TSC frequency in Hz as Xen describes it; 0 when unknown. */
uint64_t time_tsc_hz(void);

#endif
