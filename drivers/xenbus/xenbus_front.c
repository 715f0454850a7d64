/*
 * The frontend half of the xenbus handshake (blkfront, netfront): one sequence, one teardown.
 *
 * A PV device is a pair of xenstore directories: ours (device/<type>/<id>) and the backend's
 * (named by our "backend" key). Each side writes only its own "state" and its own keys, and
 * reads the other's; a watch on the other's state drives the next step. The handshake:
 *   backend  Initialising -> InitWait   its features are readable now (ring sizes, offloads)
 *   frontend Initialising -> Initialised we granted the rings and opened the event channel(s)
 *                                        and wrote their numbers, all in one transaction, so
 *                                        the backend never sees half a configuration
 *   backend  -> Connected                it mapped our rings and bound the channel; it also
 *                                        publishes what it only knows now (a disk's size)
 *   frontend -> Connected                we read that and started the data path
 * (netif frontends write Connected straight after the keys: nothing of the backend's is
 * needed first.) Either side leaves by Closing -> Closed; the one that sees its peer close
 * stops using the shared pages, and only once the backend is Closed may the frontend revoke
 * the grants: a page revoked under a live mapping cannot be freed.
 */
#include "base/errno.h"
#include "base/fmt.h"
#include "base/string.h"
#include "drivers/xenbus/xenbus_front.h"
#include "kernel/boot.h"
#include "kernel/cmdline.h"
#include "kernel/evtchn.h"
#include "kernel/gnttab.h"
#include "kernel/pmem.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include <stdarg.h>

#define HANDSHAKE_TIMEOUT_NS (30ull * 1000000000ull)
#define POLL_NS		     20000000ull

void xenbus_front_init(struct xenbus_front *f, struct xenbus_device *dev,
		       const struct xenbus_front_ops *ops, void *priv, const char *drv,
		       XenbusState keys)
{
	memset(f, 0, sizeof(*f));
	f->dev = dev;
	f->ops = ops;
	f->priv = priv;
	f->drv = drv;
	f->keys = keys;
}

int xenbus_front_add_share(struct xenbus_front *f, void **va, grant_ref_t *ref, unsigned count,
			   unsigned order, int readonly)
{
	if (f->nshares == XENBUS_FRONT_SHARES || (!va && count != 1))
		return -ENOSPC;
	struct xenbus_front_share *s = &f->share[f->nshares];

	*s = (struct xenbus_front_share){ va ? va : &s->one, ref, count, order, readonly, NULL };
	for (unsigned i = 0; i < count; i++)
		s->va[i] = NULL;
	return (int)f->nshares++;
}

void *xenbus_front_block(const struct xenbus_front *f, unsigned s, unsigned i)
{
	return f->share[s].va[i];
}

uint64_t xenbus_io_timeout_ns(void)
{
	unsigned long s = 30;

	cmdline_opt_uint(&boot_cmdline, "io_timeout", &s);
	return (s ? s : 1) * 1000000000ull;
}

uint64_t xenbus_front_backend_uint(struct xenbus_device *dev, const char *key, uint64_t def)
{
	char path[192];
	uint64_t v;

	fmt_snprintf(path, sizeof(path), "%s/%s", dev->otherend, key);
	return xs_read_uint(NULL, path, &v) == 0 ? v : def;
}

int xenbus_front_printf(struct xenbus_front *f, const struct xs_ctx *tx, const char *key,
			const char *fmt, ...)
{
	char path[96], val[32];
	va_list ap;

	va_start(ap, fmt);
	int n = fmt_vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(val))
		return -E2BIG;
	fmt_snprintf(path, sizeof(path), "%s/%s", f->dev->nodename, key);
	return xs_write(tx, path, val);
}

int xenbus_front_wait_closed(struct xenbus_device *dev, uint64_t timeout_ns)
{
	char sp[160];
	XenbusState s = XenbusStateUnknown;

	fmt_snprintf(sp, sizeof(sp), "%s/state", dev->otherend);
	for (uint64_t waited = 0; waited < timeout_ns; waited += POLL_NS) {
		int r = xenbus_read_state(sp, &s);

		if (r == -ENOENT || (r == 0 && s == XenbusStateClosed))
			return 0;
		sched_sleep_ns(POLL_NS);
	}
	return -ETIMEDOUT;
}

/* ---- shares ---- */

/* pages shared with backends (rings, their buffers), parked ones included: the memory report's */
static uint64_t shared_pages;

uint64_t xenbus_front_shared_pages(void)
{
	return __atomic_load_n(&shared_pages, __ATOMIC_RELAXED);
}

/* Revokes a block's first n grants: 0, or the number of grants the backend still holds. */
static unsigned revoke(const struct xenbus_front_share *s, unsigned block, unsigned n)
{
	unsigned busy = 0;

	for (unsigned k = 0; k < n; k++)
		if (gnttab_end_access(s->ref[(block << s->order) + k]))
			busy++;
	return busy;
}

/* Gives a block back: freed when every grant came back, else parked whole. */
static void drop_block(struct xenbus_front *f, struct xenbus_front_share *s, unsigned i,
		       unsigned granted)
{
	if (revoke(s, i, granted)) {
		__atomic_add_fetch(&f->parked, 1u << s->order, __ATOMIC_RELAXED);
	} else {
		page_free(s->va[i], 1u << s->order);
		__atomic_sub_fetch(&shared_pages, 1u << s->order, __ATOMIC_RELAXED);
	}
	s->va[i] = NULL;
}

/* One block: allocated, zeroed (a granted page shows the backend whatever it held), granted. */
static int share_block(struct xenbus_front *f, struct xenbus_front_share *s, unsigned i)
{
	unsigned n = 1u << s->order;
	void *p = page_alloc(n);

	if (!p)
		return -ENOMEM;
	memset(p, 0, n * PAGE_SIZE);
	__atomic_add_fetch(&shared_pages, n, __ATOMIC_RELAXED);
	s->va[i] = p;
	for (unsigned k = 0; k < n; k++) {
		int ref = gnttab_grant_access((domid_t)f->dev->otherend_id,
					      ((uintptr_t)p >> PAGE_SHIFT) + k, s->readonly);

		if (ref < 0) {
			drop_block(f, s, i, k);
			return ref;
		}
		s->ref[(i << s->order) + k] = (grant_ref_t)ref;
	}
	return 0;
}

static int share_all(struct xenbus_front *f)
{
	for (unsigned s = 0; s < f->nshares; s++)
		for (unsigned i = 0; i < f->share[s].count; i++) {
			int r = share_block(f, &f->share[s], i);

			if (r)
				return r;
		}
	return 0;
}

void xenbus_front_unshare(struct xenbus_front *f, unsigned s)
{
	struct xenbus_front_share *sh = &f->share[s];
	uint32_t before = __atomic_load_n(&f->parked, __ATOMIC_RELAXED);

	for (unsigned i = 0; i < sh->count; i++)
		if (sh->va[i])
			drop_block(f, sh, i, 1u << sh->order);
	uint32_t now = __atomic_load_n(&f->parked, __ATOMIC_RELAXED);
	if (now != before)
		pr_warn("%s: %s: the backend still maps %u shared pages: left parked\n", f->drv,
			f->dev->nodename, now - before);
}

/* ---- ports ---- */

static int open_ports(struct xenbus_front *f)
{
	while (f->nports_open < f->nports) {
		int r =
		    evtchn_alloc_unbound((domid_t)f->dev->otherend_id, &f->port[f->nports_open]);

		if (r)
			return r;
		f->nports_open++;
	}
	return 0;
}

void xenbus_front_close_ports(struct xenbus_front *f)
{
	while (f->nports_open)
		evtchn_close(f->port[--f->nports_open]);
}

void xenbus_front_release(struct xenbus_front *f)
{
	xenbus_front_close_ports(f);
	for (unsigned s = f->nshares; s--;)
		xenbus_front_unshare(f, s);
}

/* ---- the sequence ---- */

/* The backend's state has reached want (Reconfiguring and Reconfigured count as connected). */
static int reached(XenbusState s, XenbusState want)
{
	return s >= want && s != XenbusStateClosing && s != XenbusStateClosed;
}

/* xenbus_wait_backend's answer, found by reading the node every POLL_NS (f->poll_backend). */
static int poll_backend(struct xenbus_front *f, XenbusState want)
{
	char sp[160];

	fmt_snprintf(sp, sizeof(sp), "%s/state", f->dev->otherend);
	for (uint64_t waited = 0; waited < HANDSHAKE_TIMEOUT_NS; waited += POLL_NS) {
		XenbusState s = XenbusStateUnknown;
		int r = xenbus_read_state(sp, &s);

		if (r == -ENOENT || (r == 0 && (s == XenbusStateClosing || s == XenbusStateClosed)))
			return -ENOTCONN;
		if (r == 0) {
			__atomic_store_n(&f->dev->backend_state, s, __ATOMIC_RELEASE);
			if (reached(s, want))
				return (int)s;
		}
		sched_sleep_ns(POLL_NS);
	}
	return -ETIMEDOUT;
}

static int wait_backend(struct xenbus_front *f, XenbusState want)
{
	if (f->poll_backend)
		return poll_backend(f, want);
	return xenbus_wait_backend(f->dev, want, HANDSHAKE_TIMEOUT_NS);
}

static int keys_tx(const struct xs_ctx *tx, void *arg)
{
	struct xenbus_front *f = arg;

	return f->ops->write_keys(f, tx);
}

/* Our own state node says we closed this device before (its node lingers until deleted). */
static int closed_before(struct xenbus_front *f)
{
	char sp[64];
	XenbusState ours;

	fmt_snprintf(sp, sizeof(sp), "%s/state", f->dev->nodename);
	return xenbus_read_state(sp, &ours) == 0 && ours >= XenbusStateClosing &&
	       ours <= XenbusStateClosed;
}

/* The failure teardown documented in xenbus_front.h. */
static void fail(struct xenbus_front *f, int connected, int r, const char *step)
{
	int shared = f->nports_open || f->published;

	for (unsigned s = 0; s < f->nshares && !shared; s++)
		for (unsigned i = 0; i < f->share[s].count; i++)
			shared |= f->share[s].va[i] != NULL;
	if (r != -ENOTCONN || shared)
		pr_warn("%s: %s: connecting failed at %s (%d)\n", f->drv, f->dev->nodename, step,
			r);
	if (r != -ENOTCONN || shared)
		xenbus_switch_state(f->dev, XenbusStateClosed);
	if (f->published && xenbus_front_wait_closed(f->dev, XENBUS_FRONT_CLOSE_NS))
		pr_warn("%s: %s: the backend did not close\n", f->drv, f->dev->nodename);
	if (connected && f->ops->disconnect)
		f->ops->disconnect(f);
	xenbus_front_release(f);
}

/* Up to the keys: 0, or the failed step's name in *step. */
static int set_up(struct xenbus_front *f, const char **step)
{
	int r;

	*step = "the backend's InitWait";
	r = wait_backend(f, XenbusStateInitWait);
	if (r < 0)
		return r;
	*step = "negotiation";
	if ((r = f->ops->negotiate(f)))
		return r;
	*step = "granting the rings";
	if ((r = share_all(f)))
		return r;
	*step = "opening the event channels";
	if ((r = open_ports(f)))
		return r;
	*step = "preparing the rings";
	if ((r = f->ops->prepare(f)))
		return r;
	*step = "writing the keys";
	f->published = 1; /* a failed commit may still have landed */
	if ((r = xs_transaction(NULL, keys_tx, f)) < 0)
		return r;
	*step = "switching state";
	return xenbus_switch_state(f->dev, f->keys);
}

int xenbus_front_connect(struct xenbus_front *f)
{
	const char *step;
	int r;

	if (closed_before(f))
		return -ENODEV;
	if ((r = set_up(f, &step)))
		goto fail;
	step = "the backend's Connected";
	r = wait_backend(f, XenbusStateConnected);
	if (r < 0)
		goto fail;
	step = "connecting the data path";
	if (f->ops->connect && (r = f->ops->connect(f)))
		goto fail;
	if (f->keys != XenbusStateConnected &&
	    (r = xenbus_switch_state(f->dev, XenbusStateConnected))) {
		fail(f, 1, r, "switching to Connected");
		return r;
	}
	return 0;
fail:
	fail(f, 0, r, step);
	return r;
}

/* ---- suspend ---- */

void xenbus_front_suspend(struct xenbus_front *f)
{
	xs_unwatch(NULL, &f->dev->state_watch);
}

/* Watches the backend named in dev->otherend, its current state first (no "went backwards"). */
static int follow(struct xenbus_device *dev)
{
	char sp[160];
	XenbusState s = XenbusStateUnknown;

	fmt_snprintf(sp, sizeof(sp), "%s/state", dev->otherend);
	xenbus_read_state(sp, &s);
	__atomic_store_n(&dev->backend_state, s, __ATOMIC_RELEASE);
	dev->state_watch.path = dev->otherend;
	return xs_watch(NULL, &dev->state_watch);
}

int xenbus_front_resume_cancelled(struct xenbus_front *f)
{
	return follow(f->dev);
}

void xenbus_front_forget_ref(grant_ref_t ref)
{
	/* the entry is empty in the new table: this only frees the ref, no backend is involved */
	(void)gnttab_end_access(ref);
}

/* Every share's pages freed and grants forgotten; ports forgotten (they died with the domain). */
static void forget_all(struct xenbus_front *f)
{
	for (unsigned s = 0; s < f->nshares; s++) {
		struct xenbus_front_share *sh = &f->share[s];

		for (unsigned i = 0; i < sh->count; i++) {
			if (!sh->va[i])
				continue;
			for (unsigned k = 0; k < (1u << sh->order); k++)
				xenbus_front_forget_ref(sh->ref[(i << sh->order) + k]);
			page_free(sh->va[i], 1u << sh->order);
			__atomic_sub_fetch(&shared_pages, 1u << sh->order, __ATOMIC_RELAXED);
			sh->va[i] = NULL;
		}
	}
	f->nshares = 0;
	f->nports_open = 0;
	f->published = 0;
}

int xenbus_front_reconnect(struct xenbus_front *f)
{
	struct xenbus_device *dev = f->dev;
	struct xenbus_device now;
	int r;

	forget_all(f);
	if ((r = xenbus_device_read(dev->type, dev->id, &now))) {
		pr_warn("%s: %s: no backend after the resume (%d)\n", f->drv, dev->nodename, r);
		return r;
	}
	if (strcmp(now.otherend, dev->otherend) || now.otherend_id != dev->otherend_id)
		pr_info("%s: %s: backend now %s (domain %u)\n", f->drv, dev->nodename, now.otherend,
			now.otherend_id);
	memcpy(dev->otherend, now.otherend, sizeof(dev->otherend));
	dev->otherend_id = now.otherend_id;
	if ((r = follow(dev))) {
		pr_warn("%s: %s: cannot watch the backend (%d)\n", f->drv, dev->nodename, r);
		return r;
	}
	f->poll_backend = 1; /* we run in the watch thread (kernel/suspend.c) */
	r = xenbus_front_connect(f);
	f->poll_backend = 0;
	return r;
}
