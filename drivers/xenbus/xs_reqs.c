/* The xenstore requests in flight: unique req_ids, so a late reply can never match a newer request. */
#include "drivers/xenbus/xs_reqs.h"

void xs_reqs_init(struct xs_reqs *t)
{
	*t = (struct xs_reqs){ .next_id = 1 };
}

static int id_in_use(const struct xs_reqs *t, uint32_t id)
{
	for (unsigned i = 0; i < XS_REQS_MAX; i++)
		if (t->slot[i].state != XS_REQ_FREE && t->slot[i].req_id == id)
			return 1;
	return 0;
}

struct xs_req *xs_reqs_get(struct xs_reqs *t, uint32_t type)
{
	for (unsigned i = 0; i < XS_REQS_MAX; i++) {
		struct xs_req *r = &t->slot[i];

		if (r->state != XS_REQ_FREE)
			continue;
		/* ids run free; after a wrap, skip the few still in flight */
		while (id_in_use(t, t->next_id))
			t->next_id++;
		*r = (struct xs_req){ .state = XS_REQ_WAITING,
				      .req_id = t->next_id++,
				      .type = type };
		t->in_flight++;
		t->stats.sent++;
		return r;
	}
	return 0;
}

struct xs_req *xs_reqs_match(struct xs_reqs *t, uint32_t req_id)
{
	for (unsigned i = 0; i < XS_REQS_MAX; i++) {
		struct xs_req *r = &t->slot[i];

		if (r->state == XS_REQ_WAITING && r->req_id == req_id) {
			t->stats.answered++;
			return r;
		}
	}
	t->stats.unknown_id++;
	return 0;
}

unsigned xs_reqs_fail_all(struct xs_reqs *t, int err)
{
	unsigned n = 0;

	for (unsigned i = 0; i < XS_REQS_MAX; i++) {
		struct xs_req *r = &t->slot[i];

		if (r->state != XS_REQ_WAITING)
			continue;
		r->status = err;
		r->reply = 0;
		__atomic_store_n(&r->state, XS_REQ_DONE, __ATOMIC_RELEASE);
		n++;
	}
	return n;
}

void xs_reqs_put(struct xs_reqs *t, struct xs_req *r)
{
	if (r->state != XS_REQ_FREE)
		t->in_flight--;
	r->state = XS_REQ_FREE;
	r->reply = 0;
	r->waiter = 0;
}
