/*
 * Xenbus: our PV devices found in xenstore, each one's backend state followed, drivers probed.
 *
 * The toolstack announces a device with two directories: the frontend's, device/<type>/<id>
 * under our home ("backend" and "backend-id" in it name the other side), and the backend's in
 * the backend domain's tree (pointing back at us). Each has a "state" key holding a
 * XenbusState, and each side writes only its own and watches the other's:
 *   Initialising (1)  just created, nothing ready
 *   InitWait (2)      backend: its features are published, it waits for ours
 *   Initialised (3)   frontend: our rings and event channels are published (the keys)
 *   Connected (4)     ready for traffic (the backend gets there after mapping our rings)
 *   Closing (5)       leaving: no new work, what is in flight is finished or failed
 *   Closed (6)        gone: the backend has unmapped, the frontend may revoke and free; the
 *                     toolstack deletes both nodes after that
 * (Reconfiguring/Reconfigured count as connected.) Nothing else synchronises the two domains,
 * and a side may skip states, so every wait is for "this state or a later one". A hot-plug is
 * a new node under device/ (a watch on "device" sees it); an unplug is the backend moving to
 * Closing (xl *-detach) or its node disappearing.
 * Probes and removes run in one "xenbus" worker thread, never in the watch thread, so a probe
 * may wait for the backend's state (which the watch thread reports). The frontend's half of
 * the handshake, shared by the drivers, is xenbus_front.c.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/tsc.h"
#include "arch/x86/xen.h"
#include "base/errno.h"
#include "base/fmt.h"
#include "base/string.h"
#include "drivers/xenbus/xenbus.h"
#include "kernel/heap.h"
#include "kernel/initcall.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/time.h"
#include <xen/hvm/params.h>

extern uint64_t boot_tsc_entry;

static spinlock_t lock = SPINLOCK_INIT; /* the lists and the work flags */
static struct xenbus_driver *drivers;
static struct xenbus_device *devices;
static struct waitq work_wq = WAITQ_INIT, done_wq = WAITQ_INIT;
static uint64_t rescan_wanted, rescan_done; /* generations: a waiter knows its scan ran */
static int remove_pending;
static struct thread *worker;
static struct xs_watch device_watch;

int xenbus_enumerate(const char *type, char ***ids)
{
	char path[48];

	if (fmt_snprintf(path, sizeof(path), "device/%s", type) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	int r = xs_directory(NULL, path, ids);

	if (r == -ENOENT) {
		*ids = kzalloc(sizeof(char *));
		return *ids ? 0 : -ENOMEM;
	}
	return r;
}

/* An absolute path of sane characters: the backend path is the toolstack's word, still checked. */
static int path_ok(const char *p)
{
	if (p[0] != '/')
		return 0;
	for (const char *c = p; *c; c++) {
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || strchr("/_-.@", *c)))
			return 0;
		if (c[0] == '.' && c[1] == '.')
			return 0;
	}
	return 1;
}

int xenbus_device_read(const char *type, const char *id, struct xenbus_device *dev)
{
	char path[96];
	uint64_t be;
	int r;

	if (strlen(type) >= sizeof(dev->type) || strlen(id) >= sizeof(dev->id))
		return -ENAMETOOLONG;
	memset(dev, 0, sizeof(*dev));
	memcpy(dev->type, type, strlen(type) + 1);
	memcpy(dev->id, id, strlen(id) + 1);
	fmt_snprintf(dev->nodename, sizeof(dev->nodename), "device/%s/%s", type, id);
	fmt_snprintf(path, sizeof(path), "%s/backend", dev->nodename);
	if ((r = xs_read(NULL, path, dev->otherend, sizeof(dev->otherend))) < 0)
		return r;
	if (!path_ok(dev->otherend))
		return -EBADMSG;
	fmt_snprintf(path, sizeof(path), "%s/backend-id", dev->nodename);
	if ((r = xs_read_uint(NULL, path, &be)))
		return r;
	if (be >= 0x7ff0)
		return -EBADMSG;
	dev->otherend_id = (uint32_t)be;
	dev->state_wq = (struct waitq)WAITQ_INIT;
	return 0;
}

int xenbus_read_state(const char *path_state, XenbusState *st)
{
	uint64_t v;
	int r = xs_read_uint(NULL, path_state, &v);

	if (r)
		return r;
	if (v > XenbusStateReconfigured)
		return -EBADMSG;
	*st = (XenbusState)v;
	return 0;
}

int xenbus_switch_state(struct xenbus_device *dev, XenbusState st)
{
	char path[64];

	fmt_snprintf(path, sizeof(path), "%s/state", dev->nodename);
	return xs_printf(NULL, path, "%u", (unsigned)st);
}

static int closing(XenbusState s)
{
	return s == XenbusStateClosing || s == XenbusStateClosed;
}

/* The handshake's order; Reconfiguring/Reconfigured count as connected. */
static int reached(XenbusState s, XenbusState want)
{
	if (closing(want))
		return closing(s) && s >= want;
	return !closing(s) && s >= want;
}

int xenbus_wait_backend(struct xenbus_device *dev, XenbusState want, uint64_t timeout_ns)
{
	XenbusState s = XenbusStateUnknown;
	int r = WAIT_UNTIL_TIMEOUT(&dev->state_wq,
				   (s = __atomic_load_n(&dev->backend_state, __ATOMIC_ACQUIRE),
				    reached(s, want) || (closing(s) && !closing(want)) ||
					__atomic_load_n(&dev->removed, __ATOMIC_ACQUIRE)),
				   timeout_ns);

	if (r)
		return r;
	return reached(s, want) ? (int)s : -ENOTCONN;
}

static void wake_worker(void)
{
	waitq_wake_all(&work_wq);
}

/* A backend that was connected and now claims to be setting up again. */
static int backwards(XenbusState old, XenbusState s)
{
	return old >= XenbusStateConnected && !closing(old) && s < XenbusStateConnected;
}

/* The backend's state changed (watch thread): record it; a close schedules the removal. */
static void backend_changed(struct xs_watch *w, const char *path)
{
	struct xenbus_device *dev = w->arg;
	char sp[160];
	XenbusState s, old = dev->backend_state;
	(void)path;

	fmt_snprintf(sp, sizeof(sp), "%s/state", dev->otherend);
	int r = xenbus_read_state(sp, &s);

	if (r == -ENOENT)
		s = XenbusStateClosed; /* the backend is gone */
	else if (r)
		return;
	__atomic_store_n(&dev->backend_state, s, __ATOMIC_RELEASE);
	waitq_wake_all(&dev->state_wq);
	if (backwards(old, s)) {
		/* no backend goes back from Connected: it lost its state (or lies), we cannot resume */
		dev->bad_states++;
		pr_warn(
		    "xenbus: %s: the backend went from %s back to state %u: failing the device\n",
		    dev->nodename, old == XenbusStateConnected ? "Connected" : "Reconfiguring",
		    (unsigned)s);
		__atomic_store_n(&dev->failed, 1, __ATOMIC_RELEASE);
		s = XenbusStateClosing; /* the removal below */
	}
	if (closing(s) && !closing(old) && dev->driver) {
		unsigned long f = spin_lock_irqsave(&lock);
		remove_pending = 1;
		spin_unlock_irqrestore(&lock, f);
		wake_worker();
	}
}

static struct xenbus_device *find(const char *type, const char *id)
{
	for (struct xenbus_device *d = devices; d; d = d->next)
		if (!strcmp(d->type, type) && !strcmp(d->id, id))
			return d;
	return NULL;
}

static void add(struct xenbus_device *dev)
{
	unsigned long f = spin_lock_irqsave(&lock);
	struct xenbus_device **p = &devices;

	while (*p)
		p = &(*p)->next;
	dev->next = NULL;
	*p = dev;
	spin_unlock_irqrestore(&lock, f);
}

static void unlink(struct xenbus_device *dev)
{
	unsigned long f = spin_lock_irqsave(&lock);

	for (struct xenbus_device **p = &devices; *p; p = &(*p)->next)
		if (*p == dev) {
			*p = dev->next;
			break;
		}
	spin_unlock_irqrestore(&lock, f);
}

/*
 * Devices removed or refused whose node is still there: the toolstack deletes a node some time
 * after the backend closed, and every change under device/ rescans meanwhile. Such a node is
 * not probed again until it has disappeared (a re-attach then comes back as a new node).
 * Only the worker thread touches this list.
 */
struct gone {
	char type[16], id[16];
	int seen; /* still enumerated in the current scan */
	struct gone *next;
};
static struct gone *gone_list;

static void mark_gone(const char *type, const char *id)
{
	struct gone *g = kzalloc(sizeof(*g));

	if (!g)
		return; /* worst case: the node is probed again */
	fmt_snprintf(g->type, sizeof(g->type), "%s", type);
	fmt_snprintf(g->id, sizeof(g->id), "%s", id);
	g->next = gone_list;
	gone_list = g;
}

static struct gone *find_gone(const char *type, const char *id)
{
	for (struct gone *g = gone_list; g; g = g->next)
		if (!strcmp(g->type, type) && !strcmp(g->id, id))
			return g;
	return NULL;
}

/* Forgets the gone entries of this type that the scan no longer saw. */
static void prune_gone(const char *type)
{
	for (struct gone **p = &gone_list; *p;) {
		struct gone *g = *p;

		if (!strcmp(g->type, type) && !g->seen) {
			*p = g->next;
			kfree(g);
			continue;
		}
		g->seen = 0;
		p = &g->next;
	}
}

/*
 * A device node seen for the first time (worker thread): read it, watch its backend, probe.
 * Returns -EBUSY when the driver refused it (not to be retried while the node exists), else 0.
 */
static int probe_one(struct xenbus_driver *drv, const char *id)
{
	struct xenbus_device *dev = kmalloc(sizeof(*dev));
	int r;

	if (!dev)
		return 0;
	if ((r = xenbus_device_read(drv->type, id, dev))) {
		/* a half-written node (hot-plug in progress): the next event retries */
		kfree(dev);
		return 0;
	}
	dev->driver = drv;
	dev->state_watch =
	    (struct xs_watch){ .path = dev->otherend, .fn = backend_changed, .arg = dev };
	dev->state_watch.path = dev->otherend;
	char sp[160];
	fmt_snprintf(sp, sizeof(sp), "%s/state", dev->otherend);
	xenbus_read_state(sp, &dev->backend_state);
	add(dev);
	if ((r = xs_watch(NULL, &dev->state_watch))) {
		pr_warn("xenbus: %s: cannot watch the backend (%d)\n", dev->nodename, r);
		unlink(dev);
		kfree(dev);
		return 0;
	}
	pr_info("xenbus: %s: backend %s (domain %u), probing\n", dev->nodename, dev->otherend,
		dev->otherend_id);
	if ((r = drv->probe(dev))) {
		pr_warn("xenbus: %s: probe refused the device (%d)\n", dev->nodename, r);
		xs_unwatch(NULL, &dev->state_watch);
		unlink(dev);
		kfree(dev);
		return -EBUSY;
	}
	return 0;
}

static void remove_one(struct xenbus_device *dev)
{
	char sp[64];
	XenbusState ours;

	pr_info("xenbus: %s: backend closed, removing\n", dev->nodename);
	__atomic_store_n(&dev->removed, 1, __ATOMIC_RELEASE);
	waitq_wake_all(&dev->state_wq);
	xs_unwatch(NULL, &dev->state_watch);
	if (dev->driver->remove)
		dev->driver->remove(dev);
	/* tell the backend we are done, unless the toolstack already deleted our node */
	fmt_snprintf(sp, sizeof(sp), "%s/state", dev->nodename);
	if (xenbus_read_state(sp, &ours) == 0)
		xenbus_switch_state(dev, XenbusStateClosed);
	mark_gone(dev->type, dev->id);
	unlink(dev);
	kfree(dev);
}

static void rescan(void)
{
	for (struct xenbus_driver *drv = drivers; drv; drv = drv->next) {
		char **ids;
		int n = xenbus_enumerate(drv->type, &ids);
		struct gone *g;

		if (n < 0)
			continue; /* a failed read proves nothing about which nodes are gone */
		for (int i = 0; i < n; i++) {
			if ((g = find_gone(drv->type, ids[i])))
				g->seen = 1;
			else if (!find(drv->type, ids[i]) && probe_one(drv, ids[i]) == -EBUSY)
				mark_gone(drv->type, ids[i]);
		}
		prune_gone(drv->type);
		kfree(ids);
	}
}

static int work_ready(void)
{
	return __atomic_load_n(&rescan_wanted, __ATOMIC_ACQUIRE) != rescan_done ||
	       __atomic_load_n(&remove_pending, __ATOMIC_ACQUIRE);
}

static void work_loop(void *arg)
{
	(void)arg;
	for (;;) {
		WAIT_UNTIL(&work_wq, work_ready());
		uint64_t gen = __atomic_load_n(&rescan_wanted, __ATOMIC_ACQUIRE);

		if (gen != rescan_done) {
			rescan();
			__atomic_store_n(&rescan_done, gen, __ATOMIC_RELEASE);
			waitq_wake_all(&done_wq);
		}
		if (__atomic_exchange_n(&remove_pending, 0, __ATOMIC_ACQ_REL)) {
			struct xenbus_device *d = devices;

			while (d) {
				struct xenbus_device *next = d->next;

				if (!d->removed && (closing(d->backend_state) ||
						    __atomic_load_n(&d->failed, __ATOMIC_ACQUIRE)))
					remove_one(d);
				d = next;
			}
		}
	}
}

void xenbus_device_fail(struct xenbus_device *dev)
{
	unsigned long f = spin_lock_irqsave(&lock);
	struct xenbus_device *d = devices;

	while (d && d != dev)
		d = d->next;
	if (d) /* still listed: not freed (remove_one unlinks before it frees) */
		d->failed = 1;
	remove_pending |= d != NULL;
	spin_unlock_irqrestore(&lock, f);
	if (d)
		wake_worker();
}

/* Asks the worker for a scan and waits until one that started after the request finished. */
static int rescan_and_wait(uint64_t timeout_ns)
{
	uint64_t gen = __atomic_add_fetch(&rescan_wanted, 1, __ATOMIC_ACQ_REL);

	wake_worker();
	if (thread_self() == worker)
		return 0;
	return WAIT_UNTIL_TIMEOUT(&done_wq, __atomic_load_n(&rescan_done, __ATOMIC_ACQUIRE) >= gen,
				  timeout_ns);
}

/* Something under device/ changed: a hot-plugged device shows up here (watch thread). */
static void devices_changed(struct xs_watch *w, const char *path)
{
	(void)w;
	(void)path;
	__atomic_add_fetch(&rescan_wanted, 1, __ATOMIC_ACQ_REL);
	wake_worker();
}

int xenbus_register_driver(struct xenbus_driver *drv)
{
	if (!xs_available())
		return -ENODEV;
	unsigned long f = spin_lock_irqsave(&lock);
	drv->next = drivers;
	drivers = drv;
	spin_unlock_irqrestore(&lock, f);
	/* probes of the devices present now have run when this returns */
	return rescan_and_wait(6 * XS_TIMEOUT_DEFAULT_NS);
}

struct xenbus_device *xenbus_devices(void)
{
	return devices;
}

static void list_devices(void)
{
	char **types;
	int nt = xs_directory(NULL, "device", &types);

	for (int t = 0; t < nt; t++) {
		char **ids;
		int n = xenbus_enumerate(types[t], &ids);

		for (int i = 0; i < n; i++) {
			struct xenbus_device d;
			int r = xenbus_device_read(types[t], ids[i], &d);

			if (r == -ENOENT)
				continue; /* no backend: not a frontend device (device/suspend) */
			if (r)
				pr_info("xenbus: device/%s/%s: unusable (%d)\n", types[t], ids[i],
					r);
			else
				pr_info("xenbus: device/%s/%s: backend %s (domain %u)\n", types[t],
					ids[i], d.otherend, d.otherend_id);
		}
		if (n >= 0)
			kfree(ids);
	}
	if (nt >= 0)
		kfree(types);
}

/* Boot-time bring-up: xenstore, the control node, the device list. */
static int xenbus_boot(void)
{
	uint64_t t0 = rdtsc(), pfn = 0, ev = 0;

	if (!xen.hypercalls) {
		pr_info("xenstore: not available (no Xen)\n");
		return 0;
	}
	if (xen.initial_domain) {
		/* xenstored would run in this very domain; Xen leaves the ring's params at 0 */
		xen_hvm_get_param(HVM_PARAM_STORE_PFN, &pfn);
		xen_hvm_get_param(HVM_PARAM_STORE_EVTCHN, &ev);
		pr_info("xenstore: not available (initial domain)\n");
		pr_debug("xenstore: HVM_PARAM_STORE_PFN %#lx, STORE_EVTCHN %lu\n", pfn, ev);
		return 0;
	}
	int r = xs_init();

	if (r) {
		pr_info("xenstore: not available (%d)\n", r);
		return 0;
	}
	uint64_t t1 = rdtsc();

	pr_info("xenstore: ready in %lu us, %lu us after the PVH entry (domain %u, %s)\n",
		tsc_ticks_to_us(t1 - t0), tsc_ticks_to_us(t1 - boot_tsc_entry), xs_domid(),
		xs_home());
	if ((r = xenbus_control_init()))
		pr_warn("xenbus: control node not available (%d)\n", r);
	if ((r = xenbus_vcpu_init()))
		pr_warn("xenbus: vCPU hot-plug not available (%d)\n", r);
	list_devices();
	worker = thread_create("xenbus", work_loop, NULL, 32 * 1024);
	device_watch = (struct xs_watch){ .path = "device", .fn = devices_changed };
	if (!worker || (r = xs_watch(NULL, &device_watch)))
		pr_warn("xenbus: hot-plug not available (%d)\n", worker ? r : -ENOMEM);
	return 0;
}
/* after the scheduler: xenstore's reader and watch threads sleep on event channels */
INITCALL(INIT_DEVICES, xenbus_boot, "xenbus");
