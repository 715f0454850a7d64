/* Tests the pvclock arithmetic (kernel/pvclock.c) against exact 128-bit models and Xen's own scale choice. */
#include <criterion/criterion.h>
#include <stdint.h>
#include "kernel/pvclock.h"

#define NS 1000000000ull

/* The definition from Xen's scale_delta: the shift is done on the 64-bit delta, the product is exact. */
static uint64_t model_scale(uint64_t delta, uint32_t mul, int shift)
{
	if (shift < 0)
		delta >>= -shift;
	else
		delta <<= shift;
	return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

/* mul/shift for a TSC frequency exactly as Xen's set_time_scale picks them: mul in [2^31, 2^32). */
static void xen_time_scale(uint64_t hz, uint32_t *mul, int8_t *shift)
{
	uint64_t tps64 = hz;
	int s = 0;

	while (tps64 > 2 * NS) {
		tps64 >>= 1;
		s--;
	}
	uint32_t tps32 = (uint32_t)tps64;
	while (tps32 <= NS) {
		tps32 <<= 1;
		s++;
	}
	*mul = (uint32_t)((NS << 32) / tps32);
	*shift = (int8_t)s;
}

static uint64_t rnd(uint64_t *x)
{
	*x = *x * 6364136223846793005ull + 1442695040888963407ull;
	return *x ^ (*x >> 29);
}

Test(pvclock, xen_scale_for_real_frequencies)
{
	uint32_t mul;
	int8_t shift;

	xen_time_scale(2500000000ull, &mul, &shift); /* 2.5 GHz: 0.4 ns a tick = 0.8 * 2^-1 */
	cr_assert_eq(shift, -1);
	cr_assert_eq(mul, 3435973836u);
	xen_time_scale(1000000000ull, &mul, &shift); /* exactly 1 GHz: 1.0 = 0.5 * 2^1 */
	cr_assert_eq(shift, 1);
	cr_assert_eq(mul, 1u << 31);
	xen_time_scale(100000000ull, &mul, &shift); /* 100 MHz: 10 ns = 0.625 * 2^4 */
	cr_assert_eq(shift, 4);
	cr_assert_eq(mul, 2684354560u);
}

Test(pvclock, scale_negative_shift)
{
	/* 2.5 GHz: one second of ticks is one second, short by Xen's truncated mul (0.23 ns) */
	cr_assert_eq(pvclock_scale(2500000000ull, 3435973836u, -1), NS - 1);
	cr_assert_eq(pvclock_scale(2500, 3435973836u, -1), 999);
	cr_assert_eq(pvclock_scale(1, 0xffffffffu, -1), 0, "the shifted-out bit is lost first");
	cr_assert_eq(pvclock_scale(8, 1u << 31, -2), 1);
	cr_assert_eq(pvclock_scale(UINT64_MAX, 1u << 31, -63), 0);
}

Test(pvclock, scale_positive_and_zero_shift)
{
	cr_assert_eq(pvclock_scale(1000, 1u << 31, 1), 1000, "1 GHz");
	cr_assert_eq(pvclock_scale(100000000ull, 2684354560u, 4), NS, "100 MHz");
	cr_assert_eq(pvclock_scale(3, 1u << 31, 0), 1, "1.5 truncated");
	cr_assert_eq(pvclock_scale(1ull << 40, 0x80000000u, 0), 1ull << 39);
}

Test(pvclock, scale_large_deltas_exact)
{
	/* the product needs up to 96 bits: a 64-bit multiply would lose the top */
	cr_assert_eq(pvclock_scale(UINT64_MAX, 0xffffffffu, 0),
		     (uint64_t)(((unsigned __int128)UINT64_MAX * 0xffffffffu) >> 32));
	cr_assert_eq(pvclock_scale(UINT64_MAX, 0xffffffffu, 0), 0xfffffffeffffffffull);
	cr_assert_eq(pvclock_scale(1ull << 63, 1u << 31, 0), 1ull << 62);
	/* ten years at 2.5 GHz */
	uint64_t ten_years = 2500000000ull * 86400 * 3653;
	cr_assert_eq(pvclock_scale(ten_years, 3435973836u, -1),
		     model_scale(ten_years, 3435973836u, -1));

	uint64_t x = 42;
	for (int i = 0; i < 100000; i++) {
		int shift = (int)(rnd(&x) % 13) - 8; /* Xen's range in practice: a few either way */
		uint32_t mul = (uint32_t)rnd(&x);
		/* every magnitude, with delta << shift kept within 64 bits */
		uint64_t delta = rnd(&x) >> (rnd(&x) % 64);
		if (shift > 0)
			delta >>= shift;
		unsigned __int128 exact = (unsigned __int128)delta * mul;

		exact = shift < 0 ? (exact >> -shift) : (exact << shift);
		uint64_t got = pvclock_scale(delta, mul, (int8_t)shift);

		cr_assert_eq(got, model_scale(delta, mul, shift), "delta %#llx mul %#x shift %d",
			     (unsigned long long)delta, mul, shift);
		/* a right shift before the multiply loses at most mul/2^32 < 1 ns beyond the floor */
		uint64_t ideal = (uint64_t)(exact >> 32);
		cr_assert(got == ideal || (shift < 0 && got + 1 == ideal),
			  "delta %#llx mul %#x shift %d", (unsigned long long)delta, mul, shift);
	}
}

Test(pvclock, scale_shift_wraps_like_xen)
{
	/* Xen shifts the 64-bit delta too, so guest and hypervisor agree even past 2^64 (centuries) */
	cr_assert_eq(pvclock_scale((1ull << 63) + 5, 1u << 31, 1), 5);
}

Test(pvclock, scale_out_of_range_shift_is_defined)
{
	/* a shift of 64 or more is undefined in C: UBSan aborts here if it is done as is */
	cr_assert_eq(pvclock_scale(12345, 0xffffffffu, 64), 0);
	cr_assert_eq(pvclock_scale(12345, 0xffffffffu, 127), 0);
	cr_assert_eq(pvclock_scale(UINT64_MAX, 0xffffffffu, -64), 0);
	cr_assert_eq(pvclock_scale(UINT64_MAX, 0xffffffffu, -128), 0);
	cr_assert_eq(pvclock_tsc_hz(1u << 31, 64), 0);
	cr_assert_eq(pvclock_tsc_hz(1u << 31, -128), 0);
	/* representable shifts whose frequency is not: 0 (unknown), not a wrapped value */
	cr_assert_eq(pvclock_tsc_hz(1u << 31, -40), 0);
}

Test(pvclock, mul_zero)
{
	cr_assert_eq(pvclock_scale(UINT64_MAX, 0, 0), 0);
	cr_assert_eq(pvclock_scale(12345, 0, -3), 0);
	struct pvclock_snapshot s = { .tsc_timestamp = 100, .system_time = 777, .mul = 0 };
	cr_assert_eq(pvclock_ns(&s, 1000000), 777, "time stands still, no crash");
	cr_assert_eq(pvclock_tsc_hz(0, 0), 0, "unknown, not a division by zero");
	cr_assert_eq(pvclock_tsc_hz(0, -1), 0);
}

Test(pvclock, ns_from_snapshot)
{
	struct pvclock_snapshot s = {
		.tsc_timestamp = 1000000, .system_time = 5 * NS, .mul = 3435973836u, .shift = -1
	};

	cr_assert_eq(pvclock_ns(&s, 1000000), 5 * NS, "at the timestamp");
	cr_assert_eq(pvclock_ns(&s, 1000000 + 2500), 5 * NS + 999);
	cr_assert_eq(pvclock_ns(&s, 1000000 + 2500000000ull), 6 * NS - 1);
	cr_assert_eq(pvclock_ns(&s, 1000000 + 25000000000ull), 15 * NS - 3,
		     "ten seconds scale to 9.9999999977 s, floored");
}

Test(pvclock, ns_tsc_behind_timestamp_goes_back_a_little)
{
	struct pvclock_snapshot s = {
		.tsc_timestamp = 1ull << 40, .system_time = 3 * NS, .mul = 1u << 31, .shift = 1
	};

	/* an unsigned difference would be ~2^64 ticks: a jump of centuries */
	cr_assert_eq(pvclock_ns(&s, (1ull << 40) - 1), 3 * NS - 1);
	cr_assert_eq(pvclock_ns(&s, (1ull << 40) - 1000), 3 * NS - 1000);
	cr_assert_eq(pvclock_ns(&s, (1ull << 40) + 1), 3 * NS + 1);
	/* never below zero */
	cr_assert_eq(pvclock_ns(&s, 0), 0);
	s.system_time = 10;
	cr_assert_eq(pvclock_ns(&s, (1ull << 40) - 10), 0);
	cr_assert_eq(pvclock_ns(&s, (1ull << 40) - 11), 0);
}

Test(pvclock, ns_negative_timestamp_early_in_a_guest)
{
	/*
	 * Captured on the rig (Xen 4.17, 1 vCPU, 0.46 s into the guest): Xen's stamp, taken before
	 * the guest's TSC started, plus the guest's negative TSC offset. The time at this TSC is
	 * 1.6e9 ticks (0.635 s) after system_time, not system_time itself: the old unsigned
	 * comparison made the clock stand still for a second.
	 */
	struct pvclock_snapshot s = { .tsc_timestamp = 18446744073259873924ull,
				      .system_time = 23893156430ull,
				      .mul = 3301894570u,
				      .shift = -1 };
	uint64_t tsc = 1200084544ull, ticks = tsc - s.tsc_timestamp;

	cr_assert_eq(ticks, 1649762236ull);
	cr_assert_eq(pvclock_ns(&s, tsc), s.system_time + model_scale(ticks, s.mul, s.shift));
	cr_assert_gt(pvclock_ns(&s, tsc), s.system_time + 634 * (NS / 1000));
	/* 2600 ticks at 2.6 GHz: a microsecond, give or take the floors */
	uint64_t d = pvclock_ns(&s, tsc + 2600) - pvclock_ns(&s, tsc);
	cr_assert(d >= 999 && d <= 1000, "and it keeps running (%llu ns)", (unsigned long long)d);
	/* the stamp itself is -449677692 ticks: 6 ticks later is 6 ticks of time */
	s.tsc_timestamp = UINT64_MAX;
	cr_assert_eq(pvclock_ns(&s, 5), s.system_time + model_scale(6, s.mul, s.shift));
}

Test(pvclock, tsc_hz_of_real_frequencies)
{
	static const uint64_t freqs[] = { 100000000ull,	 999999999ull,	1000000000ull,
					  1000000001ull, 2100000000ull, 2500000000ull,
					  2999999999ull, 3600000000ull, 5000000000ull };

	for (unsigned i = 0; i < sizeof(freqs) / sizeof(freqs[0]); i++) {
		uint32_t mul;
		int8_t shift;

		xen_time_scale(freqs[i], &mul, &shift);
		cr_assert_geq(mul, 1u << 31);
		uint64_t hz = pvclock_tsc_hz(mul, shift);
		/*
		 * mul >= 2^31 is off by under one unit, a relative error below 2^-31; the division and
		 * the shift lose under 2^|shift| Hz more. 2^-30 of the frequency covers the first.
		 */
		uint64_t tol = freqs[i] / (1ull << 30) + (1ull << (shift < 0 ? -shift : shift));
		cr_assert(hz + tol >= freqs[i] && hz <= freqs[i] + tol, "%llu Hz gave %llu",
			  (unsigned long long)freqs[i], (unsigned long long)hz);
	}
	cr_assert_eq(pvclock_tsc_hz(3435973836u, -1), 2500000000ull);
	cr_assert_eq(pvclock_tsc_hz(1u << 31, 1), NS);
	cr_assert_eq(pvclock_tsc_hz(2684354560u, 4), 100000000ull);
}

Test(pvclock, round_trip_one_second)
{
	uint64_t x = 7;

	for (int i = 0; i < 100000; i++) {
		uint32_t mul = (uint32_t)(rnd(&x) | (1ull << 31)); /* Xen's normalised range */
		int8_t shift = (int8_t)((int)(rnd(&x) % 13) - 8);
		uint64_t hz = pvclock_tsc_hz(mul, shift);
		uint64_t ns = pvclock_scale(hz, mul, shift);
		/*
		 * hz >> -shift (or hz << shift) gives back q = floor(1e9 * 2^32 / mul), bar the 2^shift - 1
		 * low bits a positive shift drops; q * mul lies within mul < 2^32 below 1e9 * 2^32. So
		 * the result is at most 1e9 and at least 1e9 - 2^max(shift, 0).
		 */
		uint64_t lo = NS - (1ull << (shift > 0 ? shift : 0));

		cr_assert(ns <= NS && ns >= lo, "mul %#x shift %d: hz %llu -> %llu ns", mul, shift,
			  (unsigned long long)hz, (unsigned long long)ns);
	}
}
