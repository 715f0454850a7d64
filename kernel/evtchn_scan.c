/* The 2-level event-channel pending scan: selector word, then pending & ~mask, lowest port first. */
#include "kernel/evtchn_scan.h"

unsigned evtchn_scan(uint64_t *sel, uint64_t *pending, const uint64_t *mask, evtchn_scan_fn fn,
		     void *ctx)
{
	uint64_t words = __atomic_exchange_n(sel, 0, __ATOMIC_ACQ_REL);
	unsigned calls = 0;

	while (words) {
		unsigned w = (unsigned)__builtin_ctzll(words);

		words &= words - 1;
		uint64_t bits = __atomic_load_n(&pending[w], __ATOMIC_ACQUIRE) &
				~__atomic_load_n(&mask[w], __ATOMIC_RELAXED);
		while (bits) {
			unsigned b = (unsigned)__builtin_ctzll(bits);

			bits &= bits - 1;
			__atomic_fetch_and(&pending[w], ~(1ull << b), __ATOMIC_ACQ_REL);
			fn(w * EVTCHN_WORD_BITS + b, ctx);
			calls++;
		}
	}
	return calls;
}
