/* The 2-level event-channel pending scan, apart from Xen so it can be tested on the host. */
#ifndef KERNEL_EVTCHN_SCAN_H
#define KERNEL_EVTCHN_SCAN_H

#include <stdint.h>

#define EVTCHN_WORD_BITS 64
#define EVTCHN_2L_PORTS	 (EVTCHN_WORD_BITS * EVTCHN_WORD_BITS)

typedef void (*evtchn_scan_fn)(unsigned port, void *ctx);

/*
 * Takes the selector (atomically swapped with 0), then for each selected word calls fn for
 * every port that is pending and not masked, clearing its pending bit before the call so an
 * event raised during fn is seen next time. Masked pending ports stay pending. Returns the
 * number of calls.
 */
unsigned evtchn_scan(uint64_t *sel, uint64_t *pending, const uint64_t *mask, evtchn_scan_fn fn,
		     void *ctx);

/*
 * Like evtchn_scan, but only ports whose bit is set in mine (one bit per port, the ports bound
 * to the scanning vCPU) are looked at: another vCPU's pending ports in the same word stay
 * pending for it. mine NULL means every port.
 */
unsigned evtchn_scan_cpu(uint64_t *sel, uint64_t *pending, const uint64_t *mask,
			 const uint64_t *mine, evtchn_scan_fn fn, void *ctx);

#endif
