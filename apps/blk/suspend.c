/*
 * blk suspend MODE N: writers keep a random pattern going across 4 MiB of xvda while dom0 saves
 * and restores, checkpoints (xl save -c) or migrates the domain N times (tests/xen/blk-suspend);
 * afterwards the guest reads it all back and dom0 checks the disk, both byte for byte.
 *
 * The region is 64 blocks of 64 KiB; writer t owns blocks t, t+4, t+8, ... and rewrites them
 * pass after pass. Sector s written in pass p holds 16 lines "PVHKIT-SUS %010u P%08x\n" (32
 * bytes each) with the word (s * 2654435761 + p * 40503 + 12345) mod 2^31, so a lost, stale or
 * torn write shows; dom0 computes the same with awk from each writer's final (pass, position),
 * published in data/blk/final. Keys (data/suspend/... as tests/xen/suspend-cycle uses them):
 * plan "MODE N", ready (the first pass is on the disk), count "<new domains> <cancelled>" after
 * each resume (pvh_on_resume), done (dom0: no more suspends), data/blk/dom0-checked (dom0's verdict).
 * One more block after the region is written once, before any suspend, and checked at the end:
 * the region is rewritten pass after pass and cannot tell whether the disk after a move to
 * another host is the same disk; that block can (tests/xen/scenarios-2host).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pvhkit/blk.h>
#include <pvhkit/kernel.h>
#include <pvhkit/result.h>
#include <pvhkit/suspend.h>
#include <pvhkit/thread.h>
#include <pvhkit/xenstore.h>
#include "suspend.h"

#define WRITERS	     4
#define BLOCK_SECTS  128u
#define REGION_SECTS 8192u /* 4 MiB: dom0 checks it with awk, slow under TCG */
#define NBLOCKS	     (REGION_SECTS / BLOCK_SECTS)
#define PER_WRITER   (NBLOCKS / WRITERS)
#define KEPT_BLOCK   NBLOCKS	 /* written once, before the first suspend */
#define KEPT_PASS    0x7fffffffu /* a pass no writer reaches */

struct writer {
	pvh_blk_dev_t *d;
	unsigned t;
	volatile uint32_t pass, pos; /* blocks [0, pos) of this pass are on the disk */
	volatile int errors;
	uint64_t longest_ns; /* the slowest write: it spans the suspend */
	pvh_thread_t *th;
};

static struct writer w[WRITERS];
static volatile int stop;
static volatile uint64_t blocks_written, at_last_resume;
static volatile unsigned resumed_new, resumed_cancelled;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sector(uint8_t *p, uint32_t s, uint32_t pass)
{
	uint32_t v = (uint32_t)(((uint64_t)s * 2654435761u + (uint64_t)pass * 40503u + 12345u) %
				2147483648u);
	char line[40];

	pvh_snprintf(line, sizeof(line), "PVHKIT-SUS %010u P%08x\n", s, v);
	for (int i = 0; i < 16; i++)
		memcpy(p + i * 32, line, 32);
}

static void block(uint8_t *buf, uint32_t b, uint32_t pass)
{
	for (uint32_t i = 0; i < BLOCK_SECTS; i++)
		sector(buf + i * 512, b * BLOCK_SECTS + i, pass);
}

static void *writer(void *arg)
{
	struct writer *me = arg;
	uint8_t *buf = malloc(BLOCK_SECTS * 512);

	while (!stop && buf) {
		uint32_t b = me->t + WRITERS * me->pos;
		block(buf, b, me->pass);
		uint64_t t0 = now_ns();
		int e =
		    pvh_blk_write(me->d, (uint64_t)b * BLOCK_SECTS * 512, buf, BLOCK_SECTS * 512);
		uint64_t dt = now_ns() - t0;

		if (dt > me->longest_ns)
			me->longest_ns = dt;
		if (e) {
			me->errors++;
			pvh_tap_diag("writer %u: block %u pass %u: %d", me->t, b, me->pass, e);
			break;
		}
		__atomic_add_fetch(&blocks_written, 1, __ATOMIC_RELAXED);
		if (++me->pos == PER_WRITER) {
			me->pos = 0;
			me->pass++;
		}
	}
	free(buf);
	return NULL;
}

static void on_resume(int new_domain, void *arg)
{
	char v[32];
	(void)arg;

	if (new_domain)
		resumed_new++;
	else
		resumed_cancelled++;
	at_last_resume = blocks_written;
	pvh_snprintf(v, sizeof(v), "%u %u", resumed_new, resumed_cancelled);
	pvh_xenstore_write(NULL, "data/suspend/count", v);
}

static int wait_key(const char *key, char *v, size_t cap, int seconds)
{
	for (int i = 0; i < seconds * 10; i++) {
		if (pvh_xenstore_read(NULL, key, v, cap) >= 0)
			return 0;
		pvh_sleep_ns(100000000);
	}
	return -1;
}

/* The pass block j of writer t last got: the current one below its position, else the one before. */
static uint32_t final_pass(unsigned t, uint32_t j)
{
	return j < w[t].pos ? w[t].pass : w[t].pass - 1;
}

/* Reads the region back; the number of sectors that differ from what the writers left. */
static unsigned verify(pvh_blk_dev_t *d)
{
	uint8_t *got = malloc(BLOCK_SECTS * 512), *want = malloc(BLOCK_SECTS * 512);
	unsigned bad = 0;

	for (uint32_t b = 0; b < NBLOCKS && got && want; b++) {
		block(want, b, final_pass(b % WRITERS, b / WRITERS));
		if (pvh_blk_read(d, (uint64_t)b * BLOCK_SECTS * 512, got, BLOCK_SECTS * 512)) {
			bad += BLOCK_SECTS;
			continue;
		}
		for (uint32_t i = 0; i < BLOCK_SECTS; i++)
			bad += memcmp(got + i * 512, want + i * 512, 512) != 0;
	}
	free(got);
	free(want);
	return bad;
}

/* Writes (write = 1) or checks the block written once; 0 when written / found as written. */
static int kept_block(pvh_blk_dev_t *d, int write)
{
	uint8_t *want = malloc(BLOCK_SECTS * 512), *got = malloc(BLOCK_SECTS * 512);
	uint64_t at = (uint64_t)KEPT_BLOCK * BLOCK_SECTS * 512;
	int r = -1;

	if (want && got) {
		block(want, KEPT_BLOCK, KEPT_PASS);
		if (write)
			r = pvh_blk_write(d, at, want, BLOCK_SECTS * 512) || pvh_blk_flush(d);
		else
			r = pvh_blk_read(d, at, got, BLOCK_SECTS * 512) ||
			    memcmp(got, want, BLOCK_SECTS * 512);
	}
	free(want);
	free(got);
	return r ? -1 : 0;
}

static int start_writers(pvh_blk_dev_t *d)
{
	for (unsigned t = 0; t < WRITERS; t++) {
		w[t] = (struct writer){ .d = d, .t = t };
		w[t].th = pvh_thread_create("blk-writer", writer, &w[t], 64 * 1024);
		if (!w[t].th)
			return -1;
	}
	return 0;
}

int blk_mode_suspend(const char *mode, int n)
{
	char v[96];
	pvh_blk_dev_t *d = pvh_blk_open("xvda");
	struct pvh_blk_info in;

	if (!pvh_tap_ok(d && pvh_blk_info(d, &in) == 0 && in.sector_size == 512 &&
			    in.size >= (REGION_SECTS + BLOCK_SECTS) * 512ull,
			"xvda: at least 4 MiB + 64 KiB of 512-byte sectors"))
		return pvh_tap_result("blk-suspend");
	if (!pvh_tap_ok(kept_block(d, 1) == 0, "a block written once, before any suspend"))
		return pvh_tap_result("blk-suspend");
	pvh_on_resume(on_resume, NULL);
	pvh_snprintf(v, sizeof(v), "%s %d", mode, n);
	pvh_xenstore_write(NULL, "data/suspend/plan", v);
	if (!pvh_tap_ok(start_writers(d) == 0, "%u writers started", WRITERS))
		return pvh_tap_result("blk-suspend");
	while (blocks_written < NBLOCKS && !w[0].errors)
		pvh_sleep_ns(10000000);
	pvh_tap_ok(1, "the first pass is on the disk (%lu blocks)", (unsigned long)blocks_written);
	pvh_xenstore_write(NULL, "data/suspend/ready", "1");
	pvh_tap_ok(wait_key("data/suspend/done", v, sizeof(v), 600) == 0, "dom0 is done");
	/* writes go on after the last resume: a good part of a pass */
	uint64_t t0 = now_ns();
	while (blocks_written < at_last_resume + NBLOCKS / 2 && now_ns() - t0 < 60000000000ull)
		pvh_sleep_ns(10000000);
	pvh_tap_ok(blocks_written >= at_last_resume + NBLOCKS / 2,
		   "writes went on after the last resume (%lu blocks since)",
		   (unsigned long)(blocks_written - at_last_resume));
	stop = 1;
	uint64_t longest = 0;
	int errors = 0;
	for (unsigned t = 0; t < WRITERS; t++) {
		pvh_thread_join(w[t].th, NULL);
		errors += w[t].errors;
		if (w[t].longest_ns > longest)
			longest = w[t].longest_ns;
	}
	pvh_tap_ok(errors == 0, "no write failed (%d errors)", errors);
	pvh_tap_ok(resumed_new + resumed_cancelled == (unsigned)n + !strcmp(mode, "cancel"),
		   "resumed %u times in a new domain, %u cancelled", resumed_new,
		   resumed_cancelled);
	pvh_tap_ok(pvh_blk_flush(d) == 0, "flush");
	unsigned bad = verify(d);
	pvh_tap_ok(bad == 0,
		   "the guest reads %u sectors back byte-exact (%u differ); "
		   "%lu blocks written, the slowest write took %lu ms",
		   REGION_SECTS, bad, (unsigned long)blocks_written,
		   (unsigned long)(longest / 1000000));
	pvh_tap_ok(kept_block(d, 0) == 0,
		   "the block written before the first suspend is still there");
	struct pvh_blk_stats st;
	if (pvh_blk_stats(d, &st) == 0)
		pvh_tap_diag("xvda: %lu requests, %lu ring requests, %lu errors, %lu grants busy",
			     (unsigned long)st.requests, (unsigned long)st.ring_requests,
			     (unsigned long)st.errors, (unsigned long)st.grants_busy);
	pvh_snprintf(v, sizeof(v), "%u %u %u %u %u %u %u %u", w[0].pass, w[0].pos, w[1].pass,
		     w[1].pos, w[2].pass, w[2].pos, w[3].pass, w[3].pos);
	pvh_xenstore_write(NULL, "data/blk/final", v);
	int got = wait_key("data/blk/dom0-checked", v, sizeof(v), 300);
	pvh_tap_ok(got == 0 && !strcmp(v, "ok"), "dom0 finds the disk byte-exact (%s)",
		   got ? "no answer" : v);
	return pvh_tap_result("blk-suspend");
}
