/* Tests blkfront's pure logic (drivers/blkfront/blkfront_req.c): ranges, splitting, hostile responses. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>
#include "base/errno.h"
#include "drivers/blkfront/blkfront_req.h"

Test(blk_range, accepts_and_refuses)
{
	uint64_t disk = 1ull << 30;

	cr_assert_eq(blkfront_check_range(0, 512, 512, disk), 0);
	cr_assert_eq(blkfront_check_range(disk - 512, 512, 512, disk), 0, "last sector");
	cr_assert_eq(blkfront_check_range(0, disk, 512, disk), 0, "whole disk");
	cr_assert_eq(blkfront_check_range(disk, 512, 512, disk), -EINVAL, "at the end");
	cr_assert_eq(blkfront_check_range(disk - 512, 1024, 512, disk), -EINVAL, "across the end");
	cr_assert_eq(blkfront_check_range(0, 0, 512, disk), -EINVAL, "empty");
	cr_assert_eq(blkfront_check_range(256, 512, 512, disk), -EINVAL, "unaligned offset");
	cr_assert_eq(blkfront_check_range(0, 100, 512, disk), -EINVAL, "partial sector");
	cr_assert_eq(blkfront_check_range(512, 512, 4096, disk), -EINVAL, "4 KiB sectors");
	cr_assert_eq(blkfront_check_range(4096, 8192, 4096, disk), 0);
	cr_assert_eq(blkfront_check_range(UINT64_MAX - 511, 512, 512, disk), -EINVAL, "no wrap");
	cr_assert_eq(blkfront_check_range(512, UINT64_MAX - 511, 512, UINT64_MAX), -EINVAL,
		     "len wraps");
	cr_assert_eq(blkfront_check_range(0, 512, 768, disk), -EINVAL, "sector size not 2^n");
	cr_assert_eq(blkfront_check_range(0, 512, 0, disk), -EINVAL, "sector size 0");
}

/* Every split covers the I/O exactly once, in order, within the segment limits. */
static void check_split(uint64_t off, uint64_t len, uint32_t max_segs)
{
	struct blkfront_chunk c;
	uint64_t done = 0, chunks = 0;

	while (blkfront_next_chunk(off, len, done, max_segs, &c)) {
		uint32_t lim = max_segs > BLKFRONT_MAX_SEGS ? BLKFRONT_MAX_SEGS : max_segs;

		cr_assert_eq(c.sector, (off + done) / 512);
		cr_assert(c.bytes > 0 && c.bytes % 512 == 0);
		cr_assert(c.nsegs >= 1 && c.nsegs <= lim, "nsegs %u limit %u", c.nsegs, lim);
		cr_assert_eq(c.nsegs, (c.bytes + 4095) / 4096);
		uint32_t sum = 0;
		for (uint32_t i = 0; i < c.nsegs; i++) {
			uint8_t f, l;
			blkfront_seg(&c, i, &f, &l);
			cr_assert(f <= l && l < 8, "seg %u: %u..%u", i, f, l);
			sum += (uint32_t)(l - f + 1) * 512;
		}
		cr_assert_eq(sum, c.bytes);
		done += c.bytes;
		chunks++;
		cr_assert(chunks < 1000000);
	}
	cr_assert_eq(done, len);
}

Test(blk_split, sizes_and_limits)
{
	uint32_t segs[] = { 1, 11, 32, 64, 256 };
	uint64_t lens[] = { 512, 1024, 4096, 4608, 45056, 45568, 262144, 1048576 + 512, 3 << 20 };

	for (unsigned s = 0; s < sizeof(segs) / sizeof(segs[0]); s++)
		for (unsigned l = 0; l < sizeof(lens) / sizeof(lens[0]); l++)
			check_split(512 * 77, lens[l], segs[s]);
	struct blkfront_chunk c;
	cr_assert_eq(blkfront_next_chunk(0, 512, 512, 11, &c), 0, "nothing left");
	cr_assert_eq(blkfront_next_chunk(0, 512, 0, 0, &c), 0, "no segments: nothing");
	cr_assert_eq(blkfront_next_chunk(0, 11 * 4096 + 512, 0, 11, &c), 1);
	cr_assert_eq(c.bytes, 11 * 4096, "11 direct segments fill the first request");
}

#define NS 8
static struct blkfront_slot_view v[NS];

static void setup(void)
{
	memset(v, 0, sizeof(v));
	v[3] = (struct blkfront_slot_view){ BLKFRONT_SLOT_INFLIGHT, 0 /* READ */, 0, 7 };
	v[4] = (struct blkfront_slot_view){ BLKFRONT_SLOT_INFLIGHT, 1 /* WRITE */, 1, 2 };
	v[5] = (struct blkfront_slot_view){ BLKFRONT_SLOT_BUSY, 0, 0, 3 };
}

Test(blk_rsp, good_responses, .init = setup)
{
	uint32_t s = 99;
	int err = 99;

	cr_assert_eq(blkfront_rsp_check(v, NS, blkfront_id(3, 7), 0, 0, &s, &err), BLKFRONT_RSP_OK);
	cr_assert(s == 3 && err == 0);
	cr_assert_eq(blkfront_rsp_check(v, NS, blkfront_id(3, 7), 0, -1, &s, &err),
		     BLKFRONT_RSP_OK);
	cr_assert_eq(err, -EIO, "BLKIF_RSP_ERROR");
	cr_assert_eq(blkfront_rsp_check(v, NS, blkfront_id(3, 7), 0, -2, &s, &err),
		     BLKFRONT_RSP_OK);
	cr_assert_eq(err, -ENOSYS, "BLKIF_RSP_EOPNOTSUPP");
	/* an indirect write: blkback answers with the inner op, INDIRECT is tolerated */
	cr_assert_eq(blkfront_rsp_check(v, NS, blkfront_id(4, 2), 1, 0, &s, &err), BLKFRONT_RSP_OK);
	cr_assert_eq(blkfront_rsp_check(v, NS, blkfront_id(4, 2), 6, 0, &s, &err), BLKFRONT_RSP_OK);
}

Test(blk_rsp, hostile_responses, .init = setup)
{
	uint32_t s = 99;
	int err = 0;

	cr_assert_eq(blkfront_rsp_check(v, NS, NS, 0, 0, &s, &err), BLKFRONT_RSP_UNKNOWN_ID);
	cr_assert_eq(blkfront_rsp_check(v, NS, UINT64_MAX, 0, 0, &s, &err),
		     BLKFRONT_RSP_UNKNOWN_ID);
	cr_assert_eq(blkfront_rsp_check(v, NS, blkfront_id(0xffffffffu, 7), 0, 0, &s, &err),
		     BLKFRONT_RSP_UNKNOWN_ID);
	cr_assert_eq(s, 99, "no slot handed out for an unknown id");
	cr_assert_eq(blkfront_rsp_check(v, NS, blkfront_id(0, 0), 0, 0, &s, &err),
		     BLKFRONT_RSP_NOT_INFLIGHT, "a free slot");
	cr_assert_eq(blkfront_rsp_check(v, NS, blkfront_id(5, 3), 0, 0, &s, &err),
		     BLKFRONT_RSP_NOT_INFLIGHT, "already completed (duplicate)");
	cr_assert_eq(blkfront_rsp_check(v, NS, blkfront_id(3, 6), 0, 0, &s, &err),
		     BLKFRONT_RSP_NOT_INFLIGHT, "stale generation: a reused slot's old id");
	cr_assert_eq(s, 99);
	cr_assert_eq(blkfront_rsp_check(v, NS, blkfront_id(3, 7), 1, 0, &s, &err),
		     BLKFRONT_RSP_WRONG_OP);
	cr_assert(s == 3 && err == -EIO, "wrong op fails the request with -EIO");
	cr_assert_eq(blkfront_rsp_check(v, NS, blkfront_id(3, 7), 6, 0, &s, &err),
		     BLKFRONT_RSP_WRONG_OP, "INDIRECT on a direct request");
	cr_assert_eq(blkfront_rsp_check(v, NS, blkfront_id(3, 7), 0, 1, &s, &err),
		     BLKFRONT_RSP_BAD_STATUS);
	cr_assert_eq(err, -EIO);
	cr_assert_eq(blkfront_rsp_check(v, NS, blkfront_id(3, 7), 0, -32768, &s, &err),
		     BLKFRONT_RSP_BAD_STATUS);
	cr_assert_eq(blkfront_rsp_check(v, 0, 0, 0, 0, &s, &err), BLKFRONT_RSP_UNKNOWN_ID,
		     "no slots at all");
}

/* The sequence a completion loop sees: the duplicate after a completion is refused. */
Test(blk_rsp, duplicate_after_completion, .init = setup)
{
	uint32_t s;
	int err;

	cr_assert_eq(blkfront_rsp_check(v, NS, blkfront_id(3, 7), 0, 0, &s, &err), BLKFRONT_RSP_OK);
	v[s].state = BLKFRONT_SLOT_BUSY; /* what the driver does on accepting it */
	cr_assert_eq(blkfront_rsp_check(v, NS, blkfront_id(3, 7), 0, 0, &s, &err),
		     BLKFRONT_RSP_NOT_INFLIGHT);
	/* the slot reused with a new generation: the old id still does not match */
	v[3].state = BLKFRONT_SLOT_INFLIGHT;
	v[3].gen = 8;
	cr_assert_eq(blkfront_rsp_check(v, NS, blkfront_id(3, 7), 0, 0, &s, &err),
		     BLKFRONT_RSP_NOT_INFLIGHT);
}

Test(blk_ring, rsp_prod_and_sizes)
{
	cr_assert(blkfront_rsp_prod_ok(5, 3, 10));
	cr_assert(blkfront_rsp_prod_ok(10, 3, 10));
	cr_assert(!blkfront_rsp_prod_ok(11, 3, 10), "more responses than requests");
	cr_assert(!blkfront_rsp_prod_ok(2, 3, 10), "rsp_prod behind rsp_cons");
	cr_assert(blkfront_rsp_prod_ok(2, 0xfffffffe, 5), "free-running indices wrap");
	cr_assert(!blkfront_rsp_prod_ok(6, 0xfffffffe, 5));
	/* blkif entries are 112 bytes: 36 fit in a page -> 32; 4 pages: 145 -> 128 */
	cr_assert_eq(blkfront_ring_entries(0, 112), 32);
	cr_assert_eq(blkfront_ring_entries(2, 112), 128);
	cr_assert_eq(blkfront_ring_entries(0, 0), 0);
	cr_assert_eq(blkfront_ring_entries(9, 112), 0);
}

Test(blk_name, vdev_numbers)
{
	char b[16];

	cr_assert_eq(blkfront_vdev_name(51712, b, sizeof(b)), 4);
	cr_assert_str_eq(b, "xvda");
	blkfront_vdev_name(51728, b, sizeof(b));
	cr_assert_str_eq(b, "xvdb");
	blkfront_vdev_name(51745, b, sizeof(b));
	cr_assert_str_eq(b, "xvdc1");
	blkfront_vdev_name((1u << 28) | (26 << 8), b, sizeof(b));
	cr_assert_str_eq(b, "xvdaa");
	cr_assert_eq(blkfront_vdev_name(768, b, sizeof(b)), -EINVAL, "hda");
	cr_assert_eq(blkfront_vdev_name(51712, b, 4), -ERANGE);
}

Test(blk_req, backend_geometry)
{
	uint64_t bytes = 0;

	cr_assert_eq(blkfront_check_geometry(2097152, 512, 4096, &bytes), 0);
	cr_assert_eq(bytes, 1ull << 30);
	cr_assert_eq(blkfront_check_geometry(16, 4096, 4096, &bytes), 0); /* 512-byte units */
	cr_assert_eq(bytes, 8192);
	/* the hostile backend's values of issue 18 */
	cr_assert_eq(blkfront_check_geometry(2048, 3, 3, &bytes), -EBADMSG);
	cr_assert_eq(blkfront_check_geometry(1ull << 63, 512, 512, &bytes), -EBADMSG);
	cr_assert_eq(blkfront_check_geometry(0, 512, 512, &bytes), -EBADMSG);
	cr_assert_eq(blkfront_check_geometry(9, 4096, 4096, &bytes), -EBADMSG);
	cr_assert_eq(blkfront_check_geometry(8, 512, 2u << 20, &bytes), -EBADMSG);
}
