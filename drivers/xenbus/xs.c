/*
 * The xenstore transport: requests into the shared ring, replies to their waiters, watch events on.
 *
 * The ring is one page (its frame and event channel are HVM params the toolstack set before we
 * started) holding two byte rings of XENSTORE_RING_SIZE: req, which we fill and xenstored
 * drains, and rsp, the other way. Each has a producer and a consumer index: req_prod and
 * rsp_cons are ours to advance, req_cons and rsp_prod xenstored's. The indices run freely
 * over 32 bits and are masked only to address a byte; prod - cons, unsigned, is the bytes in
 * flight even across the wrap, and a value beyond the ring size means the peer broke the ring
 * (we then stop using it). It is a byte stream, not a queue of messages: a message may wrap or
 * arrive in several pieces, so the reader reassembles header and payload (xs_wire.c) before
 * looking at them. The order of each side's accesses is what makes it safe: the writer copies
 * the bytes, then publishes the producer index (release), then sends an event; the reader
 * reads the producer (acquire), then the bytes, then publishes its consumer index and sends an
 * event too, because the writer may be waiting for room.
 * Here requests go into the ring under a writer lock, a reader thread reassembles what
 * xenstored sends back and hands replies to their waiters by req_id and watch events to the
 * watch thread. Every wait is bounded by the caller's timeout.
 */
#include "arch/x86/xen.h"
#include "base/string.h"
#include "drivers/xenbus/xs.h"
#include "drivers/xenbus/xs_late.h"
#include "drivers/xenbus/xs_reqs.h"
#include "kernel/evtchn.h"
#include "kernel/heap.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/suspend.h"
#include "kernel/time.h"
#include <xen/hvm/params.h>

/* the reader looks at the ring this often even without an event, in case one was lost */
#define XS_POLL_NS (1000ull * 1000000ull)
/* how long a domain started before xenstored waits for it before it goes on without */
#define XS_LATE_LIMIT_NS (300ull * 1000000000)
/* how long a reconnection (xenstore-ring.txt: XENSTORE_RECONNECT) may take before we give up */
#define XS_RESET_NS (2000ull * 1000000ull)

struct xs_stats xs_stats;

static volatile struct xenstore_domain_interface *ring;
static evtchn_port_t port;
static int broken; /* the peer broke the ring's invariants: no more traffic */

static spinlock_t lock = SPINLOCK_INIT; /* the request table */
static struct xs_reqs reqs;
static struct waitq reply_wq = WAITQ_INIT; /* a reply arrived (or the ring broke) */
static struct waitq slot_wq = WAITQ_INIT;  /* a request slot was freed */
static struct waitq rx_wq = WAITQ_INIT;	   /* the reader: xenstored sent something */
static struct waitq space_wq = WAITQ_INIT; /* writers: xenstored consumed requests */
static struct waitq writer_wq = WAITQ_INIT;
static int writer_busy;

static struct xs_rx rx; /* only the reader thread touches it */

/* suspend (xs_suspend/xs_resume): new requests wait at the gate; the reader resets on request */
static int suspended;
static struct waitq gate_wq = WAITQ_INIT;
static int reader_reset;		   /* 1: the reader must drop its state (a new domain) */
static struct waitq reset_wq = WAITQ_INIT; /* the reader did */

uint64_t xs_timeout_of(const struct xs_ctx *c)
{
	return c && c->timeout_ns ? c->timeout_ns : XS_TIMEOUT_DEFAULT_NS;
}

int xs_available(void)
{
	return ring && !broken;
}

static void notify(void)
{
	xs_stats.notifies++;
	evtchn_notify(port);
}

/* Runs with interrupts off: only wakes the threads that do the work. */
static void xs_event(evtchn_port_t p, void *arg)
{
	(void)p;
	(void)arg;
	waitq_wake_all(&rx_wq);
	waitq_wake_all(&space_wq);
}

/* The peer broke an invariant: stop using the ring and fail everything in flight. */
static void ring_broke(const char *why)
{
	if (!broken)
		pr_err("xenstore: %s; connection abandoned\n", why);
	xs_stats.ring_errors++;
	__atomic_store_n(&broken, 1, __ATOMIC_RELEASE);
	waitq_wake_all(&reply_wq);
	waitq_wake_all(&space_wq);
	waitq_wake_all(&slot_wq);
	waitq_wake_all(&writer_wq);
}

/* Time left until deadline (at least 1 ns, so an expired deadline still times out at once). */
static uint64_t left(uint64_t deadline)
{
	uint64_t now = time_monotonic_ns();

	return deadline > now ? deadline - now : 1;
}

static int writer_try(void)
{
	return !__atomic_exchange_n(&writer_busy, 1, __ATOMIC_ACQUIRE);
}

static void writer_release(void)
{
	__atomic_store_n(&writer_busy, 0, __ATOMIC_RELEASE);
	waitq_wake_one(&writer_wq);
}

/* Free request-ring bytes, or -EPROTO when req_cons moved outside what we produced. */
static int req_space(void)
{
	XENSTORE_RING_IDX cons = __atomic_load_n(&ring->req_cons, __ATOMIC_ACQUIRE);
	int used = xs_ring_used(cons, ring->req_prod);

	return used < 0 ? used : XENSTORE_RING_SIZE - used;
}

/*
 * Puts one message into the request ring. A message that fits the ring waits until it fits
 * whole, so a timeout leaves nothing half-written; a longer one goes in pieces, and running out
 * of time in the middle leaves the stream unframed, so the connection is abandoned.
 */
static int send_msg(const char *msg, uint32_t len, uint64_t deadline)
{
	uint32_t done = 0;
	int r, space = 0;

	r = WAIT_UNTIL_TIMEOUT(&writer_wq, broken || writer_try(), left(deadline));
	if (r)
		return r;
	if (broken) {
		/* writer_try may have taken the lock before broken was seen */
		writer_release();
		return -EIO;
	}
	while (done < len) {
		uint32_t need = len <= XENSTORE_RING_SIZE ? len : 1;

		r = WAIT_UNTIL_TIMEOUT(
		    &space_wq, broken || (space = req_space()) < 0 || (uint32_t)space >= need,
		    left(deadline));
		if (space < 0)
			ring_broke("req_cons moved outside the request ring");
		if (broken) {
			r = -EIO;
			break;
		}
		if (r) {
			if (done)
				ring_broke(
				    "request ring stopped moving in the middle of a message");
			break;
		}
		uint32_t k = len - done < (uint32_t)space ? len - done : (uint32_t)space;
		XENSTORE_RING_IDX prod = ring->req_prod;

		xs_ring_put(ring->req, prod, msg + done, k);
		/* the bytes before the index that publishes them */
		__atomic_store_n(&ring->req_prod, prod + k, __ATOMIC_RELEASE);
		done += k;
		notify();
	}
	writer_release();
	return done == len ? 0 : r;
}

static struct xs_req *slot_try(uint32_t type, struct xs_req **out)
{
	unsigned long f = spin_lock_irqsave(&lock);

	*out = xs_reqs_get(&reqs, type);
	spin_unlock_irqrestore(&lock, f);
	return *out;
}

static int reply_ready(struct xs_req *r)
{
	return __atomic_load_n(&r->state, __ATOMIC_ACQUIRE) == XS_REQ_DONE;
}

int xs_request(const struct xs_ctx *c, uint32_t type, const struct xs_iov *iov, unsigned n,
	       char **reply, uint32_t *len)
{
	struct xs_req *r = NULL;
	char *msg;
	int k, err;

	if (!ring)
		return -ENODEV;
	if (broken)
		return -EIO;
	if (!sched_running())
		return -EAGAIN; /* waiting needs threads */
	/* during a suspend: after it, and the time it took is not the request's */
	WAIT_UNTIL(&gate_wq, !__atomic_load_n(&suspended, __ATOMIC_ACQUIRE));
	uint64_t deadline = time_monotonic_ns() + xs_timeout_of(c);
	msg = kmalloc(XS_MSG_MAX);
	if (!msg)
		return -ENOMEM;
	k = xs_wire_build(msg, XS_MSG_MAX, type, 0, c ? c->tx_id : 0, iov, n);
	if (k < 0) {
		kfree(msg);
		return k;
	}
	err = WAIT_UNTIL_TIMEOUT(&slot_wq, broken || slot_try(type, &r), left(deadline));
	if (!r) {
		kfree(msg);
		return err ? err : -EIO;
	}
	((struct xsd_sockmsg *)msg)->req_id = r->req_id;
	__atomic_fetch_add(&xs_stats.requests, 1, __ATOMIC_RELAXED);
	err = send_msg(msg, (uint32_t)k, deadline);
	kfree(msg);
	if (!err)
		err = WAIT_UNTIL_TIMEOUT(&reply_wq, broken || reply_ready(r), left(deadline));

	char *unused = NULL;
	unsigned long f = spin_lock_irqsave(&lock);
	if (r->state == XS_REQ_DONE) {
		err = r->status;
		if (!err && reply) {
			*reply = r->reply;
			if (len)
				*len = r->reply_len;
		} else {
			unused = r->reply;
		}
	} else if (!err) {
		err = -EIO; /* the ring broke while we waited */
	} else if (err == -ETIMEDOUT) {
		xs_stats.timeouts++;
	}
	xs_reqs_put(&reqs, r);
	spin_unlock_irqrestore(&lock, f);
	kfree(unused);
	waitq_wake_one(&slot_wq);
	return err;
}

/* A reply from the reader: to its waiter, or counted and dropped. */
static void deliver_reply(const struct xs_rx *m)
{
	uint32_t len = m->m.hdr.len;
	char *copy = kmalloc(len + 1);
	int freed = 0;

	if (copy) {
		memcpy(copy, xs_rx_payload(m), len);
		copy[len] = 0;
	}
	unsigned long f = spin_lock_irqsave(&lock);
	struct xs_req *r = xs_reqs_match(&reqs, m->m.hdr.req_id);

	if (r) {
		r->status = xs_wire_reply_status(r->type, &m->m.hdr, xs_rx_payload(m));
		if (!r->status && !copy)
			r->status = -ENOMEM;
		r->reply = r->status ? NULL : copy;
		r->reply_len = len;
		freed = r->status != 0;
		__atomic_store_n(&r->state, XS_REQ_DONE, __ATOMIC_RELEASE);
		xs_stats.replies++;
	} else {
		xs_stats.unknown_req_id = reqs.stats.unknown_id;
		freed = 1;
	}
	spin_unlock_irqrestore(&lock, f);
	if (freed)
		kfree(copy);
	if (r)
		waitq_wake_all(&reply_wq);
}

static void dispatch(const struct xs_rx *m)
{
	if (m->m.hdr.type == XS_WATCH_EVENT) {
		const char *path, *token;

		if (xs_wire_watch_event(xs_rx_payload(m), m->m.hdr.len, &path, &token)) {
			xs_stats.bad_events++;
			return;
		}
		xs_watch_queue_event(path, token);
		return;
	}
	deliver_reply(m);
}

/*
 * The ring reset of xenstore-ring.txt, for a server that offers it: with no message of ours
 * half-written (the writer lock held), connection = XENSTORE_RECONNECT; xenstored drops what is
 * in both rings, zeroes the four indices and sets XENSTORE_CONNECTED. 0 or a negative errno.
 */
static int reconnect(void)
{
	if (!(ring->server_features & XENSTORE_SERVER_FEATURE_RECONNECTION))
		return -ENOSYS;
	if (WAIT_UNTIL_TIMEOUT(&writer_wq, writer_try(), XS_RESET_NS))
		return -ETIMEDOUT;
	__atomic_store_n(&ring->connection, XENSTORE_RECONNECT, __ATOMIC_RELEASE);
	notify();
	int r = WAIT_UNTIL_TIMEOUT(
	    &rx_wq, __atomic_load_n(&ring->connection, __ATOMIC_ACQUIRE) == XENSTORE_CONNECTED,
	    XS_RESET_NS);
	if (!r && (ring->req_cons || ring->req_prod || ring->rsp_cons || ring->rsp_prod))
		r = -EPROTO;
	rx.have = rx.skip = 0;
	writer_release();
	return r;
}

/*
 * The response stream lost its framing (a header claiming more than a message may hold): no
 * reply can be trusted to belong to anything any more. Every request in flight fails now with
 * -EIO (not one by one at its timeout), and the ring is reset if xenstored can; else the
 * connection is abandoned. Either way it is said and counted, never a silent wedge.
 */
static void resync(const struct xsd_sockmsg *h)
{
	unsigned long f = spin_lock_irqsave(&lock);
	unsigned failed = xs_reqs_fail_all(&reqs, -EIO);

	spin_unlock_irqrestore(&lock, f);
	waitq_wake_all(&reply_wq);
	xs_stats.resyncs++;
	pr_err("xenstore: a reply header claims %u payload bytes (type %u, req_id %u; at most %u): "
	       "the response stream lost its framing; %u requests in flight failed\n",
	       h->len, h->type, h->req_id, XENSTORE_PAYLOAD_MAX, failed);
	int r = reconnect();
	if (r) {
		ring_broke(r == -ENOSYS ? "xenstored offers no ring reset"
					: "xenstored did not reset the ring");
		return;
	}
	xs_stats.ring_errors++;
	xs_stats.resets++;
	pr_warn("xenstore: ring reset by xenstored; the connection goes on\n");
}

/* Takes everything xenstored has written so far; returns 0 or -EPROTO. */
static int drain(void)
{
	XENSTORE_RING_IDX cons = ring->rsp_cons;
	XENSTORE_RING_IDX prod = __atomic_load_n(&ring->rsp_prod, __ATOMIC_ACQUIRE);
	int got;

	if (xs_ring_used(cons, prod) < 0) {
		ring_broke("rsp_prod jumped beyond the response ring");
		return -EPROTO;
	}
	for (;;) {
		XENSTORE_RING_IDX before = cons;

		got = xs_rx_step(&rx, ring->rsp, &cons, prod);
		if (cons != before) {
			/* our reads are done before xenstored may overwrite what we consumed */
			__atomic_store_n(&ring->rsp_cons, cons, __ATOMIC_RELEASE);
			/* only a full ring can have xenstored waiting for room (as Linux does) */
			if (prod - before == XENSTORE_RING_SIZE)
				notify();
		}
		xs_stats.oversized = rx.stats.oversized;
		xs_stats.bad_type = rx.stats.bad_type;
		if (got < 0) {
			resync(&rx.m.hdr);
			return -EPROTO;
		}
		if (!got)
			return 0;
		dispatch(&rx);
	}
}

static int rsp_pending(void)
{
	return __atomic_load_n(&ring->rsp_prod, __ATOMIC_ACQUIRE) != ring->rsp_cons;
}

/*
 * A new domain: what is left in the response ring answers requests that already failed, and a
 * message cut in two at the save cannot be framed; start after it, as Linux's xb_init_comms does.
 */
static void reader_do_reset(void)
{
	xs_rx_init(&rx);
	__atomic_store_n(&ring->rsp_cons, __atomic_load_n(&ring->rsp_prod, __ATOMIC_ACQUIRE),
			 __ATOMIC_RELEASE);
	__atomic_store_n(&reader_reset, 0, __ATOMIC_RELEASE);
	waitq_wake_all(&reset_wq);
}

static void reader(void *arg)
{
	(void)arg;
	while (!broken) {
		WAIT_UNTIL_TIMEOUT(&rx_wq, rsp_pending() || reader_reset, XS_POLL_NS);
		if (__atomic_load_n(&reader_reset, __ATOMIC_ACQUIRE)) {
			reader_do_reset();
			continue;
		}
		if (rsp_pending())
			drain();
		/* a writer may have missed an event while we drained */
		waitq_wake_all(&space_wq);
	}
}

void xs_get_stats(struct xs_stats *st)
{
	*st = xs_stats;
	st->unknown_req_id = reqs.stats.unknown_id;
}

uint32_t xs_server_features(void)
{
	return ring ? __atomic_load_n(&ring->server_features, __ATOMIC_ACQUIRE) : 0;
}

/* ---- suspend: the gate, and a new domain's connection ---- */

/* No message half-written (the writer lock held until resume) and no new request sent. */
static int xs_suspend(void)
{
	__atomic_store_n(&suspended, 1, __ATOMIC_RELEASE);
	if (WAIT_UNTIL_TIMEOUT(&writer_wq, broken || writer_try(), XS_RESET_NS)) {
		__atomic_store_n(&suspended, 0, __ATOMIC_RELEASE);
		waitq_wake_all(&gate_wq);
		pr_warn("xenstore: a request is stuck in the ring: suspend refused\n");
		return -EBUSY;
	}
	return 0;
}

/* The new domain's xenstore event channel; the ring page stays (HVM_PARAM_STORE_PFN). */
static void reconnect_new_domain(void)
{
	uint64_t ev;

	__atomic_store_n(&reader_reset, 1, __ATOMIC_RELEASE);
	waitq_wake_all(&rx_wq);
	if (WAIT_UNTIL_TIMEOUT(&reset_wq, !__atomic_load_n(&reader_reset, __ATOMIC_ACQUIRE),
			       XS_RESET_NS))
		pr_warn("xenstore: the reader did not reset after the restore\n");
	/* their replies died with the old domain: the callers retry (transactions do at once) */
	unsigned long f = spin_lock_irqsave(&lock);
	unsigned failed = xs_reqs_fail_all(&reqs, -EAGAIN);
	spin_unlock_irqrestore(&lock, f);
	waitq_wake_all(&reply_wq);
	if (xen_hvm_get_param(HVM_PARAM_STORE_EVTCHN, &ev) || !ev || ev >= (1u << 12)) {
		ring_broke("no xenstore event channel after the restore");
		return;
	}
	port = (evtchn_port_t)ev;
	evtchn_bind(port, xs_event, NULL);
	pr_info("xenstore: reconnected on event channel %u; %u requests in flight failed with "
		"EAGAIN\n",
		port, failed);
}

static void xs_resume(bool new_domain)
{
	if (!broken && new_domain)
		reconnect_new_domain();
	if (!broken)
		writer_release();
	__atomic_store_n(&suspended, 0, __ATOMIC_RELEASE);
	waitq_wake_all(&gate_wq);
	if (!broken && new_domain) {
		unsigned was = xs_domid();
		int r = xs_identity_read();

		if (r)
			pr_err("xenstore: our domain id unreadable after the restore (%d)\n", r);
		else
			pr_info("xenstore: domain %u is now domain %u (%s)\n", was, xs_domid(),
				xs_home());
		xs_watch_resume();
	}
	notify();
}

static struct suspend_hook xs_hook = { "xenstore", SUSPEND_LEVEL_XENSTORE, xs_suspend, xs_resume,
				       NULL };

/* ---- a store that is not up yet (drivers/xenbus/xs_late.c decides; these are its hands) ---- */

static int late_params(uint64_t *pfn, uint64_t *ev)
{
	int r = xen_hvm_get_param(HVM_PARAM_STORE_PFN, pfn);

	return r ? r : xen_hvm_get_param(HVM_PARAM_STORE_EVTCHN, ev);
}

static uint32_t late_connection(uint64_t pfn)
{
	volatile struct xenstore_domain_interface *r = (void *)(uintptr_t)(pfn << 12);

	return __atomic_load_n(&r->connection, __ATOMIC_ACQUIRE);
}

static void late_nap(uint64_t ns)
{
	sched_sleep_ns(ns);
}

static void late_say(enum xs_store_state why, uint64_t waited_ns)
{
	if (why == XS_STORE_READY)
		pr_info("xenstore: the store came up after %lu ms of waiting\n",
			(unsigned long)(waited_ns / 1000000));
	else
		pr_info("xenstore: waiting for the store (%lu s so far): %s\n",
			(unsigned long)(waited_ns / 1000000000), xs_store_state_name(why));
}

static const struct xs_late_ops late_ops = { late_params, late_connection, time_monotonic_ns,
					     late_nap, late_say };

int xs_transport_init(void);
int xs_transport_init(void)
{
	uint64_t pfn, ev;
	int r;

	if (!xen.hypercalls || !evtchn_available())
		return -ENODEV;
	/* a domain started before xenstored (Xen 4.21's late start) waits for it */
	if ((r = xs_late_wait(&late_ops, XS_LATE_LIMIT_NS, &pfn, &ev, &xs_stats.late_waits)))
		return r;
	if (ev >= (1u << 12))
		return -ENODEV;
	ring = (volatile struct xenstore_domain_interface *)(uintptr_t)(pfn << 12);
	port = (evtchn_port_t)ev;
	xs_reqs_init(&reqs);
	xs_rx_init(&rx);
	/* Whatever a previous user of the ring left half-read cannot be framed: start where it ends. */
	if (xs_ring_used(ring->rsp_cons, ring->rsp_prod) < 0 ||
	    xs_ring_used(ring->req_cons, ring->req_prod) < 0) {
		ring = NULL;
		return -EPROTO;
	}
	if (!thread_create("xenstore-rx", reader, NULL, 0)) {
		ring = NULL;
		return -ENOMEM;
	}
	if ((r = xs_watch_thread_start())) {
		ring = NULL;
		return r;
	}
	suspend_hook_register(&xs_hook);
	return evtchn_bind(port, xs_event, NULL);
}
