/* Netfront data path: granted RX buffers kept posted, packets parsed from copied responses, TX frames copied into granted slots with back-pressure. */
/*
 * netif has two one-page rings, TX and RX, each with the four indices of blkif (blkfront.c
 * explains them and the rule for events: one is sent only when the peer's *_event is crossed).
 * On both rings we produce the requests and the backend the responses; what differs is where
 * the data goes.
 * TX: a frame is copied into the granted buffer of a free slot (several slots when it is larger
 * than a page and the backend takes scatter-gather: NETTXF_more_data on all but the last; one
 * extra-info slot ahead of a GSO super-segment), req_prod is published and the backend is
 * notified if that crossed its req_event. It copies the frame out and answers each slot by id.
 * We collect answers when we next send and ask for an event only when a sender waits for room.
 * RX: each request is an empty granted page ("fill this"), and every slot stays posted, so the
 * backend always has somewhere to put a frame; it copies the frame in (request-rx-copy) and
 * produces responses: buffer id, offset, length or error, flags. We take them up to rsp_prod,
 * set rsp_event = rsp_cons + 1 and look once more before sleeping, then repost each consumed
 * buffer at the next request position, so req_prod stays one ring ahead of rsp_cons and the
 * id of position p is always p & mask. Responses are copied out of the shared page once and
 * then checked (netfront_ring.c): the backend is another domain, and not trusted.
 */
#include "base/errno.h"
#include "base/string.h"
#include "drivers/netfront/netfront_priv.h"
#include "kernel/evtchn.h"
#include "kernel/heap.h"
#include "kernel/printk.h"
#include "kernel/sched.h"

#define RX_COPY_MAX (NF_MAX_SLOTS + 8)

void nf_event(evtchn_port_t port, void *arg)
{
	struct netfront *nf = arg;

	(void)port;
	nf->st.events++;
	waitq_wake_all(&nf->wq);
}

/* posts the request for ring position pos: its own buffer, id = position & (rx_n - 1) */
static void rx_post(struct netfront *nf, RING_IDX pos)
{
	unsigned i = pos & (nf->rx_n - 1);
	struct netif_rx_request *req = RING_GET_REQUEST(&nf->rx, pos);

	req->id = (uint16_t)i;
	req->gref = nf->rx_gref[i];
}

static void rx_push(struct netfront *nf)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&nf->rx, notify);
	if (notify)
		evtchn_notify(nf->evtchn_rx);
}

/*
 * Lays out the rings on the pages the handshake granted (zeroed, each granted once for the
 * device's life: rx-copy, the backend copies) and posts every RX buffer.
 */
void nf_init_rings(struct netfront *nf)
{
	SHARED_RING_INIT(nf->tx_sring);
	SHARED_RING_INIT(nf->rx_sring);
	FRONT_RING_INIT(&nf->tx, nf->tx_sring, NF_PAGE_SIZE);
	FRONT_RING_INIT(&nf->rx, nf->rx_sring, NF_PAGE_SIZE);
	memset(nf->tx_inflight, 0, sizeof(nf->tx_inflight));
	nf->rx_held = 0;
	for (unsigned i = 0; i < nf->tx_n; i++)
		nf->tx_free[i] = (uint16_t)i;
	nf->tx_nfree = nf->tx_n;
	/* every buffer posted: the request producer stays rx_n ahead of the responses consumed */
	for (RING_IDX p = 0; p < nf->rx_n; p++)
		rx_post(nf, p);
	nf->rx.req_prod_pvt = nf->rx_n;
	/* published before the keys: the backend may look as soon as it sees them */
	RING_PUSH_REQUESTS(&nf->rx);
	nf->st.rx_ring_size = nf->rx_n;
	nf->st.tx_ring_size = nf->tx_n;
	nf->st.queues = 1;
}

void nf_connected(struct netfront *nf)
{
	unsigned long f = spin_lock_irqsave(&nf->tx_lock);

	nf->state = NF_UP;
	spin_unlock_irqrestore(&nf->tx_lock, f);
	evtchn_notify(nf->evtchn_rx);
	waitq_wake_all(&nf->wq);
	nf_notify_listener(nf, 1);
}

/*
 * The backend left: the link goes down at once (senders and the receiver see -ENOTCONN), the
 * event channels close; the buffers are released by the receiver when it lets go
 * (netfront_rx_next's -ENOTCONN), so no page is freed under a thread still reading it.
 * Grants the backend still holds park their pages for good (xenbus_front.h's rule).
 */
void nf_teardown(struct netfront *nf)
{
	unsigned long f = spin_lock_irqsave(&nf->tx_lock);
	int was_up = nf->state == NF_UP;

	nf->state = NF_DOWN;
	nf->dev = NULL;
	spin_unlock_irqrestore(&nf->tx_lock, f);
	xenbus_front_close_ports(&nf->front);
	/* TX buffers: no sender touches them once the state is down (checked under tx_lock) */
	xenbus_front_unshare(&nf->front, NF_SHARE_TX_BUF);
	xenbus_front_unshare(&nf->front, NF_SHARE_TX_RING);
	nf->tx_sring = NULL;
	waitq_wake_all(&nf->wq);
	if (was_up)
		nf_notify_listener(nf, 0);
}

/*
 * The backend broke the ring protocol (nf->broken says how; the state is down already): reported
 * once, the link goes down for the stack, and xenbus removes the device as if the backend had
 * closed, so the grants are revoked once it lets go. Called outside every lock.
 */
void nf_check_broken(struct netfront *nf)
{
	if (!__atomic_load_n(&nf->broken, __ATOMIC_ACQUIRE) ||
	    __atomic_exchange_n(&nf->fail_reported, 1, __ATOMIC_ACQ_REL))
		return;
	pr_warn("netfront: %s: %s: link down, closing the device\n", nf->name, nf->broken);
	waitq_wake_all(&nf->wq);
	nf_notify_listener(nf, 0);
	struct xenbus_device *dev = nf->dev;
	if (dev)
		xenbus_device_fail(dev);
}

/* the receiver's side of the teardown: RX buffers and ring, once it no longer reads them */
static void rx_release(struct netfront *nf)
{
	xenbus_front_unshare(&nf->front, NF_SHARE_RX_BUF);
	xenbus_front_unshare(&nf->front, NF_SHARE_RX_RING);
	nf->rx_sring = NULL;
}

static void rx_count_drop(struct netfront *nf, enum nf_rx_verdict v)
{
	nf->st.rx_dropped++;
	switch (v) {
	case NF_RX_ERR_STATUS:
		nf->st.rx_bad_status++;
		break;
	case NF_RX_ERR_ID:
		nf->st.rx_bad_id++;
		break;
	case NF_RX_ERR_BOUNDS:
		nf->st.rx_bad_bounds++;
		break;
	case NF_RX_ERR_SLOTS:
		nf->st.rx_bad_slots++;
		break;
	case NF_RX_ERR_OVERSIZE:
		nf->st.rx_oversize++;
		break;
	case NF_RX_ERR_RUNT:
		nf->st.rx_runt++;
		break;
	case NF_RX_ERR_EXTRA:
		nf->st.rx_bad_extra++;
		break;
	default:
		break;
	}
}

/* consumes n slots and posts their buffers again */
static void rx_consume(struct netfront *nf, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		rx_post(nf, nf->rx.req_prod_pvt++);
	nf->rx.rsp_cons += n;
	rx_push(nf);
}

static int rx_pending(struct netfront *nf)
{
	if (nf->state == NF_NEW)
		return 1;
	if (nf->state == NF_SUSPENDED)
		return 0; /* the resume wakes us */
	if (nf->state == NF_DOWN)
		return !nf->dev; /* a device being failed: wake when its teardown is done */
	RING_IDX prod = __atomic_load_n(&nf->rx_sring->rsp_prod, __ATOMIC_ACQUIRE);

	return prod != nf->rx.rsp_cons;
}

int netfront_rx_next(struct netfront *nf, struct netfront_rx *out)
{
	union nf_rx_slot copy[RX_COPY_MAX];
	struct nf_rx_pkt pkt;

	if (nf->rx_held) {
		rx_consume(nf, nf->rx_held);
		nf->rx_held = 0;
	}
	for (;;) {
		if (nf->state != NF_UP) {
			nf_check_broken(nf);
			/* failed by us, not yet torn down: the receiver stays until it can release
			 * the RX pages (it is their only user), or they would stay granted for good */
			if (nf->state == NF_DOWN && nf->dev)
				return 0;
			if (nf->state == NF_DOWN && nf->rx_sring)
				rx_release(nf);
			return nf->state == NF_NEW || nf->state == NF_SUSPENDED ? 0 : -ENOTCONN;
		}
		RING_IDX cons = nf->rx.rsp_cons;
		RING_IDX prod = __atomic_load_n(&nf->rx_sring->rsp_prod, __ATOMIC_ACQUIRE);

		if (!nf_ring_sane(prod, cons, nf->rx_n)) {
			/* a producer that ran past our buffers: nothing on this ring can be trusted */
			nf->st.ring_errors++;
			pr_warn("netfront: %s: RX producer %u vs consumer %u\n", nf->name, prod,
				cons);
			unsigned long f = spin_lock_irqsave(&nf->tx_lock);
			nf->broken = "the RX producer ran past our buffers";
			nf->state = NF_DOWN;
			spin_unlock_irqrestore(&nf->tx_lock, f);
			continue; /* down: the branch above waits for the teardown, then releases */
		}
		unsigned avail = prod - cons;

		if (avail == 0) {
			int more;

			RING_FINAL_CHECK_FOR_RESPONSES(&nf->rx, more);
			if (!more)
				return 0;
			continue;
		}
		if (avail > RX_COPY_MAX)
			avail = RX_COPY_MAX;
		/* one copy of each response: the backend may rewrite the shared page at any time */
		for (unsigned i = 0; i < avail; i++)
			memcpy(&copy[i], RING_GET_RESPONSE(&nf->rx, cons + i), sizeof(copy[i]));
		if (!nf_rx_parse(copy, avail, cons, nf->rx_n, &pkt))
			return 0; /* its last slot is still coming */
		if (pkt.verdict != NF_RX_OK) {
			rx_count_drop(nf, pkt.verdict);
			rx_consume(nf, pkt.slots);
			continue;
		}
		out->nfrags = pkt.nfrags;
		out->len = pkt.len;
		out->flags = ((pkt.flags & NETRXF_csum_blank) ? NETFRONT_RX_CSUM_BLANK : 0) |
			     ((pkt.flags & NETRXF_data_validated) ? NETFRONT_RX_VALIDATED : 0);
		for (unsigned i = 0; i < pkt.nfrags; i++) {
			out->frag[i].data =
			    (uint8_t *)nf->rx_buf[pkt.frag[i].buf] + pkt.frag[i].offset;
			out->frag[i].len = pkt.frag[i].len;
		}
		if (pkt.nfrags > 1)
			nf->st.rx_multislot++;
		if (out->flags & NETFRONT_RX_CSUM_BLANK)
			nf->st.rx_csum_blank++;
		nf->st.rx_packets++;
		nf->st.rx_bytes += pkt.len;
		nf->rx_held = pkt.slots;
		return 1;
	}
}

void netfront_rx_done(struct netfront *nf)
{
	if (nf->rx_held && nf->state == NF_UP) {
		rx_consume(nf, nf->rx_held);
	}
	nf->rx_held = 0;
}

/*
 * Completed TX requests back on the free list; bogus responses counted and skipped. Under tx_lock.
 * Completions are collected when sending, so no event is asked for them (rsp_event is left
 * behind, where the backend's check never meets it) unless a sender waits for room (arm): then
 * one when half of what is in flight is done, as Linux's netfront does. Each event saved is a
 * hypercall in dom0 and a wake-up here; with an event per completion, every ACK the guest sent
 * while receiving cost both.
 */
static void tx_reap(struct netfront *nf, int arm)
{
	for (;;) {
		RING_IDX cons = nf->tx.rsp_cons;
		RING_IDX prod = __atomic_load_n(&nf->tx_sring->rsp_prod, __ATOMIC_ACQUIRE);

		if (!nf_ring_sane(prod, cons, NF_TX_RING_SIZE) ||
		    (RING_IDX)(prod - cons) > (RING_IDX)(nf->tx.req_prod_pvt - cons)) {
			/* more responses than requests: a broken backend; stop sending to it */
			nf->st.ring_errors++;
			nf->broken = "the TX producer is beyond our requests";
			nf->state = NF_DOWN;
			return;
		}
		for (; cons != prod; cons++) {
			struct netif_tx_response r;

			memcpy(&r, RING_GET_RESPONSE(&nf->tx, cons), sizeof(r));
			if (r.status == NETIF_RSP_NULL)
				continue; /* the answer to an extra-info slot: its id is not ours */
			if (nf_tx_rsp_check(&r, nf->tx_n, nf->tx_inflight)) {
				/* an id never sent, or answered twice: as Linux's netfront, trust
				 * nothing more from this backend (a buffer freed twice is reused twice) */
				nf->st.tx_bad_rsp++;
				nf->st.ring_errors++;
				nf->broken = "a TX response naming no request in flight";
				nf->state = NF_DOWN;
				nf->tx.rsp_cons = cons + 1;
				return;
			}
			if (r.status != NETIF_RSP_OKAY && r.status != NETIF_RSP_NULL)
				nf->st.tx_errors++;
			nf->tx_inflight[r.id] = 0;
			nf->tx_free[nf->tx_nfree++] = r.id;
		}
		nf->tx.rsp_cons = cons;
		if (!arm)
			return;
		nf->tx_sring->rsp_event = cons + nf_tx_event_after(nf->tx.req_prod_pvt - cons);
		xen_mb(); /* the event is set before the producer is read again */
		if (__atomic_load_n(&nf->tx_sring->rsp_prod, __ATOMIC_ACQUIRE) == cons)
			return;
	}
}

static int tx_room(struct netfront *nf, unsigned n, unsigned extra, int arm)
{
	unsigned long f = spin_lock_irqsave(&nf->tx_lock);
	int ok;

	if (nf->state == NF_UP)
		tx_reap(nf, arm);
	/* an extra-info slot takes ring room but no buffer: both can run out */
	ok = nf->state != NF_UP || (nf->tx_nfree >= n && RING_FREE_REQUESTS(&nf->tx) >= n + extra);
	spin_unlock_irqrestore(&nf->tx_lock, f);
	return ok;
}

int netfront_tx_gso_ok(const struct netfront *nf)
{
	return nf->gso_tcpv4 && nf->sg;
}

/* The GSO extra-info slot that follows a super-segment's first request. */
static void put_gso_extra(struct netfront *nf, uint16_t gso_size)
{
	struct netif_extra_info *x =
	    (struct netif_extra_info *)RING_GET_REQUEST(&nf->tx, nf->tx.req_prod_pvt);

	memset(x, 0, sizeof(*x));
	x->type = XEN_NETIF_EXTRA_TYPE_GSO;
	x->u.gso.size = gso_size;
	x->u.gso.type = XEN_NETIF_GSO_TYPE_TCPV4;
	nf->tx.req_prod_pvt++;
}

int netfront_tx(struct netfront *nf, const struct netfront_frag *frags, unsigned nfr,
		uint16_t gso_size, uint64_t timeout_ns)
{
	unsigned extra = gso_size ? 1 : 0;
	uint16_t sizes[NF_MAX_SLOTS], bytes[NF_MAX_SLOTS];
	uint32_t len = 0;

	for (unsigned i = 0; i < nfr; i++)
		len += frags[i].len;
	unsigned n = nf_tx_split(len, NF_PAGE_SIZE, nf->sg ? NF_MAX_SLOTS : 1, sizes, bytes);

	if (n == 0 || (gso_size && !netfront_tx_gso_ok(nf)))
		return -EMSGSIZE;
	nf_check_broken(nf);
	if (nf->state == NF_SUSPENDED)
		return -EAGAIN; /* dropped: TCP sends it again after the resume */
	if (nf->state != NF_UP)
		return -ENOTCONN;
	if (!tx_room(nf, n, extra, 0)) {
		nf->st.tx_ring_full++;
		if (WAIT_UNTIL_TIMEOUT(&nf->wq, tx_room(nf, n, extra, 1),
				       timeout_ns ? timeout_ns : ~0ull >> 2)) {
			nf->st.tx_timeouts++;
			return -EAGAIN;
		}
	}

	unsigned long f = spin_lock_irqsave(&nf->tx_lock);
	if (nf->state != NF_UP || nf->tx_nfree < n || RING_FREE_REQUESTS(&nf->tx) < n + extra) {
		spin_unlock_irqrestore(&nf->tx_lock, f);
		nf_check_broken(nf);
		return nf->state != NF_UP ? -ENOTCONN : -EAGAIN;
	}
	/* gather the pieces into the slots' pages */
	unsigned fi = 0;
	uint32_t foff = 0;
	for (unsigned s = 0; s < n; s++) {
		uint16_t id = nf->tx_free[--nf->tx_nfree];
		uint8_t *dst = nf->tx_buf[id];
		uint32_t want = bytes[s];

		while (want) {
			uint32_t take = frags[fi].len - foff;

			if (take > want)
				take = want;
			memcpy(dst, (const uint8_t *)frags[fi].data + foff, take);
			dst += take;
			want -= take;
			foff += take;
			if (foff == frags[fi].len) {
				fi++;
				foff = 0;
			}
		}
		struct netif_tx_request *req = RING_GET_REQUEST(&nf->tx, nf->tx.req_prod_pvt);

		req->gref = nf->tx_gref[id];
		req->offset = 0;
		req->flags = nf_tx_flags(s, n, gso_size != 0);
		req->id = id;
		req->size = sizes[s];
		nf->tx_inflight[id] = 1;
		nf->tx.req_prod_pvt++;
		if (s == 0 && gso_size)
			put_gso_extra(nf, gso_size);
	}
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&nf->tx, notify);
	nf->st.tx_packets++;
	nf->st.tx_bytes += len;
	if (n > 1)
		nf->st.tx_multislot++;
	if (gso_size)
		nf->st.tx_gso++;
	spin_unlock_irqrestore(&nf->tx_lock, f);
	if (notify)
		evtchn_notify(nf->evtchn_tx);
	return 0;
}

int netfront_rx_csum_trusted(unsigned flags, const void *frame, size_t len)
{
	return nf_rx_csum_trusted((flags & NETFRONT_RX_VALIDATED) ? NETRXF_data_validated : 0,
				  frame, len);
}

void netfront_rx_wait(struct netfront *nf, uint64_t timeout_ns)
{
	if (timeout_ns)
		(void)WAIT_UNTIL_TIMEOUT(&nf->wq, rx_pending(nf), timeout_ns);
	else
		WAIT_UNTIL(&nf->wq, rx_pending(nf));
}

const char *netfront_name(const struct netfront *nf)
{
	return nf->name;
}

const uint8_t *netfront_mac(const struct netfront *nf)
{
	return nf->mac;
}

int netfront_link_up(const struct netfront *nf)
{
	return nf->state == NF_UP;
}

void netfront_get_stats(const struct netfront *nf, struct netfront_stats *st)
{
	*st = nf->st;
	st->sg = nf->sg;
	st->split_evtchn = nf->split;
}
