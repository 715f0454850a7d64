/*
 * The hostile vbd: a blkif backend (docs in xen/io/blkif.h) that serves a 1 MiB pattern disk and
 * misbehaves as its mode says:
 *   badid       answers with an id no request had           dup       answers request 2 twice
 *   prod        moves rsp_prod 64 past what it answered       overrun   fills whole granted pages on reads
 *   initwait    goes from Connected back to InitWait mid-I/O  closedio  goes Closed with a request unanswered
 *   silent      never answers                                 order30   offers max-ring-page-order 30
 *   indirect    offers feature-max-indirect-segments 2^32-1   sectorsize3, sectors63: absurd geometry
 * Reads return byte (offset / 512 * 31 + offset % 512) & 0xff at each disk offset (the guest checks it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "hostile.h"
#include <xen/io/blkif.h>

#define VDEV	51712 /* xvda */
#define SECTORS 2048u /* 1 MiB */

static void *ring_va;
static unsigned ring_pages;
static blkif_back_ring_t br;

static int offer(struct hb *h)
{
	snprintf(h->fe, sizeof(h->fe), "/local/domain/%u/device/vbd/%d", h->domid, VDEV);
	snprintf(h->be, sizeof(h->be), "/local/domain/0/hostile/vbd/%u/%d", h->domid, VDEV);
	if (hb_write(h, h->be, "frontend", h->fe, 0) ||
	    hb_writef(h, h->be, "frontend-id", 0, "%u", h->domid) ||
	    hb_write(h, h->be, "mode", "w", 0) || hb_write(h, h->be, "state", "1", 0))
		return -1;
	if (hb_is(h, "order30") && hb_write(h, h->be, "max-ring-page-order", "30", 0))
		return -1;
	if (hb_is(h, "indirect") &&
	    hb_write(h, h->be, "feature-max-indirect-segments", "4294967295", 0))
		return -1;
	if (hb_mkdir_guest(h, h->fe) || hb_write(h, h->fe, "backend", h->be, h->domid) ||
	    hb_write(h, h->fe, "backend-id", "0", h->domid) ||
	    hb_writef(h, h->fe, "virtual-device", h->domid, "%d", VDEV) ||
	    hb_write(h, h->fe, "device-type", "disk", h->domid) ||
	    hb_write(h, h->fe, "state", "1", h->domid))
		return -1;
	hb_set_state(h, 2);
	return 0;
}

/* The frontend's ring (ring-ref or ring-refN with ring-page-order), mapped; its port bound. */
static int map_ring(struct hb *h)
{
	uint64_t order = 0;
	char names[16][16];
	const char *keys[16];

	hb_read_uint(h, h->fe, "ring-page-order", &order);
	if (order > 4) {
		hb_log("FAIL: the frontend chose ring-page-order %lu", (unsigned long)order);
		return -1;
	}
	ring_pages = 1u << order;
	for (unsigned i = 0; i < ring_pages; i++) {
		snprintf(names[i], sizeof(names[i]), order ? "ring-ref%u" : "ring-ref", i);
		keys[i] = names[i];
	}
	ring_va = hb_map_fe_refs(h, keys, ring_pages);
	if (!ring_va)
		return -1;
	BACK_RING_INIT(&br, (blkif_sring_t *)ring_va, PAGE * ring_pages);
	hb_log("ring: %u pages, %u entries", ring_pages, RING_SIZE(&br));
	return hb_bind(h, "event-channel");
}

static void unmap_ring(struct hb *h)
{
	if (ring_va)
		xengnttab_unmap(h->gt, ring_va, ring_pages);
	ring_va = NULL;
}

static uint8_t pattern(uint64_t off)
{
	return (uint8_t)((off / 512) * 31 + off % 512);
}

/* One segment of a read or write: reads get the pattern (overrun: the whole page, 0xee). */
static int do_seg(struct hb *h, int write, uint32_t gref, unsigned first, unsigned last,
		  uint64_t sector)
{
	uint8_t buf[PAGE];

	hb_remember_ref(h, gref);
	if (write || first > last || last >= PAGE / 512)
		return write ? 0 : -1;
	if (hb_is(h, "overrun"))
		return memset(buf, 0xee, PAGE), hb_put_grant(h, gref, 0, buf, PAGE);
	for (unsigned b = 0; b < (last - first + 1) * 512; b++)
		buf[b] = pattern(sector * 512 + b);
	return hb_put_grant(h, gref, first * 512, buf, (last - first + 1) * 512);
}

/* Performs a request; BLKIF_RSP_OKAY or BLKIF_RSP_ERROR. */
static int do_req(struct hb *h, const blkif_request_t *req)
{
	uint8_t op = req->operation;
	uint64_t sector = req->sector_number;
	struct blkif_request_segment segs[64];
	unsigned n = req->nr_segments;

	if (op == BLKIF_OP_INDIRECT) {
		const blkif_request_indirect_t *ir = (const void *)req;

		op = ir->indirect_op;
		n = ir->nr_segments;
		sector = ir->sector_number;
		if (n > 64)
			return BLKIF_RSP_ERROR; /* one indirect page is all this backend reads */
		hb_remember_ref(h, ir->indirect_grefs[0]);
		void *ip =
		    xengnttab_map_grant_ref(h->gt, h->domid, ir->indirect_grefs[0], PROT_READ);
		if (!ip)
			return BLKIF_RSP_ERROR;
		memcpy(segs, ip, n * sizeof(segs[0]));
		xengnttab_unmap(h->gt, ip, 1);
	} else {
		if (n > BLKIF_MAX_SEGMENTS_PER_REQUEST)
			return BLKIF_RSP_ERROR;
		memcpy(segs, req->seg, n * sizeof(segs[0]));
	}
	if (op != BLKIF_OP_READ && op != BLKIF_OP_WRITE)
		return BLKIF_RSP_OKAY; /* flush, barrier, discard: nothing to keep */
	for (unsigned i = 0; i < n; i++) {
		if (sector + 8 > SECTORS)
			return BLKIF_RSP_ERROR;
		if (do_seg(h, op == BLKIF_OP_WRITE, segs[i].gref, segs[i].first_sect,
			   segs[i].last_sect, sector))
			return BLKIF_RSP_ERROR;
		sector += (uint64_t)segs[i].last_sect - segs[i].first_sect + 1;
	}
	return BLKIF_RSP_OKAY;
}

static void respond(struct hb *h, uint64_t id, uint8_t op, int16_t status)
{
	blkif_response_t *r = RING_GET_RESPONSE(&br, br.rsp_prod_pvt);
	int notify;

	r->id = id;
	r->operation = op;
	r->status = status;
	br.rsp_prod_pvt++;
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&br, notify);
	if (notify)
		hb_notify(h);
}

/* Takes the requests on the ring. Returns 1 when the scenario leaves the data path (closedio). */
static int serve(struct hb *h, unsigned *nreq)
{
	static uint64_t prev_id;

	while (RING_HAS_UNCONSUMED_REQUESTS(&br)) {
		blkif_request_t req;

		memcpy(&req, RING_GET_REQUEST(&br, br.req_cons), sizeof(req));
		br.req_cons++;
		++*nreq;
		int16_t st = (int16_t)do_req(h, &req);

		if (hb_is(h, "silent"))
			continue;
		if (hb_is(h, "initwait") && *nreq == 1) {
			hb_log("request %u unanswered; back to InitWait", *nreq);
			hb_set_state(h, 2);
			continue;
		}
		if (hb_is(h, "initwait"))
			continue;
		if (hb_is(h, "closedio")) {
			hb_log("request %u unanswered; closing under it", *nreq);
			return 1;
		}
		if (hb_is(h, "badid") && *nreq == 2) {
			hb_log("answering request %u with an unknown id", *nreq);
			respond(h, (req.id & ~0xffffffffull) | 0xfffffu, req.operation, st);
			continue;
		}
		if (hb_is(h, "prod") && *nreq == 2) {
			hb_log("request %u unanswered; rsp_prod moved 64 past the answers", *nreq);
			__atomic_store_n(&br.sring->rsp_prod, br.rsp_prod_pvt + 64,
					 __ATOMIC_RELEASE);
			hb_notify(h);
			continue;
		}
		if (hb_is(h, "dup") && *nreq == 3) {
			/* a second answer to request 2 where request 3's belongs: rsp_prod stays sane */
			hb_log("answering request %u with request %u's id again", *nreq, *nreq - 1);
			respond(h, prev_id, req.operation, st);
			continue;
		}
		respond(h, req.id, req.operation, st);
		prev_id = req.id;
	}
	int more;

	RING_FINAL_CHECK_FOR_REQUESTS(&br, more); /* re-arms req_event; the caller polls anyway */
	(void)more;
	return 0;
}

/* Scenarios the guest survives with the disk working: it ends without closing it. */
static int keeps_disk(const struct hb *h)
{
	return hb_is(h, "order30") || hb_is(h, "indirect") || hb_is(h, "overrun");
}

int hb_vbd(struct hb *h)
{
	unsigned nreq = 0;

	if (offer(h))
		return 1;
	int s = hb_wait_fe(h, 3, 30000);
	if (s == 5 || s == 6)
		return hb_log("the frontend closed at InitWait"), hb_finish(h);
	if (s < 0)
		return hb_log("FAIL: the frontend never initialised"), 1;
	if (map_ring(h))
		return unmap_ring(h), hb_finish(h) | 1;
	hb_writef(h, h->be, "sectors", 0, "%s",
		  hb_is(h, "sectors63") ? "9223372036854775808" : "2048");
	hb_write(h, h->be, "sector-size", hb_is(h, "sectorsize3") ? "3" : "512", 0);
	hb_write(h, h->be, "info", "0", 0);
	hb_set_state(h, 4);
	for (;;) {
		int fe = hb_state(h, h->fe);

		if (fe < 0 || fe == 5 || fe == 6 || !hb_guest_alive(h))
			break;
		hb_wait_event(h, 50);
		if (serve(h, &nreq))
			break;
	}
	unmap_ring(h);
	hb_log("%u requests seen", nreq);
	if (!hb_guest_alive(h)) {
		xs_rm(h->xs, XBT_NULL, h->be);
		if (!keeps_disk(h))
			return hb_log("FAIL: the guest ended without closing the disk"), 1;
		return 0;
	}
	return hb_finish(h);
}
