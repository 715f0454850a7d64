/* Pure blkfront logic (host-testable): range checks, request splitting, slot ids, response checks. */
#ifndef DRIVERS_BLKFRONT_BLKFRONT_REQ_H
#define DRIVERS_BLKFRONT_BLKFRONT_REQ_H

#include <stddef.h>
#include <stdint.h>

/* Ring sector numbers and first/last_sect are 512-byte units whatever "sector-size" says. */
#define BLKFRONT_SECT		512u
#define BLKFRONT_PAGE		4096u
#define BLKFRONT_SECTS_PER_PAGE (BLKFRONT_PAGE / BLKFRONT_SECT)
/* Most segments we put in one (indirect) request: one indirect page of descriptors (512 fit). */
#define BLKFRONT_MAX_SEGS  64u
#define BLKFRONT_MAX_SLOTS 256u

/*
 * An I/O of len bytes at byte offset off on a disk of disk_bytes bytes with logical sector size
 * ssize: 0, or -EINVAL when it is empty, unaligned to ssize, past the end or overflowing.
 */
int blkfront_check_range(uint64_t off, uint64_t len, uint32_t ssize, uint64_t disk_bytes);

/*
 * One ring request of a split I/O: bytes [done, done + bytes) of the caller's buffer, at 512-byte
 * sector sector, in nsegs segments of one page each (data placed from each page's start: the
 * pages are our own bounce pages, so the caller's buffer may have any alignment).
 */
struct blkfront_chunk {
	uint64_t sector;
	uint32_t bytes;
	uint32_t nsegs;
};
/*
 * The next chunk of an I/O at byte offset off with len bytes, done of them already submitted,
 * at most max_segs segments per request. Returns 1 and fills c, or 0 when nothing is left.
 * off and len must have passed blkfront_check_range.
 */
int blkfront_next_chunk(uint64_t off, uint64_t len, uint64_t done, uint32_t max_segs,
			struct blkfront_chunk *c);
/* Segment i of chunk c: its 512-byte sectors first..last within the page. */
void blkfront_seg(const struct blkfront_chunk *c, uint32_t i, uint8_t *first, uint8_t *last);

/*
 * Request ids carry a slot index and a generation, so a late or repeated response for a slot that
 * has since been reused is told apart from the current request's.
 */
static inline uint64_t blkfront_id(uint32_t slot, uint32_t gen)
{
	return ((uint64_t)gen << 32) | slot;
}

enum blkfront_slot_state { BLKFRONT_SLOT_FREE, BLKFRONT_SLOT_BUSY, BLKFRONT_SLOT_INFLIGHT };

struct blkfront_slot_view {
	uint8_t state;
	uint8_t op;	  /* the operation (BLKIF_OP_*; an indirect request's indirect_op) */
	uint8_t indirect; /* sent as BLKIF_OP_INDIRECT */
	uint32_t gen;
};

/* Why a response was refused: each has a counter. */
enum blkfront_rsp_verdict {
	BLKFRONT_RSP_OK,	 /* completes slot with err (0, or -EIO/-EOPNOTSUPP from status) */
	BLKFRONT_RSP_UNKNOWN_ID, /* no such slot: dropped */
	BLKFRONT_RSP_NOT_INFLIGHT, /* duplicate or stale: dropped */
	BLKFRONT_RSP_WRONG_OP,	   /* completes slot with -EIO */
	BLKFRONT_RSP_BAD_STATUS,   /* completes slot with -EIO */
};

/*
 * Checks one response (already copied out of the shared ring) against the slots. On OK,
 * WRONG_OP and BAD_STATUS, *slot is the request it completes and *err its result.
 */
enum blkfront_rsp_verdict blkfront_rsp_check(const struct blkfront_slot_view *slots,
					     uint32_t nslots, uint64_t id, uint8_t op,
					     int16_t status, uint32_t *slot, int *err);

/*
 * The backend's rsp_prod makes sense: it may not claim more responses than requests we have
 * pushed and not yet consumed (free-running indices, compared by subtraction).
 */
int blkfront_rsp_prod_ok(uint32_t rsp_prod, uint32_t rsp_cons, uint32_t req_prod);

/* Ring entries in 2^order pages: what fits after the 64-byte header, rounded down to a power of 2. */
uint32_t blkfront_ring_entries(uint32_t order, uint32_t req_size);

/*
 * The backend's disk geometry as read from xenstore ("sectors" in 512-byte units whatever
 * "sector-size" says, as Linux's blkback writes it): 0 with *bytes the disk's size, or -EBADMSG
 * when a value makes no sense (a sector size not a power of two in 512..65536, a physical sector
 * size not a multiple of it or above 1 MiB, no sectors, a size that overflows or is not a whole
 * number of sectors).
 */
int blkfront_check_geometry(uint64_t sectors, uint64_t ssize, uint64_t pssize, uint64_t *bytes);

/*
 * A piece of a request that was on the ring when the domain was saved and had no response: after
 * a new domain it is sent again, exactly once, to the new backend. Only its place matters (its
 * data is in the caller's buffer, which the request owns until its completion).
 */
struct blkfront_parked {
	uint8_t op;	  /* BLKIF_OP_* (an indirect request's indirect_op) */
	uint64_t sector;  /* 512-byte units */
	uint64_t nsect;	  /* a discard's length */
	uint64_t req_off; /* where in the request's buffer the piece's data lives */
	uint32_t bytes;	  /* a read's or write's length */
};
/*
 * The next ring request replaying a parked read or write under the new backend's segment limit
 * (a smaller one re-splits the piece): 1 with *c and *req_off (the buffer offset of c's data)
 * filled, 0 when the piece is covered. done: bytes of the piece already re-sent.
 */
int blkfront_replay_next(const struct blkfront_parked *p, uint64_t done, uint32_t max_segs,
			 struct blkfront_chunk *c, uint64_t *req_off);

/* "xvda" ... from a virtual-device number (docs/misc/vbd-interface.txt); -EINVAL if not xvd. */
int blkfront_vdev_name(uint32_t vdev, char *buf, size_t cap);

#endif
