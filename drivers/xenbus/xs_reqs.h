/* The table of xenstore requests in flight, matched to replies by req_id (pure logic, host-testable). */
#ifndef DRIVERS_XENBUS_XS_REQS_H
#define DRIVERS_XENBUS_XS_REQS_H

#include <stdint.h>

#define XS_REQS_MAX 32

enum xs_req_state { XS_REQ_FREE, XS_REQ_WAITING, XS_REQ_DONE };

struct xs_req {
	enum xs_req_state state;
	uint32_t req_id;
	uint32_t type; /* what was sent: the reply must carry the same type (or XS_ERROR) */
	int status;    /* when DONE: 0 or a negative errno */
	char *reply; /* when DONE with status 0: the payload, NUL-terminated, owned by the waiter */
	uint32_t reply_len;
	void *waiter; /* the kernel side's wake-up handle */
};

struct xs_reqs_stats {
	uint64_t sent, answered;
	uint64_t unknown_id; /* replies to no request in flight (late, duplicated, or invented) */
};

struct xs_reqs {
	struct xs_req slot[XS_REQS_MAX];
	uint32_t next_id;
	unsigned in_flight;
	struct xs_reqs_stats stats;
};

void xs_reqs_init(struct xs_reqs *t);
/* A free slot in state WAITING with a req_id no request in flight has; NULL when all are busy. */
struct xs_req *xs_reqs_get(struct xs_reqs *t, uint32_t type);
/* The WAITING request with this req_id, or NULL (counted as unknown). */
struct xs_req *xs_reqs_match(struct xs_reqs *t, uint32_t req_id);
/*
 * Completes every WAITING request at once with err (their waiters wake to it instead of timing
 * out): what the client does when the connection lost its framing. Returns how many.
 */
unsigned xs_reqs_fail_all(struct xs_reqs *t, int err);
/* Gives the slot back, whatever its state (a timed-out request's late reply is then unknown). */
void xs_reqs_put(struct xs_reqs *t, struct xs_req *r);

#endif
