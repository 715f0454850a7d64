/* The frontend half of the xenbus handshake, shared by blkfront and netfront: one sequence, one teardown. */
#ifndef DRIVERS_XENBUS_XENBUS_FRONT_H
#define DRIVERS_XENBUS_XENBUS_FRONT_H

#include <stdint.h>
#include "drivers/xenbus/xenbus.h"
#include <xen/event_channel.h>
#include <xen/grant_table.h>

#define XENBUS_FRONT_SHARES 4
#define XENBUS_FRONT_PORTS  2
/* how long a failed or closing frontend waits for the backend to unmap before it revokes */
#define XENBUS_FRONT_CLOSE_NS (10ull * 1000000000ull)

/*
 * Pages granted to the backend for the device's life: count blocks of 2^order contiguous pages,
 * each page with its own grant. va (count entries) and ref (count << order entries) are the
 * frontend's arrays; va NULL means the share keeps its one block itself (xenbus_front_block).
 */
struct xenbus_front_share {
	void **va;
	grant_ref_t *ref;
	unsigned count, order;
	int readonly; /* the backend only reads these pages */
	void *one;
};

struct xenbus_front;

/*
 * What a frontend adds to the sequence. Each returns 0 or a negative errno; a failure tears
 * down (xenbus_front_connect below). connect's work is undone by disconnect if a later step fails.
 */
struct xenbus_front_ops {
	/* The backend is at InitWait or later: read its features, declare shares and port count. */
	int (*negotiate)(struct xenbus_front *f);
	/* Shares granted (and zeroed) and ports allocated: lay out the rings, bind the ports. */
	int (*prepare)(struct xenbus_front *f);
	/* Our keys, inside one transaction (xenbus_front_printf). */
	int (*write_keys)(struct xenbus_front *f, const struct xs_ctx *tx);
	/* The backend is Connected: read what it offers, start the data path (both optional). */
	int (*connect)(struct xenbus_front *f);
	void (*disconnect)(struct xenbus_front *f);
};

struct xenbus_front {
	struct xenbus_device *dev;
	const struct xenbus_front_ops *ops;
	void *priv;	 /* the frontend's device */
	const char *drv; /* "blkfront": log lines say "<drv>: <nodename>: ..." */
	XenbusState
	    keys; /* our state once the keys are written: Initialised (blkif) or Connected */
	struct xenbus_front_share share[XENBUS_FRONT_SHARES];
	unsigned nshares;
	evtchn_port_t port[XENBUS_FRONT_PORTS];
	unsigned nports; /* how many negotiate wants */
	unsigned nports_open;
	int published;	 /* the keys may be visible: the backend may have mapped our pages */
	uint32_t parked; /* pages kept for good because the backend would not let go */
	/*
	 * Wait for the backend by reading its state node, not through the state watch: the resume
	 * runs in the xenstore watch thread, where no watch event arrives until it returns.
	 */
	int poll_backend;
};

/* Fills f for dev; the rest of the fields are negotiate's to set. */
void xenbus_front_init(struct xenbus_front *f, struct xenbus_device *dev,
		       const struct xenbus_front_ops *ops, void *priv, const char *drv,
		       XenbusState keys);
/* Declares a share (in negotiate); returns its index or -ENOSPC. */
int xenbus_front_add_share(struct xenbus_front *f, void **va, grant_ref_t *ref, unsigned count,
			   unsigned order, int readonly);
/* Pages all frontends hold shared with backends (rings and buffers), for the memory report. */
uint64_t xenbus_front_shared_pages(void);
/* Block i of share s (its first page). */
void *xenbus_front_block(const struct xenbus_front *f, unsigned s, unsigned i);

/*
 * The whole frontend handshake:
 *   our state already Closing/Closed (a device we closed whose node is not deleted yet): -ENODEV
 *   wait for the backend's InitWait; negotiate; grant the shares; allocate the ports; prepare;
 *   write the keys in one transaction; switch to f->keys; wait for the backend's Connected;
 *   connect; switch to Connected (if f->keys was not already).
 * 0 when connected. On failure the teardown policy applies, and the error is returned:
 *   - our state becomes Closed, unless nothing was shared yet and the backend is already
 *     closing (the toolstack is deleting the device: a write would re-create our node);
 *   - when the keys may have been seen, we wait (XENBUS_FRONT_CLOSE_NS at most) for the
 *     backend to close, so it unmaps before we revoke;
 *   - disconnect runs if connect had succeeded; every port is closed;
 *   - every grant is revoked and every page freed. A page whose grant the backend still holds
 *     is the only exception: it is parked (never freed, never reused) and counted in f->parked
 *     and gnttab's busy count, because freeing it would hand the backend someone else's data.
 * The frontend then only frees its own device structure.
 */
int xenbus_front_connect(struct xenbus_front *f);

/* The backend's key as a number; def when missing or not a number (features are optional). */
uint64_t xenbus_front_backend_uint(struct xenbus_device *dev, const char *key, uint64_t def);
/* Writes <our node>/<key> = printf(fmt, ...) within tx. */
int xenbus_front_printf(struct xenbus_front *f, const struct xs_ctx *tx, const char *key,
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/*
 * Polls the backend's state node (no watch needed) until it is Closed or gone, or timeout_ns
 * passes: 0 or -ETIMEDOUT.
 */
int xenbus_front_wait_closed(struct xenbus_device *dev, uint64_t timeout_ns);

/* The teardown's parts, for a remove after a successful connect (the same rules). */
void xenbus_front_close_ports(struct xenbus_front *f);
void xenbus_front_unshare(struct xenbus_front *f, unsigned s);
void xenbus_front_release(struct xenbus_front *f); /* every port, then every share */

/*
 * Suspend (kernel/suspend.h). Save, restore and migration keep the guest's memory but not Xen's
 * per-domain state: on a new domain every grant and event channel is gone, and the toolstack has
 * made a fresh backend (maybe in another path, another domain) and a fresh frontend node in state
 * Initialising. So a frontend stops following its backend before the suspend (the old backend's
 * directory vanishing is not a close), and afterwards either follows the same one again (the
 * suspend was cancelled) or runs the whole handshake again against whatever backend is named now.
 */
void xenbus_front_suspend(struct xenbus_front *f);
/* Cancelled: nothing changed; follow the backend again. 0 or a negative errno. */
int xenbus_front_resume_cancelled(struct xenbus_front *f);
/*
 * A new domain: forgets every grant and port (dead: never revoked against the backend, never
 * closed), frees the shared pages, re-reads our backend's path and domain, follows it, and runs
 * xenbus_front_connect again (negotiate re-reads the features, which may differ). 0 or the
 * handshake's error (its teardown applied).
 */
int xenbus_front_reconnect(struct xenbus_front *f);
/*
 * A grant ref from before a new domain: handed back to the grant allocator without asking any
 * backend (the new grant table's entry is empty; the kernel keeps its allocator across resume).
 */
void xenbus_front_forget_ref(grant_ref_t ref);

#endif
