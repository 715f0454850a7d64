/*
 * blkfront across a suspend (save/restore, migration, checkpoint): park, then continue or replay.
 *
 * prepare (before the domain is suspended): the disk turns SUSPENDED, so new requests wait in
 * blkfront_submit instead of failing; requests already on the ring get a short time to finish,
 * (blk_drain_ms=, 500 ms), then the completion thread stops and the event channel is unbound. What is still on the ring
 * is parked: its slot keeps the request, the caller keeps waiting.
 * resume, cancelled (xl save -c, a failed save): the backend, ring and grants are all still
 * there, and the backend may have answered parked requests meanwhile: rebind, restart the
 * thread, poll, and put on the ring what was prepared during the suspend.
 * resume, new domain (restore, migration): every grant and port is dead, the backend is a new
 * one (maybe with other features: ring size, indirect segments). The parked pieces are noted,
 * every grant forgotten (never revoked against anyone: the new grant table is empty), the
 * handshake runs again, and each parked piece is sent again exactly once, re-split to the new
 * segment limit, its data taken again from the caller's buffer (the request owns it until its
 * completion). The old piece is dropped without a completion, so nothing completes twice.
 */
#include "base/string.h"
#include "drivers/blkfront/blkfront.h"
#include "kernel/boot.h"
#include "kernel/cmdline.h"
#include "kernel/evtchn.h"
#include "kernel/heap.h"
#include "kernel/pmem.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/suspend.h"
#include "kernel/time.h"

/*
 * In-flight requests' time to finish before the save, 500 ms unless the kernel option
 * blk_drain_ms= says otherwise (0: park whatever is on the ring, which the replay test uses).
 */
static uint64_t drain_ns(void)
{
	unsigned long ms = 500;

	cmdline_opt_uint(&boot_cmdline, "blk_drain_ms", &ms);
	return (uint64_t)ms * 1000000ull;
}

static int probing; /* probes in progress: a disk half connected cannot be suspended */

void blkfront_probing(int delta)
{
	__atomic_add_fetch(&probing, delta, __ATOMIC_ACQ_REL);
}

static void set_state(struct blk_dev *d, enum blkfront_state s)
{
	unsigned long f = spin_lock_irqsave(&d->lock);
	d->state = s;
	spin_unlock_irqrestore(&d->lock, f);
	waitq_wake_all(&d->space_wq);
}

/* One connected disk: stop taking requests, give in-flight ones drain_ns(), park the rest. */
static void park(struct blk_dev *d)
{
	set_state(d, BLKFRONT_SUSPENDED);
	uint64_t ns = drain_ns();
	if (ns)
		(void)WAIT_UNTIL_TIMEOUT(&d->space_wq,
					 __atomic_load_n(&d->inflight, __ATOMIC_ACQUIRE) == 0, ns);
	blkfront_stop_worker(d);
	evtchn_unbind(d->port);
	xenbus_front_suspend(&d->front);
	if (d->inflight)
		pr_info("blkfront: %s: %u requests parked\n", d->name, d->inflight);
}

static int prepare(void)
{
	if (__atomic_load_n(&probing, __ATOMIC_ACQUIRE)) {
		pr_warn("blkfront: a disk is still connecting: refusing the suspend\n");
		return -EBUSY;
	}
	for (struct blk_dev *d = blkfront_disks(); d; d = d->next)
		if (__atomic_load_n(&d->state, __ATOMIC_ACQUIRE) == BLKFRONT_CONNECTED)
			park(d);
	return 0;
}

/* Cancelled: the same ring; what was prepared meanwhile goes on it now. */
static void continue_same(struct blk_dev *d)
{
	int notify = 0;

	xenbus_front_resume_cancelled(&d->front);
	unsigned long f = spin_lock_irqsave(&d->lock);
	for (uint32_t s = 0; s < d->nslots; s++) {
		if (d->view[s].state != BLKFRONT_SLOT_INFLIGHT)
			continue;
		d->slots[s].sent_ns =
		    time_monotonic_ns(); /* the suspend's time is not the backend's */
		if (d->slots[s].unsent)
			notify |= blkfront_push_slot(d, s);
	}
	d->state = BLKFRONT_CONNECTED;
	d->irq_pending = 1; /* responses that came while unbound */
	spin_unlock_irqrestore(&d->lock, f);
	evtchn_bind(d->port, blkfront_evtchn, d);
	if (notify)
		evtchn_notify(d->port);
	blkfront_start_worker(d);
	waitq_wake_all(&d->space_wq);
}

/* The parked pieces of a new domain, and what they belong to. */
struct parked_set {
	uint32_t n;
	struct blkfront_parked p[BLKFRONT_MAX_SLOTS];
	struct blkfront_req *req[BLKFRONT_MAX_SLOTS];
};

/* Notes every parked piece and forgets every grant: the slots and pages are ours alone again. */
static void collect(struct blk_dev *d, struct parked_set *ps)
{
	ps->n = 0;
	for (uint32_t s = 0; s < d->nslots; s++) {
		struct blkfront_slot *sl = &d->slots[s];

		if (d->view[s].state == BLKFRONT_SLOT_INFLIGHT) {
			ps->p[ps->n] =
			    (struct blkfront_parked){ d->view[s].op, sl->sector, sl->nsect,
						      sl->req_off, sl->bytes };
			ps->req[ps->n++] = sl->req;
		}
		for (uint32_t i = 0; i < sl->npages; i++)
			if (sl->ref[i] != BLKFRONT_NO_REF)
				xenbus_front_forget_ref(sl->ref[i]);
		d->view[s].state = BLKFRONT_SLOT_FREE;
		sl->npages = 0;
		sl->req = NULL;
	}
	/*
	 * The bounce pages go back to the allocator and the pool grows again on demand: granted
	 * the way the new backend wants them (a persistent-grant backend maps every page writable,
	 * so a page granted read-only for one write would be refused).
	 */
	for (uint32_t p = 0; p < d->npages; p++) {
		if (d->pages[p].ref != BLKFRONT_NO_REF)
			xenbus_front_forget_ref(d->pages[p].ref);
		if (d->pages[p].va) /* NULL: the old backend kept it mapped; lost for good */
			page_free(d->pages[p].va, 1);
		d->pages[p] = (struct blkfront_page){ NULL, BLKFRONT_NO_REF };
	}
	d->npages = 0;
	d->npage_free = 0;
	kfree(d->slots);
	d->slots = NULL;
	d->nslots = 0;
	d->inflight = 0;
}

/* Called by the handshake's connect (blkfront_xs.c) on a new domain: slots for the new ring. */
int blkfront_restart(struct blk_dev *d)
{
	d->nslots = d->ring_entries < BLKFRONT_MAX_SLOTS ? d->ring_entries : BLKFRONT_MAX_SLOTS;
	d->slots = kzalloc(d->nslots * sizeof(*d->slots));
	if (!d->slots)
		return -ENOMEM;
	for (uint32_t i = 0; i < d->nslots; i++) {
		d->slot_free[i] = (uint16_t)(d->nslots - 1 - i);
		d->view[i].state = BLKFRONT_SLOT_FREE;
	}
	d->nslot_free = d->nslots;
	d->req_prod_pvt = d->rsp_cons = 0;
	d->info.ring_pages = 1u << d->ring_order;
	d->info.ring_entries = d->ring_entries;
	d->info.max_inflight = d->nslots;
	int r = evtchn_bind(d->port, blkfront_evtchn, d);
	if (r)
		return r;
	if ((r = blkfront_start_worker(d))) {
		evtchn_unbind(d->port);
		return r;
	}
	return 0;
}

/* Sends one parked piece again to the new backend (this thread may send while SUSPENDED). */
static void replay(struct blk_dev *d, const struct blkfront_parked *p, struct blkfront_req *r)
{
	struct blkfront_chunk c;
	uint64_t done = 0, off;

	switch (p->op) {
	case BLKIF_OP_READ:
	case BLKIF_OP_WRITE:
		while (blkfront_replay_next(p, done, d->max_segs, &c, &off)) {
			blkfront_send(d, r, p->op, &c, off, c.sector, 0);
			done += c.bytes;
		}
		break;
	case BLKIF_OP_FLUSH_DISKCACHE:
	case BLKIF_OP_WRITE_BARRIER:
		/* whichever the new backend has; neither: it writes through */
		if (d->info.flush)
			blkfront_send(d, r, BLKIF_OP_FLUSH_DISKCACHE, NULL, 0, 0, 0);
		else if (d->info.barrier)
			blkfront_send(d, r, BLKIF_OP_WRITE_BARRIER, NULL, 0, 0, 0);
		break;
	case BLKIF_OP_DISCARD:
		if (d->info.discard) /* a hint: without the feature it is dropped */
			blkfront_send(d, r, BLKIF_OP_DISCARD, NULL, 0, p->sector, p->nsect);
		break;
	}
	blkfront_req_put(r); /* the old piece: its sends above hold the request now */
}

/* No backend after the resume: the parked pieces fail, the disk is dead. */
static void give_up(struct blk_dev *d, struct parked_set *ps, int err)
{
	pr_err("blkfront: %s: reconnecting after the resume failed (%d): the disk is gone\n",
	       d->name, err);
	set_state(d, BLKFRONT_DEAD);
	d->info.connected = 0;
	for (uint32_t i = 0; i < ps->n; i++) {
		__atomic_add_fetch(&d->st.failed_on_close, 1, __ATOMIC_RELAXED);
		__atomic_compare_exchange_n(&ps->req[i]->status, &(int){ 0 }, -EIO, 0,
					    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
		blkfront_req_put(ps->req[i]);
	}
	blkfront_hotplug_notify(d, 0);
}

static void reconnect(struct blk_dev *d)
{
	static struct parked_set ps; /* one resume at a time (the kernel's sequence) */
	uint64_t t0 = time_monotonic_ns();

	collect(d, &ps);
	__atomic_store_n(&d->resumer, thread_self(), __ATOMIC_RELEASE);
	d->resuming = 1;
	int r = xenbus_front_reconnect(&d->front);
	d->resuming = 0;
	if (r) {
		__atomic_store_n(&d->resumer, NULL, __ATOMIC_RELEASE);
		give_up(d, &ps, r);
		return;
	}
	d->backend = (domid_t)d->xb->otherend_id;
	for (uint32_t i = 0; i < ps.n; i++)
		replay(d, &ps.p[i], ps.req[i]);
	__atomic_store_n(&d->resumer, NULL, __ATOMIC_RELEASE);
	set_state(d, BLKFRONT_CONNECTED);
	pr_info("blkfront: %s: reconnected in %lu ms, ring %u pages, %u segments/request, %u "
		"pieces replayed\n",
		d->name, (time_monotonic_ns() - t0) / 1000000, 1u << d->ring_order, d->max_segs,
		ps.n);
}

static void resume(bool new_domain)
{
	for (struct blk_dev *d = blkfront_disks(); d; d = d->next) {
		if (__atomic_load_n(&d->state, __ATOMIC_ACQUIRE) != BLKFRONT_SUSPENDED)
			continue;
		if (new_domain)
			reconnect(d);
		else
			continue_same(d);
	}
}

static struct suspend_hook hook = {
	.name = "blkfront",
	.level = SUSPEND_LEVEL_FRONTEND,
	.prepare = prepare,
	.resume = resume,
};

void blkfront_suspend_init(void)
{
	suspend_hook_register(&hook);
}
