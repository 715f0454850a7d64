/* Xen's pvclock arithmetic: system time from a vcpu_time_info snapshot and the TSC. */
#ifndef KERNEL_PVCLOCK_H
#define KERNEL_PVCLOCK_H

#include <stdint.h>

/* ((delta << shift) * mul) >> 32, with a negative shift meaning a right shift. */
uint64_t pvclock_scale(uint64_t delta, uint32_t mul, int8_t shift);

/* The fields of a vcpu_time_info that matter, copied under its version lock. */
struct pvclock_snapshot {
	uint64_t tsc_timestamp, system_time;
	uint32_t mul;
	int8_t shift;
};

/* Nanoseconds of system time at TSC value tsc; tsc - tsc_timestamp is a signed 64-bit difference. */
uint64_t pvclock_ns(const struct pvclock_snapshot *s, uint64_t tsc);

/* TSC ticks per second implied by mul/shift (the inverse of the scaling). */
uint64_t pvclock_tsc_hz(uint32_t mul, int8_t shift);

#endif
