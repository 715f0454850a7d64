/*
 * Fuzzes blkfront's pure logic with what a backend controls: responses (id, operation, status)
 * against the slots in flight, the response producer, ring orders and disk geometry, and the
 * request splitting those feed.
 */
#include <errno.h>
#include "tests/fuzz/fuzz.h"
#include "drivers/blkfront/blkfront_req.h"
#include <xen/io/blkif.h>

#define SLOTS 32u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct blkfront_slot_view slots[SLOTS];

	for (unsigned i = 0; i < SLOTS; i++) {
		slots[i].state = fz_u8(&f) % 3;
		slots[i].op = fz_u8(&f) % 8;
		slots[i].indirect = fz_u8(&f) & 1;
		slots[i].gen = fz_u8(&f) % 4;
	}
	/* responses: one completes only the in-flight slot and generation it names */
	for (unsigned k = 0; k < 16 && f.n; k++) {
		uint64_t id = fz_u64(&f);
		uint8_t op = fz_u8(&f);
		int16_t status = (int16_t)fz_u16(&f);
		uint32_t slot = ~0u;
		int err = 12345;
		enum blkfront_rsp_verdict v =
		    blkfront_rsp_check(slots, SLOTS, id, op, status, &slot, &err);

		if (v == BLKFRONT_RSP_UNKNOWN_ID || v == BLKFRONT_RSP_NOT_INFLIGHT)
			continue;
		FZ_CHECK(slot < SLOTS && slot == (uint32_t)id &&
			 (uint32_t)(id >> 32) == slots[slot].gen);
		FZ_CHECK(slots[slot].state == BLKFRONT_SLOT_INFLIGHT);
		FZ_CHECK(v == BLKFRONT_RSP_OK ? err <= 0 : err == -EIO);
		if (v == BLKFRONT_RSP_OK && status == BLKIF_RSP_OKAY)
			FZ_CHECK(err == 0);
		slots[slot].state = BLKFRONT_SLOT_FREE; /* completed once: a duplicate is stale */
	}
	uint32_t prod = fz_u32(&f), cons = fz_u32(&f), req = fz_u32(&f);
	if (blkfront_rsp_prod_ok(prod, cons, req))
		FZ_CHECK((uint32_t)(prod - cons) <= (uint32_t)(req - cons));
	/* ring entries for any order the backend offers (the driver clamps it first) */
	uint32_t order = fz_u8(&f) % 5, ent = blkfront_ring_entries(order, 112);
	FZ_CHECK(ent && !(ent & (ent - 1)) && 64 + ent * 112 <= 4096u << order);
	/* geometry and an I/O: the chunks cover it exactly, in bounds */
	uint32_t ssize = 512u << (fz_u8(&f) % 5);
	uint64_t disk = fz_u64(&f) >> (fz_u8(&f) % 64), off = fz_u64(&f) >> (fz_u8(&f) % 64);
	uint64_t len = fz_u32(&f) % (1u << 22);
	uint32_t max_segs = 1 + fz_u8(&f) % BLKFRONT_MAX_SEGS;
	if (blkfront_check_range(off, len, ssize, disk) == 0) {
		struct blkfront_chunk c;
		uint64_t done = 0, sector = off / 512;

		FZ_CHECK(len && off + len <= disk && off + len > off);
		while (blkfront_next_chunk(off, len, done, max_segs, &c)) {
			FZ_CHECK(c.sector == sector && c.nsegs >= 1 && c.nsegs <= max_segs);
			FZ_CHECK(c.bytes && c.bytes <= c.nsegs * BLKFRONT_PAGE);
			for (uint32_t i = 0; i < c.nsegs; i++) {
				uint8_t first, last;
				blkfront_seg(&c, i, &first, &last);
				FZ_CHECK(first <= last && last < BLKFRONT_SECTS_PER_PAGE);
			}
			done += c.bytes;
			sector += c.bytes / 512;
			FZ_CHECK(done <= len);
		}
		FZ_CHECK(done == len);
	}
	char name[16];
	if (blkfront_vdev_name(fz_u32(&f), name, sizeof(name)) == 0)
		FZ_CHECK(!strncmp(name, "xvd", 3) && strlen(name) < sizeof(name));
	return 0;
}
