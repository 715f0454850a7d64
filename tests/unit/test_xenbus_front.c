/* Tests the frontend handshake (xenbus_front.c, driven through blkfront's and netfront's real probes): each step fails in turn and every grant, page and port comes back. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/blkfront/blkfront.h"
#include "drivers/netfront/netfront_priv.h"
#include "kernel/evtchn.h"
#include "kernel/gnttab.h"
#include "kernel/heap.h"
#include "kernel/pmem.h"
#include "kernel/printk.h"

/*
 * The fake world: a xenstore of a few keys, a grant table, event channels, the page allocator
 * (page_alloc/page_free are wrapped at link time: tests/unit/unit.mk) and a backend that maps
 * every granted page once we announce our keys and unmaps when we say Closed, unless told
 * to hold on. Every fallible call counts as one step; the step numbered fail_at fails.
 */
static int steps, fail_at;

static int fault(void)
{
	return ++steps == fail_at;
}

/* ---- xenstore ---- */

#define NKEYS 64
static struct kv {
	char path[160], val[64];
} store[NKEYS];
static int nkeys, writes;

static struct kv *find(const char *path)
{
	for (int i = 0; i < nkeys; i++)
		if (!strcmp(store[i].path, path))
			return &store[i];
	return NULL;
}

static void put(const char *path, const char *val)
{
	struct kv *k = find(path);

	if (!k) {
		cr_assert_lt(nkeys, NKEYS);
		k = &store[nkeys++];
		snprintf(k->path, sizeof(k->path), "%s", path);
	}
	snprintf(k->val, sizeof(k->val), "%s", val);
}

int xs_available(void)
{
	return 1;
}

int xs_read(const struct xs_ctx *c, const char *path, char *buf, size_t cap)
{
	struct kv *k = find(path);

	(void)c;
	if (!k)
		return -ENOENT;
	snprintf(buf, cap, "%s", k->val);
	return (int)strlen(buf);
}

int xs_read_uint(const struct xs_ctx *c, const char *path, uint64_t *v)
{
	struct kv *k = find(path);
	char *end;

	(void)c;
	if (!k)
		return -ENOENT;
	*v = strtoull(k->val, &end, 10);
	return *end || !k->val[0] ? -EINVAL : 0;
}

int xs_write(const struct xs_ctx *c, const char *path, const char *value)
{
	(void)c;
	if (fault())
		return -EIO;
	put(path, value);
	writes++;
	return 0;
}

int xs_transaction(const struct xs_ctx *c, int (*fn)(const struct xs_ctx *tx, void *arg), void *arg)
{
	static const struct xs_ctx tx = { .tx_id = 7 };

	(void)c;
	if (fault())
		return -EIO; /* the start */
	int r = fn(&tx, arg);
	if (r < 0)
		return r;
	return fault() ? -EIO : r; /* the commit */
}

/* ---- grants, pages, ports ---- */

#define NREFS 2048
enum { REF_FREE, REF_GRANTED, REF_PARKED };
static struct {
	int state, mapped;
	uint64_t frame;
} refs[NREFS];
static int grants_out, parked_refs, bad_ends, backend_holds;

int gnttab_grant_access(domid_t domid, uint64_t frame, int readonly)
{
	(void)domid;
	(void)readonly;
	if (fault())
		return -ENOSPC;
	for (int r = 8; r < NREFS; r++)
		if (refs[r].state == REF_FREE) {
			refs[r].state = REF_GRANTED;
			refs[r].mapped = 0;
			refs[r].frame = frame;
			grants_out++;
			return r;
		}
	return -ENOSPC;
}

int gnttab_end_access(grant_ref_t ref)
{
	if (ref >= NREFS || refs[ref].state != REF_GRANTED) {
		bad_ends++;
		return -EINVAL;
	}
	grants_out--;
	if (refs[ref].mapped) {
		refs[ref].state = REF_PARKED;
		parked_refs++;
		return -EBUSY;
	}
	refs[ref].state = REF_FREE;
	return 0;
}

void gnttab_get_stats(struct gnttab_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->busy_refs = (uint64_t)parked_refs;
}

/* the backend maps what we granted (it read our keys) or lets it all go (it closed) */
static void backend_maps(int on)
{
	for (int r = 0; r < NREFS; r++)
		if (refs[r].state == REF_GRANTED)
			refs[r].mapped = on;
}

#define MAXBLOCKS 2048
static struct block {
	void *p;
	uint64_t n;
} blocks[MAXBLOCKS]; /* live blocks; parked ones stay here until the test ends */
static int nblocks;
static long pages_out, bad_frees, freed_while_granted;
static int fake_pages; /* off: the real pmem wrappers (test_pmem uses them) */

void *__real_page_alloc(uint64_t n);
void __real_page_free(void *p, uint64_t n);

void *__wrap_page_alloc(uint64_t n)
{
	if (!fake_pages)
		return __real_page_alloc(n);
	if (fault() || nblocks == MAXBLOCKS)
		return NULL;
	void *p = aligned_alloc(PAGE_SIZE, n * PAGE_SIZE);
	cr_assert_not_null(p);
	memset(p, 0xa5, n * PAGE_SIZE); /* old contents: the handshake must zero what it shares */
	blocks[nblocks++] = (struct block){ p, n };
	pages_out += (long)n;
	return p;
}

void __wrap_page_free(void *p, uint64_t n)
{
	if (!fake_pages) {
		__real_page_free(p, n);
		return;
	}
	for (int i = 0; i < nblocks; i++)
		if (blocks[i].p == p && blocks[i].n == n) {
			uint64_t first = (uintptr_t)p / PAGE_SIZE;

			for (int r = 0; r < NREFS; r++)
				if (refs[r].state != REF_FREE && refs[r].frame >= first &&
				    refs[r].frame < first + n)
					freed_while_granted++;
			free(p);
			blocks[i] = blocks[--nblocks];
			pages_out -= (long)n;
			return;
		}
	bad_frees++;
}

static int ports_open, next_port, bad_closes, binds;
static uint8_t port_open[64];

int evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port)
{
	(void)remote;
	if (fault() || next_port == 64)
		return -ENOSPC;
	*port = (evtchn_port_t)next_port;
	port_open[next_port++] = 1;
	ports_open++;
	return 0;
}

int evtchn_close(evtchn_port_t port)
{
	if (port >= 64 || !port_open[port]) {
		bad_closes++;
		return -EINVAL;
	}
	port_open[port] = 0;
	ports_open--;
	return 0;
}

int evtchn_bind(evtchn_port_t port, evtchn_handler_t fn, void *arg)
{
	(void)fn;
	(void)arg;
	cr_assert(port < 64 && port_open[port], "bind of a port not open: %u", port);
	binds++;
	return 0;
}

/* ---- xenbus and the kernel ---- */

static struct xenbus_device dev;
static struct xenbus_driver *driver;
static int backend_closing, backend_closed, waited_closed, backend_keeps_maps;
static char log_buf[8192];

static int ours(const char *path)
{
	return !strncmp(path, dev.nodename, strlen(dev.nodename));
}

int xenbus_read_state(const char *path_state, XenbusState *st)
{
	uint64_t v;
	int r;

	if (!ours(path_state)) {
		waited_closed++;
		*st = backend_closed ? XenbusStateClosed : XenbusStateConnected;
		return 0;
	}
	if ((r = xs_read_uint(NULL, path_state, &v)))
		return r;
	*st = (XenbusState)v;
	return 0;
}

int xenbus_switch_state(struct xenbus_device *d, XenbusState st)
{
	char path[96], val[4];

	if (fault())
		return -EIO;
	snprintf(path, sizeof(path), "%s/state", d->nodename);
	snprintf(val, sizeof(val), "%u", (unsigned)st);
	put(path, val);
	if (st == XenbusStateInitialised || st == XenbusStateConnected)
		backend_maps(1);
	if (st == XenbusStateClosed) {
		backend_closed = 1;
		if (!backend_keeps_maps)
			backend_maps(0);
	}
	return 0;
}

int xenbus_wait_backend(struct xenbus_device *d, XenbusState want, uint64_t timeout_ns)
{
	(void)d;
	(void)timeout_ns;
	if (fault())
		return -ETIMEDOUT;
	return backend_closing ? -ENOTCONN : (int)want;
}

int xenbus_register_driver(struct xenbus_driver *drv)
{
	driver = drv;
	return 0;
}

int sched_sleep_ns(uint64_t ns)
{
	(void)ns;
	return 0;
}

int printk(int level, const char *fmt, ...)
{
	size_t n = strlen(log_buf);
	va_list ap;

	(void)level;
	va_start(ap, fmt);
	vsnprintf(log_buf + n, sizeof(log_buf) - n, fmt, ap);
	va_end(ap);
	return 0;
}

/* watches (xs_watch.c) and the device node (xenbus.c), for the reconnect after a new domain */
static int watches;
static char watched[160];

int xs_watch(const struct xs_ctx *c, struct xs_watch *w)
{
	(void)c;
	snprintf(watched, sizeof(watched), "%s", w->path);
	watches++;
	return 0;
}

int xs_unwatch(const struct xs_ctx *c, struct xs_watch *w)
{
	(void)c;
	(void)w;
	watches--;
	return 0;
}

int xenbus_device_read(const char *type, const char *id, struct xenbus_device *d)
{
	char path[96];
	uint64_t be;
	int r;

	memset(d, 0, sizeof(*d));
	snprintf(d->type, sizeof(d->type), "%s", type);
	snprintf(d->id, sizeof(d->id), "%s", id);
	snprintf(d->nodename, sizeof(d->nodename), "device/%s/%s", type, id);
	snprintf(path, sizeof(path), "%s/backend", d->nodename);
	if ((r = xs_read(NULL, path, d->otherend, sizeof(d->otherend))) < 0)
		return r;
	snprintf(path, sizeof(path), "%s/backend-id", d->nodename);
	if ((r = xs_read_uint(NULL, path, &be)))
		return r;
	d->otherend_id = (uint32_t)be;
	return 0;
}

void nf_suspend_init(void)
{
}

/* blkfront's data path (blkfront.c) */
static int blk_started, blk_released, blk_added, blk_restarted;

void blkfront_probing(int delta)
{
	(void)delta;
}

int blkfront_restart(struct blk_dev *d)
{
	evtchn_bind(d->port, NULL, d);
	blk_restarted++;
	return 0;
}

int blkfront_start(struct blk_dev *d)
{
	if (fault())
		return -ENOMEM;
	evtchn_bind(d->port, NULL, d);
	blk_started++;
	return 0;
}

void blkfront_fail_all(struct blk_dev *d)
{
	(void)d;
	blk_started--;
}

void blkfront_release(struct blk_dev *d)
{
	(void)d;
	blk_released++;
}

void blkfront_add(struct blk_dev *d)
{
	(void)d;
	blk_added++;
}

void blkfront_hotplug_notify(struct blk_dev *d, int attached)
{
	(void)d;
	(void)attached;
}

/* netfront's data path (netfront.c) */
static int nf_rings_zeroed, nf_up;

void nf_init_rings(struct netfront *nf)
{
	static const uint8_t zero[PAGE_SIZE];
	int z = !memcmp(nf->tx_sring, zero, PAGE_SIZE) && !memcmp(nf->rx_sring, zero, PAGE_SIZE);

	/* as many buffers as negotiate sized (nf_bufs_for), every one of them shared */
	z &= nf->tx_n >= NF_MIN_BUFS && nf->tx_n <= NF_TX_RING_SIZE;
	z &= nf->rx_n >= NF_MIN_BUFS && nf->rx_n <= NF_RX_RING_SIZE;
	for (unsigned i = 0; i < nf->tx_n && z; i++)
		z &= !memcmp(nf->tx_buf[i], zero, PAGE_SIZE);
	for (unsigned i = 0; i < nf->rx_n && z; i++)
		z &= !memcmp(nf->rx_buf[i], zero, PAGE_SIZE);
	nf_rings_zeroed = z;
}

void nf_connected(struct netfront *nf)
{
	(void)nf;
	nf_up++;
}

void nf_teardown(struct netfront *nf)
{
	(void)nf;
}

void nf_event(evtchn_port_t port, void *arg)
{
	(void)port;
	(void)arg;
}

/* ---- the heap under the drivers' kzalloc: plain host memory, all returned at the end ---- */

static void *heap_blocks[4096];
static int nheap;

static void *heap_alloc(uint64_t n)
{
	if (nheap == 4096)
		return NULL;
	return heap_blocks[nheap++] = aligned_alloc(4096, n * 4096);
}

static void heap_free(void *p, uint64_t n)
{
	(void)p;
	(void)n; /* kept until the test ends, like test_heap does */
}

static const struct heap_pages heap_src = { heap_alloc, heap_free };

/* ---- set-up ---- */

static void world(const char *type, const char *id)
{
	for (int i = 0; i < nblocks; i++)
		free(blocks[i].p); /* parked by an earlier round */
	nblocks = 0;
	memset(refs, 0, sizeof(refs));
	memset(port_open, 0, sizeof(port_open));
	nkeys = writes = steps = 0;
	grants_out = parked_refs = bad_ends = backend_holds = 0;
	pages_out = bad_frees = freed_while_granted = 0;
	ports_open = bad_closes = binds = 0;
	next_port = 1;
	backend_closing = backend_closed = waited_closed = backend_keeps_maps = 0;
	blk_started = blk_released = blk_added = blk_restarted = nf_rings_zeroed = nf_up = 0;
	watches = 0;
	watched[0] = 0;
	log_buf[0] = 0;
	memset(&dev, 0, sizeof(dev));
	snprintf(dev.type, sizeof(dev.type), "%s", type);
	snprintf(dev.id, sizeof(dev.id), "%s", id);
	snprintf(dev.nodename, sizeof(dev.nodename), "device/%s/%s", type, id);
	snprintf(dev.otherend, sizeof(dev.otherend), "/local/domain/0/backend/%s/1/%s", type, id);
}

static void be_key(const char *key, const char *val)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s", dev.otherend, key);
	put(path, val);
}

static void blk_world(void)
{
	world("vbd", "51712");
	be_key("max-ring-page-order", "2");
	be_key("sectors", "131072");
	be_key("sector-size", "512");
	be_key("feature-flush-cache", "1");
	be_key("feature-persistent", "1");
	be_key("feature-max-indirect-segments", "256");
	be_key("mode", "w");
}

static void net_world(void)
{
	world("vif", "0");
	put("device/vif/0/mac", "00:16:3e:00:00:01");
	be_key("feature-rx-copy", "1");
	be_key("feature-sg", "1");
	be_key("feature-split-event-channels", "1");
}

static void setup(void)
{
	fake_pages = 1;
	heap_init(&heap_src);
	driver = NULL;
}

static void teardown(void)
{
	for (int i = 0; i < nblocks; i++)
		free(blocks[i].p);
	nblocks = 0;
	for (int i = 0; i < nheap; i++)
		free(heap_blocks[i]);
	nheap = 0;
}

TestSuite(xenbus_front, .init = setup, .fini = teardown);

static uint64_t heap_in_use(void)
{
	struct heap_stats st;

	heap_get_stats(&st);
	return st.bytes_in_use;
}

static const char *our_state(void)
{
	char path[96];
	struct kv *k;

	snprintf(path, sizeof(path), "%s/state", dev.nodename);
	k = find(path);
	return k ? k->val : "(none)";
}

/* Nothing of the failed handshake is left: no grant, page, port, heap block; we said Closed. */
static void check_clean(int at)
{
	cr_assert_eq(grants_out, 0, "fail at step %d: %d grants left", at, grants_out);
	cr_assert_eq(parked_refs, 0, "fail at step %d: %d grants parked", at, parked_refs);
	cr_assert_eq(pages_out, 0, "fail at step %d: %ld pages left", at, pages_out);
	cr_assert_eq(ports_open, 0, "fail at step %d: %d ports left", at, ports_open);
	cr_assert_eq(heap_in_use(), 0, "fail at step %d: %lu heap bytes left", at,
		     (unsigned long)heap_in_use());
	cr_assert_eq(bad_frees + freed_while_granted + bad_ends + bad_closes, 0,
		     "fail at step %d: bad frees %ld, freed while granted %ld, bad revokes %d, "
		     "bad closes %d",
		     at, bad_frees, freed_while_granted, bad_ends, bad_closes);
	cr_assert_eq(blk_started, 0, "fail at step %d: blkfront's data path still running", at);
	cr_assert_str_eq(our_state(), "6", "fail at step %d: our state %s", at, our_state());
	cr_assert(strstr(log_buf, "connecting failed at"), "fail at step %d: log: %s", at, log_buf);
}

/*
 * Fails step 1, 2, ... of probe until one run gets through; returns the steps of that run.
 * Inside netfront's 1028 steps of buffer pages, every 5th (odd: allocations and grants
 * alternate) stands for its neighbours, which run the same code.
 */
static int every_step_fails(void (*make_world)(void), int (*reg)(void))
{
	for (int at = 1;; at += at > 64 && at < 1000 ? 5 : 1) {
		make_world();
		cr_assert_eq(reg(), 0);
		cr_assert_not_null(driver);
		fail_at = at;
		int r = driver->probe(&dev);

		if (steps < at) {
			cr_assert_eq(r, 0, "the run without a failure returned %d: %s", r, log_buf);
			return steps;
		}
		cr_assert_lt(r, 0, "step %d failed but probe returned %d", at, r);
		check_clean(at);
	}
}

Test(xenbus_front, blkfront_every_step_fails_and_everything_comes_back)
{
	int n = every_step_fails(blk_world, blkfront_register);

	/* InitWait, 4 ring pages: alloc + 4 grants, a port, the transaction (start, 9 keys,
	 * commit), Initialised, Connected wait, data path, Connected */
	cr_assert_eq(n, 1 + 5 + 1 + 11 + 1 + 1 + 1 + 1, "%d steps", n);
	cr_assert_eq(blk_added, 1);
	cr_assert_eq(grants_out, 4);
	cr_assert_str_eq(our_state(), "4");
	/* and a detach gives it all back too */
	fail_at = 0;
	backend_closed = 1;
	backend_maps(0);
	driver->remove(&dev);
	cr_assert_eq(grants_out + parked_refs, 0);
	cr_assert_eq(pages_out, 0);
	cr_assert_eq(ports_open, 0);
	cr_assert_eq(blk_released, 1);
}

Test(xenbus_front, netfront_every_step_fails_and_everything_comes_back)
{
	kernel_pmem.free_pages = 1u << 20; /* plenty: a full ring of buffers each way */
	int n = every_step_fails(net_world, netfront_init);

	/* InitWait, 514 pages each allocated and granted, two ports, the transaction (start, 9
	 * keys, commit), Connected, the backend's Connected */
	cr_assert_eq(n, 1 + 2 * (2 + NF_TX_RING_SIZE + NF_RX_RING_SIZE) + 2 + 11 + 1 + 1, "%d", n);
	cr_assert_eq(nf_up, 1);
	cr_assert_eq(binds, 2);
	cr_assert(nf_rings_zeroed, "shared pages reached the backend with old contents");
	cr_assert_eq(grants_out, 2 + NF_TX_RING_SIZE + NF_RX_RING_SIZE);
}

/* A small domain (a quarter of 400 free pages for buffers): 32 each way, all shared, all back. */
Test(xenbus_front, netfront_small_memory_shares_fewer_buffers)
{
	kernel_pmem.free_pages = 400;
	int n = every_step_fails(net_world, netfront_init);

	cr_assert_eq(n, 1 + 2 * (2 + 32 + 32) + 2 + 11 + 1 + 1, "%d", n);
	cr_assert(nf_rings_zeroed, "shared pages reached the backend with old contents");
	cr_assert_eq(grants_out, 2 + 32 + 32);
}

/* A backend that keeps its mapping after we close: its pages are parked, never freed. */
Test(xenbus_front, pages_the_backend_still_maps_are_parked_not_freed)
{
	blk_world();
	cr_assert_eq(blkfront_register(), 0);
	be_key("sectors", "0"); /* a disk of no size: refused after the backend connected */
	backend_keeps_maps = 1;
	fail_at = 0;
	cr_assert_lt(driver->probe(&dev), 0);
	cr_assert_eq(parked_refs, 4);
	cr_assert_eq(pages_out, 4);
	cr_assert_eq(freed_while_granted + bad_frees, 0);
	cr_assert_eq(ports_open, 0);
	cr_assert_eq(heap_in_use(), 0);
	cr_assert_gt(waited_closed, 0, "revoked without waiting for the backend to close");
	cr_assert(strstr(log_buf, "still maps 4 shared pages: left parked"), "%s", log_buf);
}

/* The backend is already closing (a device being unplugged): nothing granted, nothing written. */
Test(xenbus_front, a_closing_backend_gets_no_state_written)
{
	net_world();
	cr_assert_eq(netfront_init(), 0);
	backend_closing = 1;
	fail_at = 0;
	cr_assert_eq(driver->probe(&dev), -ENOTCONN);
	cr_assert_eq(writes, 0);
	cr_assert_str_eq(our_state(), "(none)");
	cr_assert_eq(pages_out + grants_out + ports_open, 0);
	cr_assert_eq(heap_in_use(), 0);
	cr_assert_eq(log_buf[0], 0, "%s", log_buf);
}

/* A device we closed whose node lingers is refused before anything happens. */
Test(xenbus_front, a_device_we_closed_is_not_probed_again)
{
	blk_world();
	cr_assert_eq(blkfront_register(), 0);
	put("device/vbd/51712/state", "6");
	fail_at = 0;
	cr_assert_eq(driver->probe(&dev), -ENODEV);
	cr_assert_eq(steps, 0);
	cr_assert_eq(writes, 0);
	cr_assert_eq(heap_in_use(), 0);
}

/* ---- after a new domain (save/restore, migration) ---- */

/*
 * Xen's side of a new domain: every port is gone and the grant table is empty (nobody maps
 * anything: ending an old ref only frees it locally); the toolstack made a new backend, here
 * in another domain's directory, and a fresh frontend node in state Initialising.
 */
static void new_domain(const char *backend, const char *backend_id)
{
	memset(port_open, 0, sizeof(port_open));
	ports_open = 0;
	backend_maps(0);
	backend_closed = 0;
	snprintf(dev.otherend, sizeof(dev.otherend), "%s", "/stale/until/re-read");
	char path[96];
	snprintf(path, sizeof(path), "%s/backend", dev.nodename);
	put(path, backend);
	snprintf(path, sizeof(path), "%s/backend-id", dev.nodename);
	put(path, backend_id);
	snprintf(path, sizeof(path), "%s/state", dev.nodename);
	put(path, "1");
	log_buf[0] = 0;
}

static struct kv *key_of(const char *key)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s", dev.nodename, key);
	return find(path);
}

/* blkfront: the old ring's grants forgotten, the new backend's smaller ring negotiated anew. */
Test(xenbus_front, blkfront_reconnects_to_a_new_backend_after_a_new_domain)
{
	blk_world();
	cr_assert_eq(blkfront_register(), 0);
	cr_assert_eq(driver->probe(&dev), 0);
	struct blk_dev *d = dev.priv;
	cr_assert_eq(grants_out, 4);
	cr_assert_eq(watches, 0); /* the fake xenbus watched before probe: not counted */
	xenbus_front_suspend(&d->front);
	new_domain("/local/domain/7/backend/vbd/9/51712", "7");
	snprintf(dev.otherend, sizeof(dev.otherend), "/local/domain/7/backend/vbd/9/51712");
	be_key("sectors", "131072");
	be_key("max-ring-page-order", "0"); /* a backend with one ring page only */
	be_key("mode", "w");
	snprintf(dev.otherend, sizeof(dev.otherend), "%s", "/stale/until/re-read");
	d->resuming = 1;
	cr_assert_eq(xenbus_front_reconnect(&d->front), 0, "%s", log_buf);
	cr_assert_str_eq(dev.otherend, "/local/domain/7/backend/vbd/9/51712");
	cr_assert_eq(dev.otherend_id, 7);
	cr_assert_str_eq(watched, dev.otherend);
	cr_assert_eq(watches, 0, "unwatched once, watched once");
	cr_assert_eq(blk_restarted, 1);
	cr_assert_eq(blk_started, 1, "the data path was restarted, not started twice");
	cr_assert_eq(d->ring_order, 0);
	cr_assert_eq(grants_out, 1, "the old ring's 4 grants are not given back");
	cr_assert_eq(pages_out, 1);
	cr_assert_eq(bad_ends + bad_frees + freed_while_granted + bad_closes, 0,
		     "bad revokes %d, bad frees %ld, freed while granted %ld, bad closes %d",
		     bad_ends, bad_frees, freed_while_granted, bad_closes);
	cr_assert_not_null(key_of("ring-ref"));
	cr_assert_str_eq(our_state(), "4");
	cr_assert(strstr(log_buf, "backend now /local/domain/7/backend/vbd/9/51712"), "%s",
		  log_buf);
}

/* netfront: all its buffers shared again, the MAC it had kept even if the toolstack's differs. */
Test(xenbus_front, netfront_reconnects_keeping_its_mac)
{
	kernel_pmem.free_pages = 400;
	net_world();
	cr_assert_eq(netfront_init(), 0);
	cr_assert_eq(driver->probe(&dev), 0);
	struct netfront *nf = dev.priv;
	int before = grants_out;
	xenbus_front_suspend(&nf->front);
	new_domain("/local/domain/0/backend/vif/8/0", "0");
	put("device/vif/0/mac", "00:16:3e:00:00:02");
	snprintf(dev.otherend, sizeof(dev.otherend), "/local/domain/0/backend/vif/8/0");
	be_key("feature-rx-copy", "1");
	nf->resuming = 1;
	cr_assert_eq(xenbus_front_reconnect(&nf->front), 0, "%s", log_buf);
	cr_assert_eq(grants_out, before, "every shared page granted anew, the old forgotten");
	cr_assert_eq(nf->mac[5], 1, "the mac changed");
	cr_assert(strstr(log_buf, "keeping ours"), "%s", log_buf);
	cr_assert_eq(nf->split, 0, "the new backend has no split channels");
	cr_assert_eq(ports_open, 1);
	cr_assert_eq(bad_ends + bad_frees + freed_while_granted + bad_closes, 0);
	cr_assert(nf_rings_zeroed, "shared pages reached the new backend with old contents");
}

/* No backend named after the resume: an error, and nothing of the old device is left. */
Test(xenbus_front, a_reconnect_without_a_backend_fails_cleanly)
{
	blk_world();
	cr_assert_eq(blkfront_register(), 0);
	cr_assert_eq(driver->probe(&dev), 0);
	struct blk_dev *d = dev.priv;
	xenbus_front_suspend(&d->front);
	new_domain("", "0");
	char path[96];
	snprintf(path, sizeof(path), "%s/backend", dev.nodename);
	find(path)->path[0] = 0; /* gone */
	d->resuming = 1;
	cr_assert_lt(xenbus_front_reconnect(&d->front), 0);
	cr_assert_eq(grants_out + pages_out + ports_open, 0);
	cr_assert_eq(bad_ends + bad_frees + bad_closes, 0);
	cr_assert(strstr(log_buf, "no backend after the resume"), "%s", log_buf);
}
