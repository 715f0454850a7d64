/* The 2-level event-channel pending scan: selector word, then pending & ~mask, lowest port first. */
/*
 * One pass of the scan an upcall runs (the bitmaps are explained in evtchn.c). The selector
 * word is taken whole by an exchange with 0: a bit Xen sets after that is left for the next
 * pass instead of being wiped by a late clear. For each word it names, pending & ~mask gives
 * the candidates, taken lowest port first. That is only a snapshot, so each candidate is
 * checked again at the moment of delivery: a handler earlier in the pass may have masked it
 * (a masked port must stay pending until it is unmasked), and on SMP another vCPU may have
 * consumed it already. It is delivered only if our atomic and-not is what cleared its pending
 * bit, which makes every event delivered at most once per send. Because the bit is cleared
 * before the handler runs, the peer may send again at once: the new event sets it anew and a
 * new upcall follows. "mine" restricts the pass to the ports of the calling vCPU.
 * Pure functions over the bitmaps, so the host unit tests run them as they are.
 */
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
