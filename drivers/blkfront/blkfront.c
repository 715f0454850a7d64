/*
 * blkfront's data path and disk list: bounce pages, ring requests, completions (apps reach it through lib/api/blk.c).
 *
 * The blkif ring is 2^order shared pages (the order negotiated in blkfront_xs.c): four indices,
 * then an array of slots, each a union of a request and a response, because the backend writes
 * a response into the slot of a request it has already taken. The indices are free-running
 * 32-bit counters, masked by the (power of two) slot count only to address a slot:
 *   req_prod   ours: requests below it are complete and the backend may read them
 *   rsp_prod   the backend's: responses below it are complete
 *   req_event  the backend's: "send me an event once req_prod passes this"
 *   rsp_event  ours: "send me an event once rsp_prod passes this"
 * Our private counters (req_prod_pvt, rsp_cons) never leave this domain, and since responses
 * reuse request slots we never have more requests out than slots. Publishing is: request
 * written, write barrier, req_prod stored, full barrier, req_event read; an event is sent only
 * if the new req_prod crossed req_event (the backend said it was going idle), which spares a
 * hypercall per request while it is busy. Consuming is the mirror: responses taken up to
 * rsp_prod, then rsp_event = rsp_cons + 1, full barrier, rsp_prod read once more, since a
 * response written just before the rsp_event store would raise no event and wait forever.
 * Data never goes through the ring: a request names granted pages by ref, plus the sectors
 * within each. Here requests are split into ring requests through bounce pages (so callers'
 * buffers need no alignment), responses are copied once and checked, completions run in a thread.
 */
#include "base/string.h"
#include "drivers/blkfront/blkfront.h"
#include "kernel/evtchn.h"
#include "kernel/gnttab.h"
#include "kernel/heap.h"
#include "kernel/pmem.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/time.h"

static spinlock_t list_lock = SPINLOCK_INIT;
static struct blk_dev *disks; /* every disk ever connected, in order; dead ones stay (tombstones) */
static struct waitq list_wq = WAITQ_INIT;
static struct mutex init_mutex = MUTEX_INIT;
static int init_done;
static void (*hotplug_fn)(struct blk_dev *d, int attached, void *arg);
static void *hotplug_arg;

/* ---- the page pool ---- */

/*
 * Takes a free slot and n pages, growing the pool as needed; under d->lock. -EAGAIN when the
 * caller has to wait for completions.
 */
static int take(struct blk_dev *d, uint32_t n, uint32_t *slot)
{
	if (d->nslot_free == 0)
		return -EAGAIN;
	while (d->npage_free < n && d->npages < BLKFRONT_POOL_PAGES) {
		void *va = page_alloc(1);

		if (!va)
			break;
		uint32_t ref = BLKFRONT_NO_REF;
		if (d->persistent) {
			/* persistent grants are writable whatever the request (blkif.h note 8) */
			int g = gnttab_grant_access(d->backend, (uintptr_t)va >> PAGE_SHIFT, 0);
			if (g < 0) {
				page_free(va, 1);
				break;
			}
			ref = (uint32_t)g;
		}
		d->pages[d->npages] = (struct blkfront_page){ va, ref };
		d->page_free[d->npage_free++] = (uint16_t)d->npages++;
	}
	if (d->npage_free < n)
		return d->inflight ? -EAGAIN : -ENOMEM;
	uint32_t s = d->slot_free[--d->nslot_free];
	struct blkfront_slot *sl = &d->slots[s];

	sl->npages = (uint16_t)n;
	for (uint32_t i = 0; i < n; i++) {
		sl->page[i] = d->page_free[--d->npage_free];
		sl->ref[i] = BLKFRONT_NO_REF;
	}
	d->view[s].state = BLKFRONT_SLOT_BUSY;
	d->view[s].gen++;
	*slot = s;
	return 0;
}

/*
 * Revokes a slot's per-request grants; a grant the backend still holds parks its page for good
 * (never reused, never freed). Outside d->lock: this is the only thread touching the slot.
 */
static void end_grants(struct blk_dev *d, struct blkfront_slot *sl)
{
	for (uint32_t i = 0; i < sl->npages; i++) {
		if (sl->ref[i] == BLKFRONT_NO_REF)
			continue;
		if (gnttab_end_access(sl->ref[i])) {
			__atomic_add_fetch(&d->st.grants_busy, 1, __ATOMIC_RELAXED);
			d->pages[sl->page[i]].va = NULL; /* lost to the backend */
		}
		sl->ref[i] = BLKFRONT_NO_REF;
	}
}

/* A page of a dead disk goes back to the page allocator, if the backend let go of it. */
static void drop_page(struct blk_dev *d, uint32_t p)
{
	struct blkfront_page *pg = &d->pages[p];

	if (!pg->va)
		return;
	if (pg->ref != BLKFRONT_NO_REF && gnttab_end_access(pg->ref)) {
		__atomic_add_fetch(&d->st.grants_busy, 1, __ATOMIC_RELAXED);
		pg->va = NULL;
		return;
	}
	page_free(pg->va, 1);
	*pg = (struct blkfront_page){ NULL, BLKFRONT_NO_REF };
}

/*
 * Returns a slot and its pages (grants already ended). Pages go back to the pool until the disk
 * is released; after that they go back to the page allocator.
 */
static void put_slot(struct blk_dev *d, uint32_t s)
{
	struct blkfront_slot *sl = &d->slots[s];
	unsigned long f = spin_lock_irqsave(&d->lock);
	int released = d->released;

	for (uint32_t i = 0; i < sl->npages && !released; i++)
		if (d->pages[sl->page[i]].va) /* else parked: lost to the backend */
			d->page_free[d->npage_free++] = sl->page[i];
	d->view[s].state = BLKFRONT_SLOT_FREE;
	sl->req = NULL;
	if (d->state != BLKFRONT_DEAD)
		d->slot_free[d->nslot_free++] = (uint16_t)s;
	spin_unlock_irqrestore(&d->lock, f);
	if (released)
		for (uint32_t i = 0; i < sl->npages; i++)
			drop_page(d, sl->page[i]);
	sl->npages = 0;
	waitq_wake_all(&d->space_wq);
}

/* ---- requests ---- */

static void req_put(struct blkfront_req *r)
{
	if (__atomic_sub_fetch(&r->pending, 1, __ATOMIC_ACQ_REL) == 0)
		r->done(r, __atomic_load_n(&r->status, __ATOMIC_ACQUIRE));
}

static void req_fail(struct blkfront_req *r, int err)
{
	int zero = 0;

	__atomic_compare_exchange_n(&r->status, &zero, err, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

static uint8_t blkif_op(enum blkfront_op op)
{
	switch (op) {
	case BLKFRONT_READ:
		return BLKIF_OP_READ;
	case BLKFRONT_WRITE:
		return BLKIF_OP_WRITE;
	case BLKFRONT_DISCARD:
		return BLKIF_OP_DISCARD;
	default:
		return BLKIF_OP_FLUSH_DISKCACHE;
	}
}

/* Publishes one request (under d->lock) and says whether the backend needs a kick. */
static int push(struct blk_dev *d, const blkif_request_t *req)
{
	blkif_sring_t *s = d->sring;
	uint32_t old = d->req_prod_pvt;

	memcpy(&s->ring[old & (d->ring_entries - 1)].req, req, sizeof(*req));
	d->req_prod_pvt = old + 1;
	/* RING_PUSH_REQUESTS_AND_CHECK_NOTIFY */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&s->req_prod, d->req_prod_pvt, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	uint32_t ev = __atomic_load_n(&s->req_event, __ATOMIC_ACQUIRE);
	return (uint32_t)(d->req_prod_pvt - ev) < (uint32_t)(d->req_prod_pvt - old);
}

/* A suspended disk takes requests only from the thread that replays the parked ones. */
static int gated(struct blk_dev *d)
{
	return __atomic_load_n(&d->state, __ATOMIC_ACQUIRE) == BLKFRONT_SUSPENDED &&
	       __atomic_load_n(&d->resumer, __ATOMIC_ACQUIRE) != thread_self();
}

static int can_take(struct blk_dev *d, uint32_t n)
{
	return __atomic_load_n(&d->state, __ATOMIC_ACQUIRE) == BLKFRONT_DEAD ||
	       (!gated(d) && __atomic_load_n(&d->nslot_free, __ATOMIC_ACQUIRE) &&
		(__atomic_load_n(&d->npage_free, __ATOMIC_ACQUIRE) >= n ||
		 __atomic_load_n(&d->npages, __ATOMIC_ACQUIRE) + n <= BLKFRONT_POOL_PAGES));
}

/*
 * Sends one ring request: a chunk of a READ/WRITE (c != NULL) or a FLUSH/BARRIER/DISCARD.
 * Takes a reference on r for the completion; failures before the ring are recorded in r.
 */
void blkfront_send(struct blk_dev *d, struct blkfront_req *r, uint8_t op,
		   const struct blkfront_chunk *c, uint64_t req_off, uint64_t sector,
		   uint64_t nsect)
{
	uint32_t nsegs = c ? c->nsegs : 0;
	int indirect = nsegs > BLKIF_MAX_SEGMENTS_PER_REQUEST;
	uint32_t n = nsegs + (indirect ? 1 : 0), s = 0;
	int e;

	for (;;) {
		unsigned long f = spin_lock_irqsave(&d->lock);
		e = d->state == BLKFRONT_DEAD ? -EIO : gated(d) ? -EAGAIN : take(d, n, &s);
		spin_unlock_irqrestore(&d->lock, f);
		if (e != -EAGAIN)
			break;
		WAIT_UNTIL(&d->space_wq, can_take(d, n));
	}
	if (e) {
		req_fail(r, e == -ENOMEM ? -ENOMEM : -EIO);
		return;
	}
	struct blkfront_slot *sl = &d->slots[s];
	sl->req = r;
	sl->req_off = req_off;
	sl->bytes = c ? c->bytes : 0;
	sl->nsegs = (uint16_t)nsegs;
	sl->sector = sector;
	sl->nsect = nsect;
	sl->unsent = 0;
	d->view[s].op = op;
	d->view[s].indirect = (uint8_t)indirect;

	blkif_request_t req;
	memset(&req, 0, sizeof(req));
	req.id = blkfront_id(s, d->view[s].gen);
	req.handle = (blkif_vdev_t)d->vdev;
	req.operation = op;
	req.sector_number = sector;
	if (op == BLKIF_OP_DISCARD) {
		blkif_request_discard_t *dr = (blkif_request_discard_t *)&req;
		dr->nr_sectors = nsect;
	}
	int bad = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct blkfront_page *pg = &d->pages[sl->page[i]];
		int is_data = i < nsegs;

		if (is_data && op == BLKIF_OP_WRITE) {
			uint32_t at = i * BLKFRONT_PAGE, len = c->bytes - at;
			memcpy(pg->va, (char *)r->buf + req_off + at,
			       len > BLKFRONT_PAGE ? BLKFRONT_PAGE : len);
		}
		if (pg->ref == BLKFRONT_NO_REF) {
			/* the backend only reads written data and indirect descriptors */
			int ro = !is_data || op == BLKIF_OP_WRITE;
			int g =
			    gnttab_grant_access(d->backend, (uintptr_t)pg->va >> PAGE_SHIFT, ro);
			if (g < 0) {
				bad = 1;
				break;
			}
			sl->ref[i] = (uint32_t)g;
		}
	}
	uint32_t gref[BLKFRONT_MAX_SEGS + 1];
	for (uint32_t i = 0; i < n && !bad; i++)
		gref[i] = sl->ref[i] != BLKFRONT_NO_REF ? sl->ref[i] : d->pages[sl->page[i]].ref;
	if (!bad && indirect) {
		blkif_request_indirect_t *ir = (blkif_request_indirect_t *)&req;
		struct blkif_request_segment *seg = d->pages[sl->page[nsegs]].va;

		ir->operation = BLKIF_OP_INDIRECT;
		ir->indirect_op = op;
		ir->nr_segments = (uint16_t)nsegs;
		ir->id = blkfront_id(s, d->view[s].gen);
		ir->sector_number = sector;
		ir->handle = (blkif_vdev_t)d->vdev;
		ir->indirect_grefs[0] = gref[nsegs];
		for (uint32_t i = 0; i < nsegs; i++) {
			seg[i].gref = gref[i];
			blkfront_seg(c, i, &seg[i].first_sect, &seg[i].last_sect);
		}
	} else if (!bad) {
		req.nr_segments = (uint8_t)nsegs;
		for (uint32_t i = 0; i < nsegs; i++) {
			req.seg[i].gref = gref[i];
			blkfront_seg(c, i, &req.seg[i].first_sect, &req.seg[i].last_sect);
		}
	}
	__atomic_add_fetch(&r->pending, 1, __ATOMIC_ACQ_REL);
	int notify = 0;
	unsigned long f = spin_lock_irqsave(&d->lock);
	if (!bad && d->state != BLKFRONT_DEAD) {
		d->view[s].state = BLKFRONT_SLOT_INFLIGHT;
		sl->sent_ns = time_monotonic_ns();
		d->inflight++;
		/* a suspend began since we took the slot: the ring is frozen, resume sends it */
		sl->unsent = gated(d);
		if (sl->unsent)
			memcpy(&sl->wire, &req, sizeof(req));
		notify = sl->unsent ? 0 : push(d, &req);
		d->st.ring_requests++;
		d->st.indirect_requests += (uint64_t)indirect;
		if (notify)
			d->st.notifies++;
		e = 0;
	} else {
		e = bad ? -ENOMEM : -EIO;
	}
	evtchn_port_t port = d->port;
	spin_unlock_irqrestore(&d->lock, f);
	if (notify)
		evtchn_notify(port);
	if (e) {
		end_grants(d, sl);
		put_slot(d, s);
		req_fail(r, e);
		req_put(r);
	}
}

int blkfront_submit(struct blk_dev *d, struct blkfront_req *r)
{
	if (!d || !r || !r->done)
		return -EINVAL;
	/* a suspend in progress: callers wait for the resume instead of failing */
	WAIT_UNTIL(&d->space_wq, !gated(d));
	if (__atomic_load_n(&d->state, __ATOMIC_ACQUIRE) != BLKFRONT_CONNECTED)
		return -ENODEV;
	struct blkfront_info *in = &d->info;
	if (r->op == BLKFRONT_READ || r->op == BLKFRONT_WRITE || r->op == BLKFRONT_DISCARD) {
		int e = blkfront_check_range(r->offset, r->len, in->sector_size, in->size);
		if (e)
			return e;
		if (r->op != BLKFRONT_DISCARD && !r->buf)
			return -EINVAL;
	} else if (r->op != BLKFRONT_FLUSH) {
		return -EINVAL;
	}
	if (r->op != BLKFRONT_READ && in->read_only)
		return -EROFS;
	if (r->op == BLKFRONT_DISCARD && !in->discard)
		return -ENOSYS;
	r->status = 0;
	r->pending = 1; /* ours until every piece is on the ring */
	__atomic_add_fetch(&d->st.requests, 1, __ATOMIC_RELAXED);
	switch (r->op) {
	case BLKFRONT_READ:
	case BLKFRONT_WRITE: {
		struct blkfront_chunk c;
		uint64_t done = 0;
		uint8_t op = blkif_op(r->op);

		while (blkfront_next_chunk(r->offset, r->len, done, d->max_segs, &c)) {
			blkfront_send(d, r, op, &c, done, c.sector, 0);
			done += c.bytes;
			if (__atomic_load_n(&r->status, __ATOMIC_ACQUIRE))
				break; /* the disk went away: no point sending the rest */
		}
		break;
	}
	case BLKFRONT_FLUSH:
		if (in->flush)
			blkfront_send(d, r, BLKIF_OP_FLUSH_DISKCACHE, NULL, 0, 0, 0);
		else if (in->barrier)
			blkfront_send(d, r, BLKIF_OP_WRITE_BARRIER, NULL, 0, 0, 0);
		/* neither: the backend writes through, nothing to do */
		break;
	case BLKFRONT_DISCARD:
		blkfront_send(d, r, BLKIF_OP_DISCARD, NULL, 0, r->offset / BLKFRONT_SECT,
			      r->len / BLKFRONT_SECT);
		break;
	}
	req_put(r);
	return 0;
}

/* ---- completion ---- */

/* Ends one piece of a request: statistics, the request's status, and done when it was the last. */
static void complete(struct blk_dev *d, struct blkfront_req *r, int err)
{
	if (err) {
		__atomic_add_fetch(&d->st.errors, 1, __ATOMIC_RELAXED);
		req_fail(r, err);
	}
	__atomic_add_fetch(&d->st.completions, 1, __ATOMIC_RELAXED);
	req_put(r);
}

/* A response's slot: end grants, copy read data out, free the slot, finish the request piece. */
static void finish(struct blk_dev *d, uint32_t s, int err)
{
	struct blkfront_slot *sl = &d->slots[s];
	struct blkfront_req *r = sl->req;

	end_grants(d, sl);
	if (!err && d->view[s].op == BLKIF_OP_READ) {
		for (uint32_t i = 0; i < sl->nsegs; i++) {
			void *va = d->pages[sl->page[i]].va;
			uint32_t at = i * BLKFRONT_PAGE, len = sl->bytes - at;

			if (!va) {
				err = -EIO; /* the page went to the backend: its data is not ours */
				break;
			}
			memcpy((char *)r->buf + sl->req_off + at, va,
			       len > BLKFRONT_PAGE ? BLKFRONT_PAGE : len);
		}
	}
	if (!err && d->view[s].op == BLKIF_OP_READ)
		__atomic_add_fetch(&d->st.bytes_read, sl->bytes, __ATOMIC_RELAXED);
	else if (!err && d->view[s].op == BLKIF_OP_WRITE)
		__atomic_add_fetch(&d->st.bytes_written, sl->bytes, __ATOMIC_RELAXED);
	put_slot(d, s);
	complete(d, r, err);
}

static void fail_broken(struct blk_dev *d, const char *why);

/*
 * Consumes responses: each is copied out of the shared page once, then checked. Completions run
 * after the lock is dropped (they copy data and call the application).
 */
static void poll(struct blk_dev *d)
{
	uint32_t done[BLKFRONT_MAX_SLOTS];
	int errs[BLKFRONT_MAX_SLOTS];
	uint32_t nd = 0;
	const char *broken = NULL;

	unsigned long f = spin_lock_irqsave(&d->lock);
	if (d->state == BLKFRONT_DEAD) {
		spin_unlock_irqrestore(&d->lock, f);
		return;
	}
	blkif_sring_t *sr = d->sring;
	for (;;) {
		uint32_t rp = __atomic_load_n(&sr->rsp_prod, __ATOMIC_ACQUIRE);

		if (!blkfront_rsp_prod_ok(rp, d->rsp_cons, d->req_prod_pvt)) {
			d->st.bad_rsp_prod++;
			broken = "the backend's rsp_prod is beyond what we asked";
			break;
		}
		while (d->rsp_cons != rp && nd < BLKFRONT_MAX_SLOTS && !broken) {
			blkif_response_t rsp;
			const volatile blkif_response_t *src =
			    &sr->ring[d->rsp_cons & (d->ring_entries - 1)].rsp;
			rsp.id = src->id;
			rsp.operation = src->operation;
			rsp.status = src->status;
			d->rsp_cons++;
			uint32_t s = 0;
			int err = 0;
			switch (blkfront_rsp_check(d->view, d->nslots, rsp.id, rsp.operation,
						   rsp.status, &s, &err)) {
			/* a backend that answers what was never asked (or twice) cannot be trusted
			 * with what is still in flight: Linux's blkfront gives up on it too */
			case BLKFRONT_RSP_UNKNOWN_ID:
				d->st.bad_id++;
				broken = "a response with an id no request had";
				continue;
			case BLKFRONT_RSP_NOT_INFLIGHT:
				d->st.dup_rsp++;
				broken = "a second response to one request";
				continue;
			case BLKFRONT_RSP_WRONG_OP:
				d->st.wrong_op++;
				break;
			case BLKFRONT_RSP_BAD_STATUS:
				d->st.bad_status++;
				break;
			case BLKFRONT_RSP_OK:
				break;
			}
			d->view[s].state =
			    BLKFRONT_SLOT_BUSY; /* a repeat of this id is now a duplicate */
			d->inflight--;
			done[nd] = s;
			errs[nd++] = err;
		}
		if (nd == BLKFRONT_MAX_SLOTS || broken)
			break; /* finish these first; the thread comes back (irq_pending set below) */
		/* RING_FINAL_CHECK_FOR_RESPONSES */
		sr->rsp_event = d->rsp_cons + 1;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(&sr->rsp_prod, __ATOMIC_ACQUIRE) == d->rsp_cons)
			break;
	}
	if (nd == BLKFRONT_MAX_SLOTS)
		d->irq_pending = 1;
	spin_unlock_irqrestore(&d->lock, f);
	for (uint32_t i = 0; i < nd; i++)
		finish(d, done[i], errs[i]);
	if (broken)
		fail_broken(d, broken);
}

/*
 * The backend broke the protocol (completion thread): every request in flight fails with -EIO
 * now, and xenbus removes the disk as if the backend had closed (our state Closed, the grants
 * revoked once it lets go). The first failure is the one reported.
 */
static void fail_broken(struct blk_dev *d, const char *why)
{
	if (__atomic_load_n(&d->state, __ATOMIC_ACQUIRE) == BLKFRONT_DEAD)
		return;
	pr_err("blkfront: %s: %s: failing the disk\n", d->name, why);
	blkfront_fail_all(d);
	xenbus_device_fail(d->xb);
}

/* A request the backend has left unanswered for the disk's io timeout: its name, or NULL. */
static const char *overdue(struct blk_dev *d)
{
	uint64_t now = time_monotonic_ns();
	int late = 0;
	unsigned long f = spin_lock_irqsave(&d->lock);

	for (uint32_t s = 0; s < d->nslots && d->state != BLKFRONT_DEAD && !late; s++)
		late = d->view[s].state == BLKFRONT_SLOT_INFLIGHT &&
		       now - d->slots[s].sent_ns > d->timeout_ns;
	spin_unlock_irqrestore(&d->lock, f);
	if (!late)
		return NULL;
	__atomic_add_fetch(&d->st.timeouts, 1, __ATOMIC_RELAXED);
	return "a request unanswered for io_timeout";
}

void blkfront_evtchn(evtchn_port_t port, void *arg)
{
	struct blk_dev *d = arg;
	(void)port;

	__atomic_store_n(&d->irq_pending, 1, __ATOMIC_RELEASE);
	d->st.interrupts++;
	waitq_wake_all(&d->irq_wq);
}

static void worker(void *arg)
{
	struct blk_dev *d = arg;

	for (;;) {
		/* woken each second meanwhile: a backend that never answers must not hang anyone */
		(void)WAIT_UNTIL_TIMEOUT(&d->irq_wq,
					 __atomic_load_n(&d->irq_pending, __ATOMIC_ACQUIRE) ||
					     __atomic_load_n(&d->stopping, __ATOMIC_ACQUIRE),
					 1000000000ull);
		if (__atomic_load_n(&d->stopping, __ATOMIC_ACQUIRE))
			break;
		__atomic_store_n(&d->irq_pending, 0, __ATOMIC_RELEASE);
		poll(d);
		const char *why = overdue(d);
		if (why)
			fail_broken(d, why);
	}
	/* a broken ring stops us early; fail_all (from remove, or below) finishes the job */
}

int blkfront_start_worker(struct blk_dev *d)
{
	__atomic_store_n(&d->stopping, 0, __ATOMIC_RELEASE);
	d->worker = thread_create("blkfront", worker, d, 64 * 1024);
	return d->worker ? 0 : -ENOMEM;
}

/* Stops the completion thread (not from itself): requests stay as they are. */
void blkfront_stop_worker(struct blk_dev *d)
{
	__atomic_store_n(&d->stopping, 1, __ATOMIC_RELEASE);
	waitq_wake_all(&d->irq_wq);
	if (d->worker) {
		thread_join(d->worker);
		d->worker = NULL;
	}
}

/* Puts an unsent slot's request (kept in the slot) on the ring: whether to notify; d->lock held. */
int blkfront_push_slot(struct blk_dev *d, uint32_t s)
{
	struct blkfront_slot *sl = &d->slots[s];

	sl->unsent = 0;
	sl->sent_ns = time_monotonic_ns();
	return push(d, &sl->wire);
}

void blkfront_req_put(struct blkfront_req *r)
{
	req_put(r);
}

struct blk_dev *blkfront_disks(void)
{
	return __atomic_load_n(&disks, __ATOMIC_ACQUIRE);
}

int blkfront_start(struct blk_dev *d)
{
	d->nslots = d->ring_entries < BLKFRONT_MAX_SLOTS ? d->ring_entries : BLKFRONT_MAX_SLOTS;
	d->slots = kzalloc(d->nslots * sizeof(*d->slots));
	d->pages = kzalloc(BLKFRONT_POOL_PAGES * sizeof(*d->pages));
	d->page_free = kzalloc(BLKFRONT_POOL_PAGES * sizeof(*d->page_free));
	if (!d->slots || !d->pages || !d->page_free)
		goto nomem;
	for (uint32_t i = 0; i < d->nslots; i++)
		d->slot_free[i] = (uint16_t)(d->nslots - 1 - i);
	d->nslot_free = d->nslots;
	d->info.ring_pages = 1u << d->ring_order;
	d->info.ring_entries = d->ring_entries;
	d->info.max_inflight = d->nslots;
	d->info.connected = 1;
	d->timeout_ns = xenbus_io_timeout_ns();
	d->state = BLKFRONT_CONNECTED;
	int r = evtchn_bind(d->port, blkfront_evtchn, d);
	if (r)
		return r;
	if (blkfront_start_worker(d)) {
		evtchn_unbind(d->port);
		goto nomem;
	}
	return 0;
nomem:
	kfree(d->slots);
	kfree(d->pages);
	kfree(d->page_free);
	d->slots = NULL;
	d->pages = NULL;
	d->page_free = NULL;
	return -ENOMEM;
}

/*
 * Fails every request in flight with -EIO now; their slots keep their pages and grants (the
 * backend may still be using them) until blkfront_release. Safe to call twice, and from the
 * completion thread itself (a broken ring).
 */
void blkfront_fail_all(struct blk_dev *d)
{
	uint32_t fail[BLKFRONT_MAX_SLOTS], nf = 0;

	unsigned long f = spin_lock_irqsave(&d->lock);
	int first = d->state != BLKFRONT_DEAD;
	d->state = BLKFRONT_DEAD;
	d->info.connected = 0;
	d->stopping = 1;
	spin_unlock_irqrestore(&d->lock, f);
	if (first)
		evtchn_unbind(d->port);
	waitq_wake_all(&d->irq_wq);
	if (d->worker && d->worker != thread_self()) {
		thread_join(d->worker);
		d->worker = NULL;
	}
	f = spin_lock_irqsave(&d->lock);
	for (uint32_t s = 0; s < d->nslots; s++)
		if (d->view[s].state == BLKFRONT_SLOT_INFLIGHT) {
			d->view[s].state = BLKFRONT_SLOT_BUSY;
			d->orphan[d->norphan++] = (uint16_t)s;
			fail[nf++] = s;
		}
	d->inflight = 0;
	spin_unlock_irqrestore(&d->lock, f);
	/* submitters waiting for space see DEAD and give up */
	waitq_wake_all(&d->space_wq);
	for (uint32_t i = 0; i < nf; i++) {
		struct blkfront_req *r = d->slots[fail[i]].req;

		__atomic_add_fetch(&d->st.failed_on_close, 1, __ATOMIC_RELAXED);
		d->slots[fail[i]].req = NULL;
		complete(d, r, -EIO);
	}
}

/*
 * The backend has closed (or stopped answering): revoke every grant and return the pages; a
 * grant it still holds parks its page for good rather than risk the backend writing into reuse.
 */
void blkfront_release(struct blk_dev *d)
{
	unsigned long f = spin_lock_irqsave(&d->lock);
	uint32_t n = d->npage_free, no = d->norphan;
	d->npage_free = 0;
	d->norphan = 0;
	d->released = 1;
	spin_unlock_irqrestore(&d->lock, f);
	for (uint32_t i = 0; i < no; i++) {
		struct blkfront_slot *sl = &d->slots[d->orphan[i]];

		end_grants(d, sl);
		for (uint32_t k = 0; k < sl->npages; k++)
			drop_page(d, sl->page[k]);
		sl->npages = 0;
	}
	for (uint32_t i = 0; i < n; i++)
		drop_page(d, d->page_free[i]);
}

/* ---- the disk list and the calls lib/api/blk.c makes ---- */

void blkfront_add(struct blk_dev *d)
{
	unsigned long f = spin_lock_irqsave(&list_lock);
	struct blk_dev **p = &disks;
	while (*p)
		p = &(*p)->next;
	d->next = NULL;
	*p = d;
	spin_unlock_irqrestore(&list_lock, f);
	waitq_wake_all(&list_wq);
}

void blkfront_set_hotplug(void (*fn)(struct blk_dev *d, int attached, void *arg), void *arg)
{
	hotplug_arg = arg;
	__atomic_store_n(&hotplug_fn, fn, __ATOMIC_RELEASE);
}

void blkfront_hotplug_notify(struct blk_dev *d, int attached)
{
	void (*fn)(struct blk_dev *, int, void *) = __atomic_load_n(&hotplug_fn, __ATOMIC_ACQUIRE);

	if (fn)
		fn(d, attached, hotplug_arg);
	waitq_wake_all(&list_wq);
}

int blkfront_init(void)
{
	mutex_lock(&init_mutex);
	if (!init_done) {
		blkfront_suspend_init();
		int r = blkfront_register();
		if (r && r != -ETIMEDOUT) {
			mutex_unlock(&init_mutex);
			return r;
		}
		init_done = 1;
	}
	mutex_unlock(&init_mutex);
	int n = 0;
	for (struct blk_dev *d = disks; d; d = d->next)
		n += d->state == BLKFRONT_CONNECTED;
	return n;
}

struct blk_dev *blkfront_open_index(unsigned i)
{
	if (blkfront_init() < 0)
		return NULL;
	unsigned long f = spin_lock_irqsave(&list_lock);
	struct blk_dev *d = disks;
	for (; d; d = d->next)
		if (d->state == BLKFRONT_CONNECTED && i-- == 0)
			break;
	spin_unlock_irqrestore(&list_lock, f);
	return d;
}

static struct blk_dev *find(const char *name)
{
	unsigned long f = spin_lock_irqsave(&list_lock);
	struct blk_dev *d = disks;
	for (; d; d = d->next) {
		char num[12];
		uint32_t v = d->vdev, k = 0;
		char tmp[12];
		do
			tmp[k++] = (char)('0' + v % 10);
		while ((v /= 10) && k < sizeof(tmp));
		for (uint32_t i = 0; i < k; i++)
			num[i] = tmp[k - 1 - i];
		num[k] = 0;
		if (d->state == BLKFRONT_CONNECTED &&
		    (!strcmp(d->name, name) || !strcmp(num, name)))
			break;
	}
	spin_unlock_irqrestore(&list_lock, f);
	return d;
}

struct blk_dev *blkfront_open(const char *name)
{
	if (!name || blkfront_init() < 0)
		return NULL;
	return find(name);
}

struct blk_dev *blkfront_wait(const char *name, uint64_t timeout_ns)
{
	struct blk_dev *d = NULL;

	if (!name || blkfront_init() < 0)
		return NULL;
	WAIT_UNTIL_TIMEOUT(&list_wq, (d = find(name)) != NULL, timeout_ns);
	return d;
}

int blkfront_info(struct blk_dev *d, struct blkfront_info *info)
{
	if (!d || !info)
		return -EINVAL;
	*info = d->info;
	info->connected = __atomic_load_n(&d->state, __ATOMIC_ACQUIRE) == BLKFRONT_CONNECTED;
	return 0;
}

int blkfront_stats(struct blk_dev *d, struct blkfront_stats *st)
{
	if (!d || !st)
		return -EINVAL;
	*st = d->st;
	return 0;
}
