/* pvclock arithmetic, kept free of Xen access so the host tests run it with made-up snapshots. */
#include "kernel/pvclock.h"

uint64_t pvclock_scale(uint64_t delta, uint32_t mul, int8_t shift)
{
	/* a shift of 64 or more is undefined in C; as a 64-bit shift it leaves nothing */
	if (shift >= 64 || shift <= -64)
		return 0;
	if (shift < 0)
		delta >>= -shift;
	else
		delta <<= shift;
	return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

uint64_t pvclock_ns(const struct pvclock_snapshot *s, uint64_t tsc)
{
	/*
	 * The difference is signed, as in Xen: for a PVH/HVM guest Xen adds the guest's TSC offset
	 * to a stamp its physical CPU took at its last calibration (up to a second ago), so in the
	 * guest's first second the stamp is "negative" (near 2^64) while the guest's TSC is small.
	 * An unsigned "tsc > stamp" test took that for a TSC behind the stamp and returned
	 * system_time: the clock stood still until Xen's next calibration, and a 1 ms sleep took a
	 * second (seen on the rig). A TSC really behind the stamp (unsynchronised CPUs) goes back by
	 * that little, never below zero; time_monotonic_ns() keeps the result monotonic.
	 */
	int64_t delta = (int64_t)(tsc - s->tsc_timestamp);

	if (delta >= 0)
		return s->system_time + pvclock_scale((uint64_t)delta, s->mul, s->shift);
	uint64_t back = pvclock_scale(-(uint64_t)delta, s->mul, s->shift);
	return back < s->system_time ? s->system_time - back : 0;
}

uint64_t pvclock_tsc_hz(uint32_t mul, int8_t shift)
{
	/* ns = ticks * mul / 2^(32 - shift)  =>  ticks per 1e9 ns = 1e9 * 2^(32 - shift) / mul */
	if (!mul || shift >= 64 || shift <= -64)
		return 0; /* unknown; and a shift of 64 or more is undefined in C */
	/* 1e9 * 2^32 still fits in 64 bits; 128-bit division would need libgcc */
	uint64_t hz = (1000000000ull << 32) / mul;

	if (shift >= 0)
		return hz >> shift;
	/* a frequency that does not fit in 64 bits is nonsense: unknown rather than wrapped */
	return hz > UINT64_MAX >> -shift ? 0 : hz << -shift;
}
