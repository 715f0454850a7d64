/* blkfront's xenbus side: feature negotiation, ring and event channel set-up, connect and close. */
#include "base/fmt.h"
#include "base/string.h"
#include "drivers/blkfront/blkfront.h"
#include "kernel/evtchn.h"
#include "kernel/gnttab.h"
#include "kernel/heap.h"
#include "kernel/pmem.h"
#include "kernel/printk.h"
#include "kernel/sched.h"

#define HANDSHAKE_TIMEOUT_NS (30ull * 1000000000ull)
#define CLOSE_TIMEOUT_NS     (10ull * 1000000000ull)

/* A backend key as a number; def when it is missing or not a number (features are optional). */
static uint64_t be_uint(struct blk_dev *d, const char *key, uint64_t def)
{
	char path[192];
	uint64_t v;

	fmt_snprintf(path, sizeof(path), "%s/%s", d->xb->otherend, key);
	return xs_read_uint(NULL, path, &v) == 0 ? v : def;
}

struct keys {
	struct blk_dev *d;
};

/* Our half of the connection, written in one transaction so the backend sees all of it or none. */
static int write_keys(const struct xs_ctx *tx, void *arg)
{
	struct blk_dev *d = ((struct keys *)arg)->d;
	const char *n = d->xb->nodename;
	char path[96];
	int r;

	if (d->ring_order == 0) {
		fmt_snprintf(path, sizeof(path), "%s/ring-ref", n);
		if ((r = xs_printf(tx, path, "%u", d->ring_refs[0])))
			return r;
	} else {
		for (uint32_t i = 0; i < (1u << d->ring_order); i++) {
			fmt_snprintf(path, sizeof(path), "%s/ring-ref%u", n, i);
			if ((r = xs_printf(tx, path, "%u", d->ring_refs[i])))
				return r;
		}
		fmt_snprintf(path, sizeof(path), "%s/ring-page-order", n);
		if ((r = xs_printf(tx, path, "%u", d->ring_order)))
			return r;
		/* the older multi-page scheme's key, as blkif.h note 3 asks */
		fmt_snprintf(path, sizeof(path), "%s/num-ring-pages", n);
		if ((r = xs_printf(tx, path, "%u", 1u << d->ring_order)))
			return r;
	}
	fmt_snprintf(path, sizeof(path), "%s/event-channel", n);
	if ((r = xs_printf(tx, path, "%u", d->port)))
		return r;
	fmt_snprintf(path, sizeof(path), "%s/protocol", n);
	if ((r = xs_write(tx, path, XEN_IO_PROTO_ABI_NATIVE)))
		return r;
	/* we reuse grants from a pool: the backend may keep them mapped */
	fmt_snprintf(path, sizeof(path), "%s/feature-persistent", n);
	return xs_write(tx, path, "1");
}

/* The shared ring: 2^order pages granted to the backend, indices initialised as SHARED_RING_INIT. */
static int ring_setup(struct blk_dev *d)
{
	uint32_t n = 1u << d->ring_order;
	blkif_sring_t *s = page_alloc(n);

	if (!s)
		return -ENOMEM;
	memset(s, 0, n * PAGE_SIZE);
	s->req_prod = s->rsp_prod = 0;
	s->req_event = s->rsp_event = 1;
	for (uint32_t i = 0; i < n; i++) {
		int ref = gnttab_grant_access(d->backend, ((uintptr_t)s >> PAGE_SHIFT) + i, 0);

		if (ref < 0) {
			while (i--)
				gnttab_end_access(d->ring_refs[i]);
			page_free(s, n);
			return ref;
		}
		d->ring_refs[i] = (uint32_t)ref;
	}
	d->sring = s;
	d->ring_entries = blkfront_ring_entries(d->ring_order, sizeof(union blkif_sring_entry));
	return 0;
}

/* Reads what the backend says about the disk once it is Connected; refuses nonsense. */
static int read_properties(struct blk_dev *d)
{
	struct blk_info *in = &d->info;
	uint64_t sectors = be_uint(d, "sectors", 0), ss = be_uint(d, "sector-size", 512);
	uint64_t pss = be_uint(d, "physical-sector-size", ss), info = be_uint(d, "info", 0);

	if (ss < 512 || ss > 65536 || (ss & (ss - 1)) || pss < ss || pss % ss || pss > (1u << 20)) {
		pr_warn("blkfront: %s: bad sector-size %lu / physical-sector-size %lu\n", d->name,
			ss, pss);
		return -EBADMSG;
	}
	/* Linux blkback writes "sectors" in 512-byte units whatever sector-size is (so does Linux's blkfront) */
	if (sectors == 0 || sectors > (UINT64_MAX >> 10) || (sectors * 512) % ss) {
		pr_warn("blkfront: %s: bad sectors %lu\n", d->name, sectors);
		return -EBADMSG;
	}
	in->size = sectors * 512;
	in->sector_size = (uint32_t)ss;
	in->physical_sector_size = (uint32_t)pss;
	in->cdrom = !!(info & VDISK_CDROM);
	in->removable = !!(info & VDISK_REMOVABLE);
	in->read_only = !!(info & VDISK_READONLY);
	/* a backend mode "r" is also read-only even if info misses it */
	char path[192], mode[8];
	fmt_snprintf(path, sizeof(path), "%s/mode", d->xb->otherend);
	if (xs_read(NULL, path, mode, sizeof(mode)) > 0 && mode[0] == 'r' && mode[1] == 0)
		in->read_only = 1;
	in->flush = be_uint(d, "feature-flush-cache", 0) == 1;
	in->barrier = be_uint(d, "feature-barrier", 0) == 1;
	in->discard = be_uint(d, "feature-discard", 0) == 1;
	if (in->discard) {
		uint64_t g = be_uint(d, "discard-granularity", ss),
			 a = be_uint(d, "discard-alignment", 0);

		in->discard_granularity = g && g <= (1u << 30) ? (uint32_t)g : (uint32_t)ss;
		in->discard_alignment = a < in->discard_granularity ? (uint32_t)a : 0;
	}
	uint64_t ind = be_uint(d, "feature-max-indirect-segments", 0);
	d->indirect = ind > BLKIF_MAX_SEGMENTS_PER_REQUEST;
	d->max_segs = d->indirect ? (uint32_t)(ind < BLKFRONT_MAX_SEGS ? ind : BLKFRONT_MAX_SEGS)
				  : BLKIF_MAX_SEGMENTS_PER_REQUEST;
	d->persistent = be_uint(d, "feature-persistent", 0) == 1;
	in->persistent = d->persistent;
	in->max_segments = d->max_segs;
	return 0;
}

static void undo_ring(struct blk_dev *d)
{
	int leak = 0;

	if (d->port) {
		evtchn_close(d->port);
		d->port = 0;
	}
	if (!d->sring)
		return;
	for (uint32_t i = 0; i < (1u << d->ring_order); i++)
		if (gnttab_end_access(d->ring_refs[i]))
			leak = 1;
	/* a ring page the backend still maps must never be reused */
	if (!leak)
		page_free(d->sring, 1u << d->ring_order);
	else
		pr_warn("blkfront: %s: backend still maps the ring: %u pages left parked\n",
			d->name, 1u << d->ring_order);
	d->sring = NULL;
}

static int blkfront_probe(struct xenbus_device *xb)
{
	struct blk_dev *d = kzalloc(sizeof(*d));
	uint64_t vdev;
	int r;

	if (!d)
		return -ENOMEM;
	d->xb = xb;
	d->backend = (domid_t)xb->otherend_id;
	d->lock = (spinlock_t)SPINLOCK_INIT;
	d->space_wq = (struct waitq)WAITQ_INIT;
	d->irq_wq = (struct waitq)WAITQ_INIT;
	d->state = BLKFRONT_CONNECTING;
	vdev = 0;
	for (const char *c = xb->id; *c >= '0' && *c <= '9' && vdev < (1ull << 32); c++)
		vdev = vdev * 10 + (uint64_t)(*c - '0');
	d->vdev = (uint32_t)vdev;
	if (blkfront_vdev_name(d->vdev, d->name, sizeof(d->name)) < 0)
		fmt_snprintf(d->name, sizeof(d->name), "vbd%s", xb->id);
	memcpy(d->info.name, d->name, sizeof(d->name));
	d->info.vdev = d->vdev;

	/*
	 * A device we already closed (remove ran) whose node the toolstack has not deleted yet:
	 * device/ events re-offer it until then; refuse quietly rather than handshake again.
	 */
	char sp[64];
	XenbusState ours;
	fmt_snprintf(sp, sizeof(sp), "%s/state", xb->nodename);
	if (xenbus_read_state(sp, &ours) == 0 && ours >= XenbusStateClosing &&
	    ours <= XenbusStateClosed) {
		kfree(d);
		return -ENODEV;
	}
	/* the backend publishes its ring limits at InitWait (it may skip ahead: fine) */
	if ((r = xenbus_wait_backend(xb, XenbusStateInitWait, HANDSHAKE_TIMEOUT_NS)) < 0)
		goto fail;
	uint64_t order = be_uint(d, "max-ring-page-order", 0);
	d->ring_order = order < BLKFRONT_RING_ORDER_MAX ? (uint32_t)order : BLKFRONT_RING_ORDER_MAX;
	if ((r = ring_setup(d)))
		goto fail;
	if ((r = evtchn_alloc_unbound(d->backend, &d->port)))
		goto fail;
	struct keys k = { d };
	if ((r = xs_transaction(NULL, write_keys, &k)) < 0)
		goto fail;
	if ((r = xenbus_switch_state(xb, XenbusStateInitialised)))
		goto fail;
	if ((r = xenbus_wait_backend(xb, XenbusStateConnected, HANDSHAKE_TIMEOUT_NS)) < 0)
		goto fail;
	if ((r = read_properties(d)))
		goto fail;
	if ((r = blkfront_start(d)))
		goto fail;
	if ((r = xenbus_switch_state(xb, XenbusStateConnected))) {
		blkfront_fail_all(d);
		blkfront_release(d);
		goto fail_started;
	}
	xb->priv = d;
	pr_info("blkfront: %s: %lu MiB, %u-byte sectors (physical %u)%s%s%s%s, ring %u pages/%u "
		"entries, %u segments/request%s, %s grants\n",
		d->name, d->info.size >> 20, d->info.sector_size, d->info.physical_sector_size,
		d->info.read_only ? ", read-only" : "", d->info.flush ? ", flush" : "",
		d->info.barrier ? ", barrier" : "", d->info.discard ? ", discard" : "",
		1u << d->ring_order, d->ring_entries, d->max_segs, d->indirect ? " (indirect)" : "",
		d->persistent ? "persistent" : "per-request");
	blkfront_add(d);
	blkfront_hotplug_notify(d, 1);
	return 0;
fail:
	undo_ring(d);
fail_started:
	pr_warn("blkfront: device/vbd/%s: connecting failed (%d)\n", xb->id, r);
	xenbus_switch_state(xb, XenbusStateClosed);
	kfree(d);
	return r;
}

/*
 * The backend closes (xl block-detach): fail what is in flight, then tell the backend we are
 * closed and give it time to unmap before we revoke, so grants come back instead of leaking.
 */
static void blkfront_remove(struct xenbus_device *xb)
{
	struct blk_dev *d = xb->priv;
	char sp[160];
	XenbusState s = XenbusStateUnknown;

	if (!d)
		return;
	blkfront_fail_all(d);
	blkfront_hotplug_notify(d, 0);
	xenbus_switch_state(xb, XenbusStateClosed);
	/* the state watch is gone by now (remove runs after unwatch): read the node until it closes */
	fmt_snprintf(sp, sizeof(sp), "%s/state", xb->otherend);
	for (uint64_t waited = 0; waited < CLOSE_TIMEOUT_NS; waited += 20000000ull) {
		int r = xenbus_read_state(sp, &s);

		if (r == -ENOENT || (r == 0 && s == XenbusStateClosed))
			break;
		sched_sleep_ns(20000000ull);
	}
	blkfront_release(d);
	undo_ring(d);
	struct gnttab_stats g;
	gnttab_get_stats(&g);
	pr_info("blkfront: %s: detached; %lu requests failed with -EIO, %lu grants still busy\n",
		d->name, d->st.failed_on_close, d->st.grants_busy);
	xb->priv = NULL;
	/* d stays allocated (a small tombstone): applications may still hold the handle */
}

static struct xenbus_driver blkfront_driver = {
	.type = "vbd",
	.probe = blkfront_probe,
	.remove = blkfront_remove,
};

int blkfront_register(void)
{
	return xenbus_register_driver(&blkfront_driver);
}
