/* Waiting for a xenstore that is not up yet (drivers/xenbus/xs_late.h): pure, host-tested. */
#include <stddef.h>
#include "base/errno.h"
#include "drivers/xenbus/xs_late.h"
#include <xen/io/xs_wire.h>

enum xs_store_state xs_store_state(uint64_t pfn, uint64_t evtchn, uint32_t connection)
{
	if (!pfn)
		return XS_STORE_NONE;
	if (pfn == XS_LATE_PFN)
		return XS_STORE_NO_PAGE;
	if (!evtchn)
		return XS_STORE_NO_EVTCHN;
	if (connection == XENSTORE_RECONNECT)
		return XS_STORE_NOT_CONNECTED;
	return XS_STORE_READY;
}

const char *xs_store_state_name(enum xs_store_state s)
{
	switch (s) {
	case XS_STORE_READY:
		return "ready";
	case XS_STORE_NONE:
		return "no store for this domain";
	case XS_STORE_NO_PAGE:
		return "the store page is not allocated yet (HVM_PARAM_STORE_PFN all ones)";
	case XS_STORE_NO_EVTCHN:
		return "the store's event channel is not set yet";
	case XS_STORE_NOT_CONNECTED:
		return "xenstored has not connected the ring yet (XENSTORE_RECONNECT)";
	}
	return "?";
}

int xs_late_wait(const struct xs_late_ops *o, uint64_t limit_ns, uint64_t *pfn, uint64_t *evtchn,
		 uint64_t *waits)
{
	uint64_t start = o->now_ns(), said = 0;
	int waited = 0;

	*waits = 0;
	for (;;) {
		int r = o->params(pfn, evtchn);
		if (r)
			return r;
		/* the ring is only looked at once the page exists */
		int have_page = *pfn && *pfn != XS_LATE_PFN && *evtchn;
		enum xs_store_state s = xs_store_state(
		    *pfn, *evtchn, have_page ? o->connection(*pfn) : XENSTORE_CONNECTED);
		uint64_t t = o->now_ns() - start;

		if (s == XS_STORE_READY) {
			if (waited)
				o->say(s, t);
			return 0;
		}
		if (s == XS_STORE_NONE)
			return -ENODEV;
		if (limit_ns && t >= limit_ns)
			return -ETIMEDOUT;
		if (!waited || t - said >= XS_LATE_SAY_NS) {
			o->say(s, t);
			said = t;
		}
		waited = 1;
		o->nap(XS_LATE_POLL_NS);
		(*waits)++;
	}
}
