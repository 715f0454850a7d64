/* The hostile guest's vbd checks: reads against the misbehaving backend, the disk's fate, its counters. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <pvhkit/blk.h>
#include <pvhkit/result.h>
#include <pvhkit/thread.h>
#include "hostile.h"

#define GUARD 4096

/* What each mode must produce: the reads that fail, the counter that shows why, the disk's end. */
struct expect {
	const char *mode;
	int refused;	/* the disk is never offered (absurd geometry) */
	int fail_from;	/* the first 4 KiB read (1-based) that must fail; 0: none */
	int keeps_disk; /* the disk stays connected */
};

static const struct expect table[] = {
	{ "badid", 0, 2, 0 },	    { "dup", 0, 3, 0 },	      { "prod", 0, 2, 0 },
	{ "initwait", 0, 1, 0 },    { "closedio", 0, 1, 0 },  { "silent", 0, 1, 0 },
	{ "overrun", 0, 0, 1 },	    { "order30", 0, 0, 1 },   { "indirect", 0, 0, 1 },
	{ "sectorsize3", 1, 0, 0 }, { "sectors63", 1, 0, 0 },
};

static uint8_t pattern(uint64_t off)
{
	return (uint8_t)((off / 512) * 31 + off % 512);
}

static int pattern_ok(const uint8_t *b, uint64_t off, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (b[i] != pattern(off + i))
			return 0;
	return 1;
}

/* The counter that names this mode's misbehaviour. */
static uint64_t counted(const char *mode, const struct pvh_blk_stats *st)
{
	if (!strcmp(mode, "badid"))
		return st->bad_id;
	if (!strcmp(mode, "dup"))
		return st->dup_rsp;
	if (!strcmp(mode, "prod"))
		return st->bad_rsp_prod;
	if (!strcmp(mode, "initwait"))
		return st->bad_states;
	if (!strcmp(mode, "closedio"))
		return st->failed_on_close;
	if (!strcmp(mode, "silent"))
		return st->timeouts;
	if (!strcmp(mode, "order30") || !strcmp(mode, "indirect"))
		return st->bad_features;
	return 1; /* overrun: nothing to count, the guards below are the check */
}

/* A 512-byte read into the middle of a guarded buffer: nothing past the request may change. */
static void overrun(pvh_blk_dev_t *d)
{
	uint8_t *b = malloc(2 * GUARD + 512);
	int guards = 1, r;

	memset(b, 0x5a, 2 * GUARD + 512);
	r = pvh_blk_read(d, 512, b + GUARD, 512);
	for (int i = 0; i < GUARD; i++)
		guards &= b[i] == 0x5a && b[GUARD + 512 + i] == 0x5a;
	pvh_tap_ok(r == 0 && b[GUARD] == 0xee && b[GUARD + 511] == 0xee,
		   "a read the backend overfilled returns the sector asked for (%d)", r);
	pvh_tap_ok(guards, "nothing around the buffer was written");
	free(b);
}

/* The backend offered absurd features and the disk still works within what we clamped to. */
static void clamped(pvh_blk_dev_t *d, const char *mode)
{
	struct pvh_blk_info in;
	size_t len = 256 * 1024;
	uint8_t *b = malloc(len);

	pvh_blk_info(d, &in);
	pvh_tap_ok(in.ring_pages <= 4 && in.max_segments <= 64,
		   "%s: ring %u pages, %u segments a request: clamped", mode, in.ring_pages,
		   in.max_segments);
	int r = pvh_blk_read(d, 0, b, len);
	pvh_tap_ok(r == 0 && pattern_ok(b, 0, len),
		   "a 256 KiB read returns the disk's pattern (%d)", r);
	free(b);
}

/* Reads until the mode's failure: the ones before must succeed, that one must fail. */
static void reads(pvh_blk_dev_t *d, const struct expect *e)
{
	uint8_t *b = malloc(4096);

	for (int i = 1; i <= e->fail_from; i++) {
		memset(b, 0, 4096);
		int r = pvh_blk_read(d, (uint64_t)(i - 1) * 4096, b, 4096);

		if (i < e->fail_from)
			pvh_tap_ok(r == 0 && pattern_ok(b, (uint64_t)(i - 1) * 4096, 4096),
				   "read %d before the misbehaviour: ok (%d)", i, r);
		else
			pvh_tap_ok(r == -EIO || r == -ENODEV, "read %d fails with an error: %d", i,
				   r);
	}
	free(b);
}

void hostile_blk(const char *mode)
{
	const struct expect *e = NULL;

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcmp(table[i].mode, mode))
			e = &table[i];
	if (!pvh_tap_ok(e != NULL, "mode %s known", mode))
		return;
	if (e->refused) {
		/* the driver probes (now, or when the nodes appear); the verdict comes once the guest
		 * closed the disk: no need to wait out blk_wait */
		pvh_blk_init();
		hostile_verdict();
		pvh_tap_ok(pvh_blk_open("xvda") == NULL, "a disk with absurd geometry is refused");
		return;
	}
	pvh_blk_dev_t *d = pvh_blk_wait("xvda", 20 * SEC);
	if (!pvh_tap_ok(d != NULL, "the hostile disk is offered"))
		return;
	if (!strcmp(mode, "overrun"))
		overrun(d);
	else if (e->keeps_disk)
		clamped(d, mode);
	else
		reads(d, e);
	struct pvh_blk_info in;
	struct pvh_blk_stats st;
	if (!e->keeps_disk) {
		/* the removal runs in xenbus' thread: the stats are final once the grants are back */
		hostile_verdict();
	}
	pvh_blk_info(d, &in);
	pvh_blk_stats(d, &st);
	pvh_tap_ok(counted(mode, &st) > 0,
		   "counted: bad_id %lu dup %lu rsp_prod %lu states %lu timeouts %lu features %lu "
		   "failed_on_close %lu",
		   (unsigned long)st.bad_id, (unsigned long)st.dup_rsp,
		   (unsigned long)st.bad_rsp_prod, (unsigned long)st.bad_states,
		   (unsigned long)st.timeouts, (unsigned long)st.bad_features,
		   (unsigned long)st.failed_on_close);
	pvh_tap_ok(e->keeps_disk ? in.connected : !in.connected, "the disk is %s",
		   in.connected ? "still connected" : "failed and closed");
	pvh_tap_ok(st.grants_busy == 0, "no grant left with the backend (%lu)",
		   (unsigned long)st.grants_busy);
}
