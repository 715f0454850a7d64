/* The TSC as the one clock for delays and tick conversions, with the one idea of its rate. */
#ifndef ARCH_X86_TSC_H
#define ARCH_X86_TSC_H

#include <stdint.h>
#include "arch/x86/cpu.h" /* rdtsc() */

/* Xen's word on the rate (from pvclock, given by the kernel's clock): preferred to CPUID's. */
void tsc_set_hz(uint64_t hz);
/* Ticks per second: Xen's (tsc_set_hz), else CPUID leaf 0x15 or 0x16's, else an assumed 3 GHz. */
uint64_t tsc_hz(void);
/* 1 when nobody stated the rate and tsc_hz() is the assumed 3 GHz. */
int tsc_hz_assumed(void);
/* Microseconds in t ticks at tsc_hz(). */
uint64_t tsc_ticks_to_us(uint64_t t);
/* The TSC value us microseconds from now, for a deadline: (int64_t)(rdtsc() - end) >= 0. */
uint64_t tsc_deadline_us(uint64_t us);
/* Spins for us microseconds. */
void tsc_udelay(uint64_t us);

#endif
