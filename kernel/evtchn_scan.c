/* The 2-level event-channel pending scan: selector word, then pending & ~mask, lowest port first. */
#include <stddef.h>
#include "kernel/evtchn_scan.h"

unsigned evtchn_scan(uint64_t *sel, uint64_t *pending, const uint64_t *mask, evtchn_scan_fn fn,
		     void *ctx)
{
	return evtchn_scan_cpu(sel, pending, mask, NULL, fn, ctx);
}

unsigned evtchn_scan_cpu(uint64_t *sel, uint64_t *pending, const uint64_t *mask,
			 const uint64_t *mine, evtchn_scan_fn fn, void *ctx)
{
	uint64_t words = __atomic_exchange_n(sel, 0, __ATOMIC_ACQ_REL);
	unsigned calls = 0;

	while (words) {
		unsigned w = (unsigned)__builtin_ctzll(words);

		words &= words - 1;
		uint64_t bits = __atomic_load_n(&pending[w], __ATOMIC_ACQUIRE) &
				~__atomic_load_n(&mask[w], __ATOMIC_RELAXED);

		if (mine)
			bits &= __atomic_load_n(&mine[w], __ATOMIC_RELAXED);
		while (bits) {
			unsigned b = (unsigned)__builtin_ctzll(bits);
			uint64_t bit = 1ull << b;

			bits &= bits - 1;
			/*
			 * bits is a snapshot; an earlier fn may since have masked this port (it must
			 * stay pending) or another vCPU consumed it (delivering it again would be a
			 * duplicate). So re-check the mask, and deliver only if we cleared the bit.
			 */
			if (__atomic_load_n(&mask[w], __ATOMIC_RELAXED) & bit)
				continue;
			if (!(__atomic_fetch_and(&pending[w], ~bit, __ATOMIC_ACQ_REL) & bit))
				continue;
			fn(w * EVTCHN_WORD_BITS + b, ctx);
			calls++;
		}
	}
	return calls;
}
