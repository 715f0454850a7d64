/* Tests reply matching by req_id (drivers/xenbus/xs_reqs.c) together with the reply stream parser. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>
#include "drivers/xenbus/xs_reqs.h"
#include "drivers/xenbus/xs_wire.h"

static struct xs_reqs t;

Test(xs_reqs, unique_ids_and_full_table)
{
	struct xs_req *r[XS_REQS_MAX];

	xs_reqs_init(&t);
	for (int i = 0; i < XS_REQS_MAX; i++) {
		r[i] = xs_reqs_get(&t, XS_READ);
		cr_assert_not_null(r[i]);
		for (int j = 0; j < i; j++)
			cr_assert_neq(r[i]->req_id, r[j]->req_id);
	}
	cr_assert_null(xs_reqs_get(&t, XS_READ));
	cr_assert_eq(t.in_flight, XS_REQS_MAX);
	xs_reqs_put(&t, r[5]);
	cr_assert_not_null(xs_reqs_get(&t, XS_WRITE));
}

Test(xs_reqs, match_and_unknown)
{
	xs_reqs_init(&t);
	struct xs_req *a = xs_reqs_get(&t, XS_READ), *b = xs_reqs_get(&t, XS_WRITE);

	cr_assert_eq(xs_reqs_match(&t, b->req_id), b);
	cr_assert_eq(xs_reqs_match(&t, a->req_id), a);
	cr_assert_null(xs_reqs_match(&t, 12345));
	cr_assert_eq(t.stats.unknown_id, 1);
	/* a timed-out request gives its slot back: its late reply matches nothing */
	uint32_t late = a->req_id;
	xs_reqs_put(&t, a);
	struct xs_req *c = xs_reqs_get(&t, XS_READ);
	cr_assert_neq(c->req_id, late);
	cr_assert_null(xs_reqs_match(&t, late));
	cr_assert_eq(t.stats.unknown_id, 2);
	/* a reply already delivered is not matched twice */
	b->state = XS_REQ_DONE;
	cr_assert_null(xs_reqs_match(&t, b->req_id));
}

Test(xs_reqs, ids_wrap_around_requests_in_flight)
{
	xs_reqs_init(&t);
	t.next_id = 0xfffffffeu;
	struct xs_req *a = xs_reqs_get(&t, XS_READ), *b = xs_reqs_get(&t, XS_READ);

	cr_assert_eq(a->req_id, 0xfffffffeu);
	cr_assert_eq(b->req_id, 0xffffffffu);
	t.next_id = 0xfffffffeu; /* as if the counter came round again */
	struct xs_req *c = xs_reqs_get(&t, XS_READ);
	cr_assert_eq(c->req_id, 0); /* skips both ids still in flight */
}

/* ---- a host model of the reader: stream in, replies matched, events counted ---- */

static char ring[XENSTORE_RING_SIZE];
static struct xs_rx rx;
static unsigned events, replies, errors;

static uint32_t put_msg(uint32_t prod, uint32_t type, uint32_t req_id, const void *p, uint32_t len)
{
	struct xsd_sockmsg h = { type, req_id, 0, len };

	xs_ring_put(ring, prod, &h, sizeof(h));
	xs_ring_put(ring, prod + sizeof(h), p, len);
	return prod + sizeof(h) + len;
}

static void pump(uint32_t *cons, uint32_t prod)
{
	while (xs_rx_step(&rx, ring, cons, prod) > 0) {
		const char *path, *token;

		if (rx.m.hdr.type == XS_WATCH_EVENT) {
			events +=
			    !xs_wire_watch_event(xs_rx_payload(&rx), rx.m.hdr.len, &path, &token);
			continue;
		}
		struct xs_req *r = xs_reqs_match(&t, rx.m.hdr.req_id);
		if (!r)
			continue;
		r->status = xs_wire_reply_status(r->type, &rx.m.hdr, xs_rx_payload(&rx));
		r->state = XS_REQ_DONE;
		replies++;
		errors += r->status != 0;
	}
}

Test(xs_reqs, interleaved_replies_events_and_hostile_messages)
{
	xs_reqs_init(&t);
	xs_rx_init(&rx);
	events = replies = errors = 0;
	struct xs_req *a = xs_reqs_get(&t, XS_READ), *b = xs_reqs_get(&t, XS_WRITE);
	struct xs_req *c = xs_reqs_get(&t, XS_DIRECTORY);
	uint32_t cons = 0, p = 0;

	p = put_msg(p, XS_WATCH_EVENT, 0, "x/y\0tok\0", 8);
	p = put_msg(p, XS_WRITE, b->req_id, "OK", 3); /* out of order */
	pump(&cons, p);
	p = put_msg(p, XS_READ, 777, "stray", 5);	/* unknown req_id */
	p = put_msg(p, XS_WATCH_EVENT, 0, "broken", 6); /* no token */
	p = put_msg(p, XS_READ, c->req_id, "x", 1);	/* wrong type for a DIRECTORY */
	pump(&cons, p);
	p = put_msg(p, XS_ERROR, a->req_id, "ENOENT", 7);
	p = put_msg(p, XS_READ, a->req_id, "dup", 3); /* a second reply to a */
	pump(&cons, p);

	cr_assert_eq(events, 1);
	cr_assert_eq(replies, 3);
	cr_assert_eq(b->status, 0);
	cr_assert_eq(c->status, -EPROTO);
	cr_assert_eq(a->status, -ENOENT);
	cr_assert_eq(t.stats.unknown_id, 2);
	cr_assert_eq(cons, p);
}

Test(xs_reqs, fail_all_completes_every_waiter_at_once)
{
	xs_reqs_init(&t);
	struct xs_req *a = xs_reqs_get(&t, XS_READ), *b = xs_reqs_get(&t, XS_WRITE);
	struct xs_req *c = xs_reqs_get(&t, XS_DIRECTORY);

	c->state = XS_REQ_DONE; /* already answered: keeps its own result */
	c->status = 0;
	cr_assert_eq(xs_reqs_fail_all(&t, -EIO), 2);
	cr_assert_eq(a->state, XS_REQ_DONE);
	cr_assert_eq(a->status, -EIO);
	cr_assert_eq(b->status, -EIO);
	cr_assert_eq(c->status, 0);
	/* a late reply to a failed request matches nothing */
	cr_assert_null(xs_reqs_match(&t, a->req_id));
	xs_reqs_put(&t, a);
	xs_reqs_put(&t, b);
	xs_reqs_put(&t, c);
	cr_assert_eq(t.in_flight, 0);
}
