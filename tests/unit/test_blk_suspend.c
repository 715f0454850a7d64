/* Tests blkfront's replay of parked requests after a new domain (blkfront_replay_next): exactly once, re-split to the new backend's limits. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>
#include "drivers/blkfront/blkfront_req.h"

#define DISK_SECTS 4096u /* a 2 MiB disk, as bytes marked once each */

/*
 * Replays piece p under max_segs into a coverage map of the request's buffer (one count per
 * byte offset / 512): every chunk within the limit, its sector matching its buffer offset.
 * Returns the number of ring requests it took.
 */
static unsigned replay(const struct blkfront_parked *p, uint32_t max_segs, uint8_t *cover)
{
	struct blkfront_chunk c;
	uint64_t done = 0, off;
	unsigned n = 0;

	while (blkfront_replay_next(p, done, max_segs, &c, &off)) {
		cr_assert(c.nsegs >= 1 && c.nsegs <= max_segs, "nsegs %u max %u", c.nsegs,
			  max_segs);
		cr_assert(c.bytes > 0 && c.bytes % 512 == 0 && c.bytes <= c.nsegs * 4096u);
		/* the chunk's disk place and its data's place in the buffer move together */
		cr_assert_eq((c.sector - p->sector) * 512, off - p->req_off);
		for (uint64_t b = off / 512; b < (off + c.bytes) / 512; b++)
			cover[b]++;
		done += c.bytes;
		n++;
	}
	cr_assert_eq(done, p->bytes, "the piece covered exactly");
	return n;
}

/* A request split at 64 segments, its second and fourth pieces parked, replayed at 11 segments. */
Test(blk_suspend, parked_pieces_are_replayed_once_and_resplit)
{
	static uint8_t cover[DISK_SECTS];
	const uint64_t req_sector = 100; /* the request: 1 MiB at sector 100 */
	const uint64_t len = 1u << 20;
	struct blkfront_chunk c;
	uint64_t done = 0;
	unsigned piece = 0, ring = 0;

	memset(cover, 0, sizeof(cover));
	while (blkfront_next_chunk(req_sector * 512, len, done, 64, &c)) {
		if (piece == 1 || piece == 3) {
			struct blkfront_parked p = { 1 /* BLKIF_OP_WRITE */, c.sector, 0, done,
						     c.bytes };
			ring += replay(&p, 11, cover);
		} else {
			for (uint64_t b = done / 512; b < (done + c.bytes) / 512; b++)
				cover[b]++; /* completed before the suspend */
		}
		done += c.bytes;
		piece++;
	}
	cr_assert_eq(piece, 4, "1 MiB in 256 KiB pieces");
	cr_assert_eq(ring, 2 * 6, "each 64-page piece needs 6 requests of 11 segments");
	for (uint64_t b = 0; b < len / 512; b++)
		cr_assert_eq(cover[b], 1, "sector %lu of the request written %u times",
			     (unsigned long)b, cover[b]);
}

/* A backend without indirect segments (11 a request) and one with more than before: both fine. */
Test(blk_suspend, any_new_limit_covers_the_piece)
{
	static uint8_t cover[DISK_SECTS];
	const uint32_t limits[] = { 1, 11, 32, 64, 512 };

	for (unsigned i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		/* an odd-sized piece (not a whole number of pages) deep inside its request */
		struct blkfront_parked p = { 0 /* READ */, 4000, 0, 8192, 37 * 4096 + 1536 };

		memset(cover, 0, sizeof(cover));
		replay(&p, limits[i], cover);
		for (uint64_t b = 0; b < DISK_SECTS; b++) {
			int inside = b >= 16 && b < 16 + p.bytes / 512;
			cr_assert_eq(cover[b], inside, "limit %u: sector %lu covered %u times",
				     limits[i], (unsigned long)b, cover[b]);
		}
	}
}

/* A piece already covered (or empty) sends nothing more. */
Test(blk_suspend, nothing_past_the_end)
{
	struct blkfront_parked p = { 0, 8, 0, 0, 4096 };
	struct blkfront_chunk c;
	uint64_t off;

	cr_assert_eq(blkfront_replay_next(&p, 4096, 11, &c, &off), 0);
	p.bytes = 0;
	cr_assert_eq(blkfront_replay_next(&p, 0, 11, &c, &off), 0);
}
