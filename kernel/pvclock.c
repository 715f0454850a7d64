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
	/* after a migration or on an unsynchronised TSC, time must not jump backwards by 2^64 */
	uint64_t delta = tsc > s->tsc_timestamp ? tsc - s->tsc_timestamp : 0;

	return s->system_time + pvclock_scale(delta, s->mul, s->shift);
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
