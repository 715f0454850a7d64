/*
 * The TSC rate, worked out once for everybody (time, SMP bring-up, xenbus, the boot report). On
 * Xen the kernel hands in pvclock's rate, which is what Xen scales the TSC by; without Xen,
 * CPUID leaf 0x15 (TSC/crystal ratio) or 0x16 (base frequency) may state it; otherwise 3 GHz is
 * assumed, so that delays come out long rather than short.
 */
#include <stdint.h>
#include "arch/x86/cpu.h"
#include "arch/x86/tsc.h"

#define FALLBACK_TSC_HZ 3000000000ull

static uint64_t hz;
static int assumed;

void tsc_set_hz(uint64_t xen_hz)
{
	if (xen_hz)
		hz = xen_hz, assumed = 0;
}

static uint64_t cpuid_hz(void)
{
	uint32_t a, b, c, d, max;

	cpuid(0, 0, &max, &b, &c, &d);
	if (max >= 0x15) {
		cpuid(0x15, 0, &a, &b, &c, &d);
		if (a && b && c)
			return (uint64_t)c * b / a;
	}
	if (max >= 0x16) {
		cpuid(0x16, 0, &a, &b, &c, &d);
		return (uint64_t)(a & 0xffff) * 1000000;
	}
	return 0;
}

uint64_t tsc_hz(void)
{
	if (hz)
		return hz;
	hz = cpuid_hz();
	if (!hz)
		hz = FALLBACK_TSC_HZ, assumed = 1;
	return hz;
}

int tsc_hz_assumed(void)
{
	tsc_hz();
	return assumed;
}

uint64_t tsc_ticks_to_us(uint64_t t)
{
	return t / (tsc_hz() / 1000000);
}

uint64_t tsc_deadline_us(uint64_t us)
{
	return rdtsc() + us * (tsc_hz() / 1000000);
}

void tsc_udelay(uint64_t us)
{
	uint64_t end = tsc_deadline_us(us);

	while ((int64_t)(rdtsc() - end) < 0)
		cpu_relax();
}
