/* blkfront internals shared by the handshake (blkfront_xs.c) and the data path (blkfront.c). */
#ifndef DRIVERS_BLKFRONT_BLKFRONT_H
#define DRIVERS_BLKFRONT_BLKFRONT_H

#include <stddef.h>
#include <stdint.h>
#include "arch/x86/spinlock.h"
#include "drivers/blkfront/blkfront_req.h"
#include "drivers/xenbus/xenbus_front.h"
#include "kernel/waitq.h"
#include <xen/grant_table.h>
#include <xen/event_channel.h>
/* ring.h's macros want these; we only use its types and do the ring protocol by hand */
#define xen_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#include <xen/io/blkif.h>
#include <xen/io/protocols.h>

/*
 * The driver's own records; lib/api/blk.c maps include/pvhkit/blk.h's onto them (its comments say
 * what each field means). Errors are negative errno values.
 */
struct blkfront_info {
	char name[16];
	uint32_t vdev;
	uint64_t size;
	uint32_t sector_size, physical_sector_size;
	int read_only, removable, cdrom;
	int connected;
	int flush, barrier, discard, persistent;
	uint32_t discard_granularity, discard_alignment;
	uint32_t max_segments;
	uint32_t ring_pages, ring_entries, max_inflight;
};

struct blkfront_stats {
	uint64_t requests, ring_requests, indirect_requests, completions, errors;
	uint64_t bytes_read, bytes_written;
	uint64_t bad_id, dup_rsp, wrong_op, bad_status, bad_rsp_prod;
	uint64_t grants_busy, failed_on_close;
	uint64_t notifies, interrupts;
	uint64_t timeouts, bad_states, bad_features; /* a broken backend (include/pvhkit/blk.h) */
};

enum blkfront_op { BLKFRONT_READ, BLKFRONT_WRITE, BLKFRONT_FLUSH, BLKFRONT_DISCARD };

/* An asynchronous request: done runs once, in the disk's completion thread. */
struct blkfront_req {
	enum blkfront_op op;
	uint64_t offset;
	size_t len;
	void *buf;
	void (*done)(struct blkfront_req *r, int status);
	void *arg;
	uint32_t pending; /* pieces not yet completed, plus one while still being queued */
	int status;	  /* the first error */
};

#define BLKFRONT_RING_ORDER_MAX	   2 /* 4 pages, 128 entries: more than we keep in flight anyway */
#define BLKFRONT_RING_ORDER_ABSURD 8 /* a max-ring-page-order above this is reported */
#define BLKFRONT_POOL_PAGES	   1024 /* bounce pages per disk (4 MiB), granted lazily */
#define BLKFRONT_NO_REF		   0xffffffffu

/* A bounce page: data is copied through these, so callers' buffers need no alignment. */
struct blkfront_page {
	void *va;
	uint32_t ref; /* a persistent grant, or BLKFRONT_NO_REF */
};

/* One ring request in flight (or being prepared). */
struct blkfront_slot {
	struct blkfront_req *req;
	uint64_t req_off; /* where in req->buf this chunk's data lives */
	uint32_t bytes;
	uint16_t nsegs;	 /* data pages */
	uint16_t npages; /* data pages + the indirect page */
	uint16_t page[BLKFRONT_MAX_SEGS + 1];
	uint32_t ref[BLKFRONT_MAX_SEGS + 1]; /* per-request grants (non-persistent mode) */
	uint64_t sent_ns;		     /* when it went on the ring: the io_timeout check */
	uint64_t sector, nsect;		     /* where (nsect: a discard's length), for a replay */
	int unsent;	      /* ready while the disk was suspended: goes on the ring at resume */
	blkif_request_t wire; /* the request as it goes on the ring, for an unsent one */
};

/* SUSPENDED: new requests wait (only the resuming thread sends), see blkfront_suspend.c */
enum blkfront_state { BLKFRONT_CONNECTING, BLKFRONT_CONNECTED, BLKFRONT_SUSPENDED, BLKFRONT_DEAD };

struct blk_dev {
	struct xenbus_device *xb;
	struct xenbus_front front; /* the handshake's state: the ring's grants, the port */
	domid_t backend;
	char name[16];
	uint32_t vdev;
	struct blkfront_info info;

	/* negotiated */
	uint32_t ring_order, ring_entries, max_segs, nslots;
	int persistent, indirect;

	/* the shared ring; the lock covers it, the slots and the page pool */
	spinlock_t lock;
	enum blkfront_state state;
	blkif_sring_t *sring;
	uint32_t ring_refs[1u << BLKFRONT_RING_ORDER_MAX];
	uint32_t req_prod_pvt, rsp_cons;
	evtchn_port_t port;

	struct blkfront_slot_view view[BLKFRONT_MAX_SLOTS];
	struct blkfront_slot *slots;
	uint16_t slot_free[BLKFRONT_MAX_SLOTS];
	uint32_t nslot_free, inflight;
	uint16_t orphan[BLKFRONT_MAX_SLOTS]; /* failed on close, pages held until release */
	uint32_t norphan;
	int released;

	struct blkfront_page *pages;
	uint16_t *page_free;
	uint32_t npages, npage_free;

	struct waitq space_wq; /* submitters waiting for a slot or pages */
	struct waitq irq_wq;   /* the completion thread */
	int irq_pending, stopping;
	uint64_t timeout_ns; /* a request unanswered this long fails the disk (io_timeout=) */
	struct thread *worker;
	struct thread *resumer; /* the thread replaying parked requests while SUSPENDED */
	int resuming;		/* the handshake's connect restarts instead of starting */

	struct blkfront_stats st;
	struct blk_dev *next;
};

/* blkfront.c */
int blkfront_start(struct blk_dev *d);	      /* after Connected: pool, slots, completion thread */
int blkfront_start_worker(struct blk_dev *d); /* the completion thread (again) */
void blkfront_stop_worker(struct blk_dev *d);
/* One ring request (blkfront.c's send): waits for room; failures are recorded in r. */
void blkfront_send(struct blk_dev *d, struct blkfront_req *r, uint8_t op,
		   const struct blkfront_chunk *c, uint64_t req_off, uint64_t sector,
		   uint64_t nsect);
int blkfront_push_slot(struct blk_dev *d, uint32_t s); /* an unsent slot onto the ring */
void blkfront_req_put(struct blkfront_req *r);	       /* drops a piece without completing it */
struct blk_dev *blkfront_disks(void);

/* blkfront_suspend.c: the suspend hook; blkfront_xs.c's connect calls restart on a new domain */
void blkfront_suspend_init(void);
int blkfront_restart(struct blk_dev *d);
void blkfront_probing(int delta);	   /* a probe in progress refuses a suspend */
void blkfront_fail_all(struct blk_dev *d); /* backend gone: fail requests, stop the thread */
void blkfront_release(struct blk_dev *d);  /* then: grants, ring, memory */
void blkfront_evtchn(evtchn_port_t port, void *arg);
void blkfront_add(struct blk_dev *d); /* publish to blkfront_open */
int blkfront_register(void);
void blkfront_hotplug_notify(struct blk_dev *d, int attached);

/* What the block API calls (lib/api/blk.c; include/pvhkit/blk.h says what each does). */
int blkfront_init(void);
struct blk_dev *blkfront_open_index(unsigned i);
struct blk_dev *blkfront_open(const char *name);
struct blk_dev *blkfront_wait(const char *name, uint64_t timeout_ns);
int blkfront_info(struct blk_dev *d, struct blkfront_info *info);
int blkfront_stats(struct blk_dev *d, struct blkfront_stats *st);
int blkfront_submit(struct blk_dev *d, struct blkfront_req *r);
void blkfront_set_hotplug(void (*fn)(struct blk_dev *d, int attached, void *arg), void *arg);

#endif
