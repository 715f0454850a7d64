/* blkfront's xenbus side: what the shared handshake (xenbus_front.c) asks of a vbd: features, ring, keys, connect, close. */
#include "base/fmt.h"
#include "base/string.h"
#include "drivers/blkfront/blkfront.h"
#include "kernel/heap.h"
#include "kernel/printk.h"

#define CLOSE_TIMEOUT_NS XENBUS_FRONT_CLOSE_NS

static uint64_t be_uint(struct blk_dev *d, const char *key, uint64_t def)
{
	return xenbus_front_backend_uint(d->xb, key, def);
}

/* The backend's ring limit (published at InitWait) sizes our one share: the ring pages. */
static int negotiate(struct xenbus_front *f)
{
	struct blk_dev *d = f->priv;
	uint64_t order = be_uint(d, "max-ring-page-order", 0);

	if (order > BLKFRONT_RING_ORDER_ABSURD) {
		/* no ring has 2^9 pages: a confused backend; its smaller rings still work */
		d->st.bad_features++;
		pr_warn(
		    "blkfront: %s: the backend offers max-ring-page-order %lu: absurd, using %u\n",
		    d->name, order, BLKFRONT_RING_ORDER_MAX);
	}
	d->ring_order = order < BLKFRONT_RING_ORDER_MAX ? (uint32_t)order : BLKFRONT_RING_ORDER_MAX;
	f->nports = 1;
	int s = xenbus_front_add_share(f, NULL, d->ring_refs, 1, d->ring_order, 0);

	return s < 0 ? s : 0;
}

/* The shared ring's indices as SHARED_RING_INIT sets them (the page is zeroed already). */
static int prepare(struct xenbus_front *f)
{
	struct blk_dev *d = f->priv;
	blkif_sring_t *s = xenbus_front_block(f, 0, 0);

	s->req_prod = s->rsp_prod = 0;
	s->req_event = s->rsp_event = 1;
	d->sring = s;
	d->port = f->port[0];
	d->ring_entries = blkfront_ring_entries(d->ring_order, sizeof(union blkif_sring_entry));
	return 0;
}

/* Our half of the connection, written in one transaction so the backend sees all of it or none. */
static int write_keys(struct xenbus_front *f, const struct xs_ctx *tx)
{
	struct blk_dev *d = f->priv;
	char key[16];
	int r;

	if (d->ring_order == 0) {
		if ((r = xenbus_front_printf(f, tx, "ring-ref", "%u", d->ring_refs[0])))
			return r;
	} else {
		for (uint32_t i = 0; i < (1u << d->ring_order); i++) {
			fmt_snprintf(key, sizeof(key), "ring-ref%u", i);
			if ((r = xenbus_front_printf(f, tx, key, "%u", d->ring_refs[i])))
				return r;
		}
		if ((r = xenbus_front_printf(f, tx, "ring-page-order", "%u", d->ring_order)))
			return r;
		/* the older multi-page scheme's key, as blkif.h note 3 asks */
		if ((r = xenbus_front_printf(f, tx, "num-ring-pages", "%u", 1u << d->ring_order)))
			return r;
	}
	if ((r = xenbus_front_printf(f, tx, "event-channel", "%u", d->port)))
		return r;
	if ((r = xenbus_front_printf(f, tx, "protocol", "%s", XEN_IO_PROTO_ABI_NATIVE)))
		return r;
	/* we reuse grants from a pool: the backend may keep them mapped */
	return xenbus_front_printf(f, tx, "feature-persistent", "1");
}

/* Reads what the backend says about the disk once it is Connected; refuses nonsense. */
static int read_properties(struct blk_dev *d)
{
	struct blkfront_info *in = &d->info;
	uint64_t sectors = be_uint(d, "sectors", 0), ss = be_uint(d, "sector-size", 512);
	uint64_t pss = be_uint(d, "physical-sector-size", ss), info = be_uint(d, "info", 0);

	if (blkfront_check_geometry(sectors, ss, pss, &in->size)) {
		pr_warn("blkfront: %s: bad geometry: sectors %lu, sector-size %lu, "
			"physical-sector-size %lu\n",
			d->name, sectors, ss, pss);
		return -EBADMSG;
	}
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
	if (ind > 0xffff) {
		/* a request counts its segments in 16 bits: more cannot be meant */
		d->st.bad_features++;
		pr_warn(
		    "blkfront: %s: the backend offers %lu indirect segments: absurd, using %u\n",
		    d->name, ind, BLKFRONT_MAX_SEGS);
	}
	d->indirect = ind > BLKIF_MAX_SEGMENTS_PER_REQUEST;
	d->max_segs = d->indirect ? (uint32_t)(ind < BLKFRONT_MAX_SEGS ? ind : BLKFRONT_MAX_SEGS)
				  : BLKIF_MAX_SEGMENTS_PER_REQUEST;
	d->persistent = be_uint(d, "feature-persistent", 0) == 1;
	in->persistent = d->persistent;
	in->max_segments = d->max_segs;
	return 0;
}

/* The backend is Connected: its disk's properties, then the data path. */
static int connect(struct xenbus_front *f)
{
	struct blk_dev *d = f->priv;
	int r = read_properties(d);

	if (r)
		return r;
	/* after a new domain the disk keeps its pool and parked requests (blkfront_suspend.c) */
	return d->resuming ? blkfront_restart(d) : blkfront_start(d);
}

static void disconnect(struct xenbus_front *f)
{
	blkfront_fail_all(f->priv);
	blkfront_release(f->priv);
}

static const struct xenbus_front_ops blkfront_ops = {
	.negotiate = negotiate,
	.prepare = prepare,
	.write_keys = write_keys,
	.connect = connect,
	.disconnect = disconnect,
};

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

	/* blkif: Initialised after the keys, Connected once the disk's properties are read */
	xenbus_front_init(&d->front, xb, &blkfront_ops, d, "blkfront", XenbusStateInitialised);
	blkfront_probing(1);
	if ((r = xenbus_front_connect(&d->front))) {
		blkfront_probing(-1);
		kfree(d);
		return r;
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
	blkfront_probing(-1);
	blkfront_hotplug_notify(d, 1);
	return 0;
}

/*
 * The backend closes (xl block-detach): fail what is in flight, then tell the backend we are
 * closed and give it time to unmap before we revoke, so grants come back instead of leaking.
 */
static void blkfront_remove(struct xenbus_device *xb)
{
	struct blk_dev *d = xb->priv;

	if (!d)
		return;
	d->st.bad_states += xb->bad_states;
	blkfront_fail_all(d);
	blkfront_hotplug_notify(d, 0);
	xenbus_switch_state(xb, XenbusStateClosed);
	/* the state watch is gone by now (remove runs after unwatch): the helper polls the node */
	xenbus_front_wait_closed(xb, CLOSE_TIMEOUT_NS);
	blkfront_release(d);
	xenbus_front_release(&d->front);
	d->sring = NULL;
	d->port = 0;
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
