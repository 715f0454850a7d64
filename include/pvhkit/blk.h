/* Block devices for applications: Xen virtual disks (blkfront), synchronous and asynchronous I/O. */
#ifndef PVHKIT_BLK_H
#define PVHKIT_BLK_H

#include <stddef.h>
#include <stdint.h>

/*
 * Errors are negative errno values of the C library's <errno.h> (kernel.h): -EINVAL (offset/length not a multiple of the sector size,
 * empty, or past the end), -EROFS (write or discard on a read-only disk), -ENOSYS (the backend
 * does not offer the operation), -EIO (the backend failed the request, answered nonsense, or
 * the disk went away with the request in flight), -ENODEV (the disk is gone).
 */
typedef struct pvh_blk_dev pvh_blk_dev_t;

/*
 * Starts the block driver (first call only) and waits until the disks present at boot are
 * connected or refused. Returns the number of connected disks. The other calls do this too.
 */
int pvh_blk_init(void);
/* The connected disk number i, in probe order; NULL past the end. */
pvh_blk_dev_t *pvh_blk_open_index(unsigned i);
/* By name ("xvda") or virtual-device number ("51712"); NULL if there is none (connected). */
pvh_blk_dev_t *pvh_blk_open(const char *name);
/* Waits up to timeout_ns for a disk of that name to connect (a run-time `xl block-attach`). */
pvh_blk_dev_t *pvh_blk_wait(const char *name, uint64_t timeout_ns);

struct pvh_blk_info {
	char name[16];	      /* "xvda" */
	uint32_t vdev;	      /* virtual-device number */
	uint64_t size;	      /* bytes */
	uint32_t sector_size; /* logical: offsets and lengths are multiples of it */
	uint32_t physical_sector_size;
	int read_only, removable, cdrom;
	int connected;				 /* 0 once the backend closed */
	int flush, barrier, discard, persistent; /* what the backend offered / we use */
	uint32_t discard_granularity, discard_alignment;
	uint32_t max_segments; /* per ring request (11 direct, more with indirect descriptors) */
	uint32_t ring_pages, ring_entries, max_inflight;
};
int pvh_blk_info(pvh_blk_dev_t *d, struct pvh_blk_info *info);

enum pvh_blk_op { PVH_BLK_READ, PVH_BLK_WRITE, PVH_BLK_FLUSH, PVH_BLK_DISCARD };

/*
 * An asynchronous request. The caller owns it (and buf) until done runs. done runs once, in the
 * disk's completion thread (not an interrupt): it must not block for long; it may submit more.
 * status is 0 or a negative errno. A request of any length (a multiple of the sector size) and
 * any buffer alignment is split as the backend needs.
 */
struct pvh_blk_req {
	enum pvh_blk_op op;
	uint64_t offset; /* bytes */
	size_t len;	 /* bytes (READ/WRITE/DISCARD) */
	void *buf;	 /* READ/WRITE */
	void (*done)(struct pvh_blk_req *r, int status);
	void *arg;
	/* private: the driver's copy of the request while it is in flight (lib/api/blk.c) */
	uint64_t priv[7];
};
/*
 * Queues r; may wait for ring space. 0 when queued (done will run), or a negative errno when r
 * was refused up front (done will not run). Any number of threads may submit at once.
 */
int pvh_blk_submit(pvh_blk_dev_t *d, struct pvh_blk_req *r);

/* Synchronous wrappers: 0 or a negative errno. */
int pvh_blk_read(pvh_blk_dev_t *d, uint64_t offset, void *buf, size_t len);
int pvh_blk_write(pvh_blk_dev_t *d, uint64_t offset, const void *buf, size_t len);
/* Makes completed writes durable (flush-cache, or a barrier); 0 when the backend offers neither. */
int pvh_blk_flush(pvh_blk_dev_t *d);
int pvh_blk_discard(pvh_blk_dev_t *d, uint64_t offset, size_t len);

/*
 * Calls fn (in the xenbus thread) when a disk connects (attached = 1) or goes away (0), after
 * its outstanding requests failed with -EIO. One handler; NULL removes it.
 */
void pvh_blk_set_hotplug_handler(void (*fn)(pvh_blk_dev_t *d, int attached, void *arg), void *arg);

struct pvh_blk_stats {
	uint64_t requests, ring_requests, indirect_requests, completions, errors;
	uint64_t bytes_read, bytes_written;
	uint64_t bad_id, dup_rsp, wrong_op, bad_status, bad_rsp_prod;
	uint64_t grants_busy; /* revocations the backend refused: page parked, not reused */
	uint64_t failed_on_close;
	uint64_t notifies, interrupts;
	/* a broken backend: the disk is failed (-EIO), closed and its grants revoked */
	uint64_t timeouts;     /* requests unanswered for io_timeout= seconds (default 30) */
	uint64_t bad_states;   /* the backend went back from Connected */
	uint64_t bad_features; /* absurd values it offered (clamped, reported) */
};
int pvh_blk_stats(pvh_blk_dev_t *d, struct pvh_blk_stats *st);

#endif
