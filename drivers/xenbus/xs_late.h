/* Waiting for a xenstore that is not up yet (Xen 4.21's late start), apart from the hypercalls so the host tests run it. */
#ifndef DRIVERS_XENBUS_XS_LATE_H
#define DRIVERS_XENBUS_XS_LATE_H

#include <stdint.h>

/*
 * A domain started before xenstored (dom0less or hyperlaunch boots, Xen 4.21) finds its store
 * page parameter not set yet (HVM_PARAM_STORE_PFN all ones: "late allocation"), or a ring whose
 * connection field still says XENSTORE_RECONNECT: xenstored has not introduced it. It must wait
 * for the store instead of failing. A parameter of 0 still means "no xenstore at all".
 */
#define XS_LATE_PFN ~0ull

enum xs_store_state {
	XS_STORE_READY,
	XS_STORE_NONE,	       /* no store for this domain (pfn 0): do not wait */
	XS_STORE_NO_PAGE,      /* the page is not allocated yet (pfn all ones) */
	XS_STORE_NO_EVTCHN,    /* the page is there, its event channel not yet */
	XS_STORE_NOT_CONNECTED /* the ring says XENSTORE_RECONNECT: xenstored has not come */
};

/* What the wait needs from the world: the params, the ring's connection field, a clock, a nap. */
struct xs_late_ops {
	int (*params)(uint64_t *pfn, uint64_t *evtchn); /* 0 or a negative errno */
	uint32_t (*connection)(uint64_t pfn);		/* the ring's connection field */
	uint64_t (*now_ns)(void);
	void (*nap)(uint64_t ns);
	void (*say)(enum xs_store_state why, uint64_t waited_ns); /* progress messages */
};

/* The state params and ring say. */
enum xs_store_state xs_store_state(uint64_t pfn, uint64_t evtchn, uint32_t connection);
const char *xs_store_state_name(enum xs_store_state s);

/*
 * Polls until the store is ready (0, *pfn and *evtchn set), there is none (-ENODEV), a param read
 * fails (its error), or limit_ns passed (-ETIMEDOUT; 0 = no limit). say() is called when the
 * wait starts, every XS_LATE_SAY_NS while it lasts, and once more with XS_STORE_READY if it had to
 * wait at all. *waits counts the naps.
 */
#define XS_LATE_POLL_NS (20ull * 1000000)
#define XS_LATE_SAY_NS	(10ull * 1000000000)
int xs_late_wait(const struct xs_late_ops *o, uint64_t limit_ns, uint64_t *pfn, uint64_t *evtchn,
		 uint64_t *waits);

#endif
