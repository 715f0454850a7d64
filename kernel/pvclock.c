/* pvclock arithmetic, kept free of Xen access so the host tests run it with made-up snapshots. */
#include "kernel/pvclock.h"

uint64_t pvclock_scale(uint64_t delta, uint32_t mul, int8_t shift)
{
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
	if (!mul)
		return 0;
	/* 1e9 * 2^32 still fits in 64 bits; 128-bit division would need libgcc */
	uint64_t hz = (1000000000ull << 32) / mul;

	return shift < 0 ? hz << -shift : hz >> shift;
}
