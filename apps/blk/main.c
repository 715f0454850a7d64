/*
 * blk: the block frontend's self-test and benchmark on Xen virtual disks (TAP + RESULT).
 *   (no argument) | selftest   every disk: ranges, random-pattern blocks across the whole disk with
 *                              seeds and checksums, unaligned and multi-segment requests, the last
 *                              sector, flush, discard, 8 threads at once, 32 requests in flight
 *   ro                         xvda is read-only: writes and discards -EROFS, reads work
 *   pattern                    writes sectors dom0 checks byte for byte (tests/xen/blk-check-pattern)
 *                              and verifies sectors dom0 wrote (tests/xen/blk-dom0-pattern)
 *   detach                     I/O running while dom0 detaches xvda, then attaches it back as xvdc
 *   suspend MODE N             writers across 4 MiB while dom0 saves/restores (save), checkpoints
 *                              (cancel) or migrates (migrate) N times; verified byte-exact by the
 *                              guest and dom0 (suspend.c, tests/xen/blk-suspend)
 *   bench                      sequential MB/s, 4 KiB random IOPS at queue depth 1 and 32; then
 *                              1 GiB written and read between BENCH-MARK lines, for the guest CPU
 *                              per MiB that dom0 measures (tests/xen/bench-marks)
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pvhkit/blk.h>
#include <pvhkit/kernel.h>
#include <pvhkit/result.h>
#include <pvhkit/thread.h>
#include <pvhkit/xenstore.h>
#include "suspend.h"

#define KiB   1024u
#define MiB   (1024u * 1024u)
#define BLOCK (64 * KiB)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}
static uint64_t rnd(void)
{
	return xorshift(&rng_state);
}

/* A block's content: a header (magic, seed, index) then xorshift output from the seed. */
static void fill(uint8_t *p, size_t len, uint64_t seed, uint64_t index)
{
	uint64_t s = seed ^ (index * 0x9e3779b97f4a7c15ull) ^ 1;
	uint64_t hdr[3] = { 0x4b4c42544b485650ull /* "PVHKTBLK" */, seed, index };

	for (size_t i = 0; i < len; i += 8) {
		uint64_t v = xorshift(&s);
		memcpy(p + i, &v, len - i < 8 ? len - i : 8);
	}
	memcpy(p, hdr, len < sizeof(hdr) ? len : sizeof(hdr));
}

static uint64_t checksum(const uint8_t *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

/* ---- asynchronous helpers ---- */

struct batch {
	pvh_mutex_t m;
	volatile int outstanding, errors, last_err;
};

static void batch_done(struct pvh_blk_req *r, int status)
{
	struct batch *b = r->arg;

	if (status) {
		__atomic_add_fetch(&b->errors, 1, __ATOMIC_RELAXED);
		b->last_err = status;
	}
	__atomic_sub_fetch(&b->outstanding, 1, __ATOMIC_RELEASE);
}

static void batch_wait(struct batch *b)
{
	while (__atomic_load_n(&b->outstanding, __ATOMIC_ACQUIRE))
		pvh_sleep_ns(100000);
}

/* ---- self-test ---- */

static void test_ranges(pvh_blk_dev_t *d, const struct pvh_blk_info *in)
{
	uint8_t *buf = malloc(2 * in->sector_size);
	uint32_t ss = in->sector_size;

	pvh_tap_ok(pvh_blk_read(d, in->size, buf, ss) == -EINVAL, "%s: read at the end: -EINVAL",
		   in->name);
	pvh_tap_ok(pvh_blk_read(d, in->size - ss, buf, 2 * ss) == -EINVAL,
		   "%s: read across the end: -EINVAL", in->name);
	pvh_tap_ok(pvh_blk_read(d, ss / 2, buf, ss) == -EINVAL,
		   "%s: offset not sector-aligned: -EINVAL", in->name);
	pvh_tap_ok(pvh_blk_read(d, 0, buf, ss / 2) == -EINVAL,
		   "%s: length not a sector multiple: -EINVAL", in->name);
	pvh_tap_ok(pvh_blk_read(d, 0, buf, 0) == -EINVAL, "%s: empty read: -EINVAL", in->name);
	pvh_tap_ok(pvh_blk_read(d, UINT64_MAX - ss + 1, buf, ss) == -EINVAL,
		   "%s: offset near 2^64: -EINVAL (no wrap)", in->name);
	free(buf);
}

/*
 * Random-pattern blocks spread across the whole disk (the first and last included), written
 * with many requests in flight, then read back: each block's checksum and its regenerated
 * content from the seed in its header must match.
 */
static void test_pattern_blocks(pvh_blk_dev_t *d, const struct pvh_blk_info *in, unsigned nblocks)
{
	uint64_t grid = in->size / BLOCK;
	if (grid < nblocks)
		nblocks = (unsigned)grid;
	uint64_t *pos = malloc(nblocks * sizeof(*pos)), *seed = malloc(nblocks * sizeof(*seed));
	uint64_t *sum = malloc(nblocks * sizeof(*sum));
	uint8_t *bufs = malloc((size_t)nblocks * BLOCK);
	struct pvh_blk_req *rq = calloc(nblocks, sizeof(*rq));
	struct batch b = { PVH_MUTEX_INIT, 0, 0, 0 };

	/* evenly spaced slots with random jitter inside each: covers the whole disk */
	for (unsigned i = 0; i < nblocks; i++) {
		uint64_t span = grid / nblocks, g = i * span + (span > 1 ? rnd() % span : 0);
		if (i == 0)
			g = 0;
		if (i == nblocks - 1)
			g = grid - 1;
		pos[i] = g * BLOCK;
		seed[i] = rnd();
		fill(bufs + (size_t)i * BLOCK, BLOCK, seed[i], pos[i] / BLOCK);
		sum[i] = checksum(bufs + (size_t)i * BLOCK, BLOCK);
	}
	uint64_t t0 = now_ns();
	b.outstanding = (int)nblocks;
	int refused = 0;
	for (unsigned i = 0; i < nblocks; i++) {
		rq[i] = (struct pvh_blk_req){ .op = PVH_BLK_WRITE,
					      .offset = pos[i],
					      .len = BLOCK,
					      .buf = bufs + (size_t)i * BLOCK,
					      .done = batch_done,
					      .arg = &b };
		if (pvh_blk_submit(d, &rq[i])) {
			refused++;
			__atomic_sub_fetch(&b.outstanding, 1, __ATOMIC_RELEASE);
		}
	}
	batch_wait(&b);
	uint64_t t1 = now_ns();
	pvh_tap_ok(!refused && !b.errors,
		   "%s: %u random-pattern 64 KiB blocks written across the disk "
		   "(all in flight at once; %lu ms; errors %d)",
		   in->name, nblocks, (unsigned long)((t1 - t0) / 1000000), b.errors);
	pvh_tap_ok(pvh_blk_flush(d) == 0, "%s: flush after the writes", in->name);

	memset(bufs, 0xa5, (size_t)nblocks * BLOCK);
	b.outstanding = (int)nblocks;
	b.errors = 0;
	for (unsigned i = 0; i < nblocks; i++) {
		rq[i].op = PVH_BLK_READ;
		if (pvh_blk_submit(d, &rq[i]))
			__atomic_sub_fetch(&b.outstanding, 1, __ATOMIC_RELEASE);
	}
	batch_wait(&b);
	unsigned bad = 0, first_bad = 0;
	uint8_t *ref = malloc(BLOCK);
	for (unsigned i = 0; i < nblocks; i++) {
		const uint8_t *p = bufs + (size_t)i * BLOCK;
		uint64_t hdr[3];
		memcpy(hdr, p, sizeof(hdr));
		fill(ref, BLOCK, hdr[1], hdr[2]);
		if (checksum(p, BLOCK) != sum[i] || hdr[1] != seed[i] || hdr[2] != pos[i] / BLOCK ||
		    memcmp(ref, p, BLOCK)) {
			if (!bad++)
				first_bad = i;
		}
	}
	pvh_tap_ok(!b.errors && !bad,
		   "%s: read back and verified: checksums, seeds and content (%u bad%s)", in->name,
		   bad, bad ? ", first at block" : "");
	if (bad)
		pvh_tap_diag("first bad block %u at offset %lu", first_bad,
			     (unsigned long)pos[first_bad]);
	free(ref);
	free(pos);
	free(seed);
	free(sum);
	free(bufs);
	free(rq);
}

/* Buffers at odd addresses, odd sector offsets, requests far larger than one ring request. */
static void test_unaligned(pvh_blk_dev_t *d, const struct pvh_blk_info *in)
{
	uint32_t ss = in->sector_size;
	size_t len = (size_t)ss * 123, big = MiB + ss;
	uint8_t *w = malloc(big + 64), *r = malloc(big + 64);
	uint64_t off = (uint64_t)ss * 77;

	if (off + big > in->size) {
		pvh_tap_skip("unaligned", "disk too small");
		return;
	}
	fill(w + 1, len, 42, 1);
	int e1 = pvh_blk_write(d, off, w + 1, len);
	memset(r, 0, big + 64);
	int e2 = pvh_blk_read(d, off, r + 511, len);
	pvh_tap_ok(!e1 && !e2 && !memcmp(w + 1, r + 511, len),
		   "%s: %zu bytes at sector-offset 77 from buffer+1, read into buffer+511 (%d %d)",
		   in->name, len, e1, e2);
	fill(w + 3, big, 43, 2);
	e1 = pvh_blk_write(d, off, w + 3, big);
	memset(r, 0, big + 64);
	e2 = pvh_blk_read(d, off, r + 5, big);
	pvh_tap_ok(!e1 && !e2 && !memcmp(w + 3, r + 5, big),
		   "%s: one 1 MiB + 1 sector request (split over several ring requests) (%d %d)",
		   in->name, e1, e2);
	/* the very last sector, alone */
	fill(w, ss, 44, 3);
	e1 = pvh_blk_write(d, in->size - ss, w, ss);
	memset(r, 0, ss);
	e2 = pvh_blk_read(d, in->size - ss, r, ss);
	pvh_tap_ok(!e1 && !e2 && !memcmp(w, r, ss), "%s: the last sector (offset %lu) (%d %d)",
		   in->name, (unsigned long)(in->size - ss), e1, e2);
	free(w);
	free(r);
}

static void test_discard(pvh_blk_dev_t *d, const struct pvh_blk_info *in)
{
	if (!in->discard) {
		pvh_tap_ok(pvh_blk_discard(d, 0, in->sector_size) == -ENOSYS,
			   "%s: discard not offered: -ENOSYS", in->name);
		return;
	}
	uint64_t g = in->discard_granularity ? in->discard_granularity : in->sector_size;
	uint64_t off = (in->size / 2) / g * g;
	int e = pvh_blk_discard(d, off, (size_t)g * 4);
	pvh_tap_ok(e == 0, "%s: discard of 4 x %lu bytes (%d)", in->name, (unsigned long)g, e);
}

struct worker_arg {
	pvh_blk_dev_t *d;
	uint64_t base;
	int id, errors;
};

static void *io_worker(void *p)
{
	struct worker_arg *a = p;
	size_t len = 128 * KiB;
	uint8_t *w = malloc(len), *r = malloc(len);

	for (int round = 0; round < 10; round++) {
		fill(w, len, (uint64_t)a->id << 8 | (uint64_t)round, a->base);
		if (pvh_blk_write(a->d, a->base, w, len) || pvh_blk_read(a->d, a->base, r, len) ||
		    memcmp(w, r, len))
			a->errors++;
	}
	free(w);
	free(r);
	return NULL;
}

static void test_threads(pvh_blk_dev_t *d, const struct pvh_blk_info *in)
{
	enum { N = 8 };
	struct worker_arg a[N];
	pvh_thread_t *t[N];
	int errors = 0;

	if (in->size < 16 * MiB) {
		pvh_tap_skip("threads", "disk too small");
		return;
	}
	for (int i = 0; i < N; i++) {
		a[i] = (struct worker_arg){ d, 8 * MiB + (uint64_t)i * 256 * KiB, i, 0 };
		t[i] = pvh_thread_create("blkio", io_worker, &a[i], 0);
	}
	for (int i = 0; i < N; i++) {
		if (t[i])
			pvh_thread_join(t[i], NULL);
		errors += a[i].errors + !t[i];
	}
	pvh_tap_ok(errors == 0,
		   "%s: 8 threads x 10 rounds of 128 KiB write+read+compare at once (%d bad)",
		   in->name, errors);
}

static void test_qd32(pvh_blk_dev_t *d, const struct pvh_blk_info *in)
{
	enum { QD = 32 };
	struct pvh_blk_req rq[QD];
	struct batch b = { PVH_MUTEX_INIT, QD, 0, 0 };
	uint8_t *buf = malloc(QD * 4 * KiB);
	uint32_t io = in->sector_size > 4 * KiB ? in->sector_size : 4 * KiB;

	for (int i = 0; i < QD; i++) {
		rq[i] = (struct pvh_blk_req){ .op = PVH_BLK_READ,
					      .offset = (rnd() % (in->size / io)) * io,
					      .len = 4 * KiB,
					      .buf = buf + i * 4 * KiB,
					      .done = batch_done,
					      .arg = &b };
		if (pvh_blk_submit(d, &rq[i]))
			__atomic_sub_fetch(&b.outstanding, 1, __ATOMIC_RELEASE), b.errors++;
	}
	batch_wait(&b);
	pvh_tap_ok(b.errors == 0, "%s: 32 random 4 KiB reads in flight at once, 32 callbacks",
		   in->name);
	free(buf);
}

static void report(pvh_blk_dev_t *d, const struct pvh_blk_info *in)
{
	struct pvh_blk_stats st;

	pvh_blk_stats(d, &st);
	pvh_tap_diag(
	    "%s: %lu requests, %lu ring requests (%lu indirect), %lu completions, %lu errors, "
	    "%lu notifies, %lu interrupts, %lu MiB read, %lu MiB written",
	    in->name, (unsigned long)st.requests, (unsigned long)st.ring_requests,
	    (unsigned long)st.indirect_requests, (unsigned long)st.completions,
	    (unsigned long)st.errors, (unsigned long)st.notifies, (unsigned long)st.interrupts,
	    (unsigned long)(st.bytes_read >> 20), (unsigned long)(st.bytes_written >> 20));
	pvh_tap_ok(
	    !st.bad_id && !st.dup_rsp && !st.wrong_op && !st.bad_status && !st.bad_rsp_prod &&
		!st.grants_busy,
	    "%s: no bad responses from blkback, no grant left busy (%lu %lu %lu %lu %lu %lu)",
	    in->name, (unsigned long)st.bad_id, (unsigned long)st.dup_rsp,
	    (unsigned long)st.wrong_op, (unsigned long)st.bad_status,
	    (unsigned long)st.bad_rsp_prod, (unsigned long)st.grants_busy);
}

static void print_info(const struct pvh_blk_info *in)
{
	pvh_tap_diag("%s (vdev %u): %lu bytes, sector %u (physical %u)%s%s%s%s, %s grants, %u "
		     "segments/request, ring %u pages (%u entries), %u in flight",
		     in->name, in->vdev, (unsigned long)in->size, in->sector_size,
		     in->physical_sector_size, in->read_only ? ", read-only" : "",
		     in->flush ? ", flush" : "", in->barrier ? ", barrier" : "",
		     in->discard ? ", discard" : "", in->persistent ? "persistent" : "per-request",
		     in->max_segments, in->ring_pages, in->ring_entries, in->max_inflight);
}

static int mode_selftest(int expect)
{
	int n = pvh_blk_init();

	pvh_tap_ok(expect < 0 ? n > 0 : n == expect, "%d disk(s) connected", n);
	for (int i = 0; i < n; i++) {
		pvh_blk_dev_t *d = pvh_blk_open_index((unsigned)i);
		struct pvh_blk_info in;

		if (!pvh_tap_ok(d && pvh_blk_info(d, &in) == 0 && in.connected, "open disk %d", i))
			continue;
		print_info(&in);
		pvh_tap_ok(pvh_blk_open(in.name) == d, "open %s by name", in.name);
		char num[16];
		pvh_snprintf(num, sizeof(num), "%u", in.vdev);
		pvh_tap_ok(pvh_blk_open(num) == d, "open %s by number %s", in.name, num);
		if (in.read_only) {
			pvh_tap_skip("read-write tests", "read-only disk");
			continue;
		}
		test_ranges(d, &in);
		test_pattern_blocks(d, &in, 128);
		test_unaligned(d, &in);
		test_discard(d, &in);
		test_threads(d, &in);
		test_qd32(d, &in);
		report(d, &in);
	}
	pvh_tap_ok(pvh_blk_open("xvdz") == NULL, "no such disk: NULL");
	return pvh_tap_result("blk");
}

static int mode_ro(void)
{
	pvh_blk_dev_t *d = pvh_blk_open("xvda");
	struct pvh_blk_info in;

	if (!pvh_tap_ok(d && pvh_blk_info(d, &in) == 0, "open xvda"))
		return pvh_tap_result("blk-ro");
	print_info(&in);
	uint8_t *buf = malloc(64 * KiB);
	pvh_tap_ok(in.read_only, "xvda reports read-only");
	pvh_tap_ok(pvh_blk_write(d, 0, buf, in.sector_size) == -EROFS, "write: -EROFS");
	pvh_tap_ok(pvh_blk_discard(d, 0, in.sector_size) == -EROFS, "discard: -EROFS");
	int e = pvh_blk_read(d, 0, buf, 64 * KiB);
	pvh_tap_ok(e == 0 && !memcmp(buf, "PVHKIT-RO-DISK", 14),
		   "read of sector 0 works (%d, '%.14s')", e, (char *)buf);
	e = pvh_blk_read(d, in.size - in.sector_size, buf, in.sector_size);
	pvh_tap_ok(e == 0, "read of the last sector works (%d)", e);
	e = pvh_blk_flush(d);
	pvh_tap_ok(e == -EROFS, "flush on a read-only disk: -EROFS (%d)", e);
	report(d, &in);
	free(buf);
	return pvh_tap_result("blk-ro");
}

/* ---- byte-exact patterns shared with dom0's scripts ---- */

#define GUEST_FIRST 2051u /* 512-byte sectors, odd on purpose */
#define GUEST_COUNT 300u
#define DOM0_FIRST  8192u
#define DOM0_COUNT  40u
#define D	    "data/blk"

static void pattern_sector(uint8_t *p, uint64_t s, const char *who)
{
	char line[40];

	for (int i = 0; i < 16; i++) {
		pvh_snprintf(line, sizeof(line), "PVHKIT-BLK %010lu %s\n", (unsigned long)s, who);
		memcpy(p + i * 32, line, 32);
	}
}

static int wait_key(const char *key, int seconds)
{
	char v[16];

	for (int i = 0; i < seconds * 10; i++) {
		if (pvh_xenstore_read(NULL, key, v, sizeof(v)) >= 0)
			return 0;
		pvh_sleep_ns(100000000);
	}
	return -1;
}

static int mode_pattern(void)
{
	pvh_blk_dev_t *d = pvh_blk_open("xvda");
	struct pvh_blk_info in;

	if (!pvh_tap_ok(d && pvh_blk_info(d, &in) == 0, "open xvda"))
		return pvh_tap_result("blk-pattern");
	print_info(&in);
	size_t len = GUEST_COUNT * 512;
	uint8_t *buf = malloc(len + 8);
	for (unsigned i = 0; i < GUEST_COUNT; i++)
		pattern_sector(buf + 3 + i * 512, GUEST_FIRST + i, "GUEST-WRT");
	int e = in.sector_size == 512 ? pvh_blk_write(d, (uint64_t)GUEST_FIRST * 512, buf + 3, len)
				      : -EINVAL;
	pvh_tap_ok(e == 0, "wrote %u pattern sectors at sector %u from an odd address (%d)",
		   GUEST_COUNT, GUEST_FIRST, e);
	uint64_t last = in.size / 512 - 1;
	pattern_sector(buf, last, "GUEST-WRT");
	e = pvh_blk_write(d, last * 512, buf, 512);
	pvh_tap_ok(e == 0, "wrote the pattern into the last sector %lu (%d)", (unsigned long)last,
		   e);
	pvh_tap_ok(pvh_blk_flush(d) == 0, "flush");

	pvh_xenstore_write(NULL, D "/ready", "1");
	pvh_tap_ok(wait_key(D "/dom0-wrote", 60) == 0, "dom0 wrote its pattern");
	uint8_t *r = malloc(DOM0_COUNT * 512 + 16), *want = malloc(512);
	e = pvh_blk_read(d, (uint64_t)DOM0_FIRST * 512, r + 7, DOM0_COUNT * 512);
	unsigned bad = 0;
	for (unsigned i = 0; i < DOM0_COUNT; i++) {
		pattern_sector(want, DOM0_FIRST + i, "DOM0-WRTE");
		bad += memcmp(r + 7 + i * 512, want, 512) != 0;
	}
	pvh_tap_ok(e == 0 && bad == 0, "dom0's %u sectors at %u read back byte-exact (%d, %u bad)",
		   DOM0_COUNT, DOM0_FIRST, e, bad);
	report(d, &in);
	return pvh_tap_result("blk-pattern");
}

/* ---- detach under I/O, then attach at run time ---- */

static volatile int hp_attached, hp_detached, stop_io;

static void hotplug(pvh_blk_dev_t *d, int attached, void *arg)
{
	(void)d;
	(void)arg;
	if (attached)
		hp_attached++;
	else
		hp_detached++;
}

struct io_arg {
	pvh_blk_dev_t *d;
	int id;
	uint64_t ok, eio, enodev, other;
};

static void *io_loop(void *p)
{
	struct io_arg *a = p;
	uint8_t *buf = malloc(64 * KiB);

	fill(buf, 64 * KiB, 7, (uint64_t)a->id);
	while (!stop_io) {
		int e = (a->ok & 1) ? pvh_blk_read(a->d, (uint64_t)a->id * MiB, buf, 64 * KiB)
				    : pvh_blk_write(a->d, (uint64_t)a->id * MiB, buf, 64 * KiB);
		if (e == 0)
			a->ok++;
		else if (e == -EIO)
			a->eio++;
		else if (e == -ENODEV)
			a->enodev++;
		else
			a->other++;
		if (e == -ENODEV)
			break;
	}
	free(buf);
	return NULL;
}

static int mode_detach(void)
{
	enum { N = 4 };
	pvh_blk_dev_t *d = pvh_blk_open("xvda");
	struct io_arg a[N];
	pvh_thread_t *t[N];

	pvh_blk_set_hotplug_handler(hotplug, NULL);
	if (!pvh_tap_ok(d != NULL, "open xvda"))
		return pvh_tap_result("blk-detach");
	uint8_t *mark = malloc(4096);
	memset(mark, 0, 4096);
	memcpy(mark, "PVHKIT-SURVIVES-DETACH", 22);
	pvh_tap_ok(pvh_blk_write(d, 32 * MiB, mark, 4096) == 0 && pvh_blk_flush(d) == 0,
		   "marker written before the detach");
	for (int i = 0; i < N; i++) {
		a[i] = (struct io_arg){ d, i, 0, 0, 0, 0 };
		t[i] = pvh_thread_create("io", io_loop, &a[i], 0);
	}
	pvh_sleep_ns(500000000ull);
	pvh_xenstore_write(NULL, D "/io-running", "1");
	/* dom0 detaches xvda now; the I/O threads end on -ENODEV */
	struct pvh_blk_info in;
	int gone = 0;
	for (int i = 0; i < 600 && !gone; i++) {
		pvh_sleep_ns(100000000ull);
		gone = pvh_blk_info(d, &in) == 0 && !in.connected;
	}
	pvh_tap_ok(gone, "xvda disconnected by the detach");
	pvh_sleep_ns(200000000ull);
	stop_io = 1;
	uint64_t ok = 0, eio = 0, enodev = 0, other = 0;
	for (int i = 0; i < N; i++) {
		if (t[i])
			pvh_thread_join(t[i], NULL);
		ok += a[i].ok;
		eio += a[i].eio;
		enodev += a[i].enodev;
		other += a[i].other;
	}
	pvh_tap_diag("I/O results: %lu ok, %lu -EIO, %lu -ENODEV, %lu other", (unsigned long)ok,
		     (unsigned long)eio, (unsigned long)enodev, (unsigned long)other);
	pvh_tap_ok(ok > 0 && other == 0 && eio + enodev > 0,
		   "I/O ran, then failed with -EIO/-ENODEV only (no hang, no crash)");
	pvh_tap_ok(hp_detached == 1, "the app was told the disk went away");
	pvh_tap_ok(pvh_blk_write(d, 0, mark, 4096) == -ENODEV, "the old handle answers -ENODEV");
	struct pvh_blk_stats st;
	pvh_blk_stats(d, &st);
	pvh_tap_diag("xvda after detach: %lu failed on close, %lu grants busy",
		     (unsigned long)st.failed_on_close, (unsigned long)st.grants_busy);
	pvh_tap_ok(st.grants_busy == 0, "every grant came back after the backend closed");

	pvh_xenstore_write(NULL, D "/detached", "1");
	pvh_blk_dev_t *c = pvh_blk_wait("xvdc", 60000000000ull);
	pvh_tap_ok(c != NULL, "xvdc attached at run time appeared");
	if (c) {
		uint8_t *r = malloc(4096);
		int e = pvh_blk_read(c, 32 * MiB, r, 4096);
		pvh_tap_ok(
		    e == 0 && !memcmp(r, mark, 4096),
		    "xvdc (the same backing device) holds the marker written through xvda (%d)", e);
		e = pvh_blk_write(c, 0, mark, 4096);
		pvh_tap_ok(e == 0, "write to xvdc (%d)", e);
		pvh_tap_ok(hp_attached >= 1, "the app was told the disk arrived");
		free(r);
	}
	return pvh_tap_result("blk-detach");
}

/* ---- benchmark ---- */

struct qd_state {
	volatile uint64_t done;
	volatile int errors, inflight;
	volatile uint8_t busy[32];
	struct pvh_blk_req rq[32];
};

static void qd_done(struct pvh_blk_req *r, int status)
{
	struct qd_state *q = r->arg;

	if (status)
		q->errors++;
	q->done++;
	__atomic_sub_fetch(&q->inflight, 1, __ATOMIC_RELEASE);
	__atomic_store_n(&q->busy[r - q->rq], 0, __ATOMIC_RELEASE); /* last touch of r */
}

/*
 * Keeps depth requests of len bytes in flight, random offsets in span (or sequential from 0 when
 * seq) until ops requests or ns nanoseconds are done; returns the requests completed per second.
 */
static uint64_t qd_run(pvh_blk_dev_t *d, enum pvh_blk_op op, int depth, size_t len, int seq,
		       uint64_t span, uint64_t ops, uint64_t ns)
{
	static struct qd_state q;
	uint8_t *buf = malloc((size_t)depth * len);
	uint64_t issued = 0, next = 0;

	memset(&q, 0, sizeof(q));
	memset(buf, 0x5a, (size_t)depth * len);
	uint64_t t0 = now_ns(), end = t0 + ns;
	while (issued < ops && now_ns() < end && !q.errors) {
		for (int i = 0; i < depth && issued < ops; i++) {
			if (__atomic_load_n(&q.busy[i], __ATOMIC_ACQUIRE))
				continue;
			uint64_t off = seq ? next : (rnd() % (span / len)) * len;
			next += len;
			q.busy[i] = 1;
			q.rq[i] = (struct pvh_blk_req){ .op = op,
							.offset = off,
							.len = len,
							.buf = buf + (size_t)i * len,
							.done = qd_done,
							.arg = &q };
			__atomic_add_fetch(&q.inflight, 1, __ATOMIC_ACQ_REL);
			issued++;
			if (pvh_blk_submit(d, &q.rq[i])) {
				q.errors++;
				q.busy[i] = 0;
				__atomic_sub_fetch(&q.inflight, 1, __ATOMIC_RELEASE);
			}
		}
		pvh_thread_yield();
	}
	for (int i = 0; i < depth; i++)
		while (__atomic_load_n(&q.busy[i], __ATOMIC_ACQUIRE))
			pvh_thread_yield();
	uint64_t t = now_ns() - t0;
	free(buf);
	if (q.errors)
		return 0;
	return q.done * 1000000000ull / t;
}

/* ---- guest CPU per MiB: 8 threads of synchronous 256 KiB requests, waiting, not polling ---- */

#define CPU_THREADS 8
#define CPU_REQ	    (256 * KiB)

struct cpu_job {
	pvh_blk_dev_t *d;
	int write, index;
	uint64_t span, reqs;
	volatile int errors;
};

static void *cpu_worker(void *arg)
{
	struct cpu_job *j = arg;
	uint8_t *buf = malloc(CPU_REQ);

	if (!buf) {
		j->errors++;
		return NULL;
	}
	memset(buf, 0x5a, CPU_REQ);
	/* request k of this thread: slot k * CPU_THREADS + index of the span, wrapping */
	for (uint64_t k = 0; k < j->reqs; k++) {
		uint64_t off = ((k * CPU_THREADS + (uint64_t)j->index) * CPU_REQ) % j->span;
		int e = j->write ? pvh_blk_write(j->d, off, buf, CPU_REQ)
				 : pvh_blk_read(j->d, off, buf, CPU_REQ);

		if (e)
			j->errors++;
	}
	free(buf);
	return NULL;
}

/*
 * The marks are console lines dom0 reacts to by sampling Xen's vCPU time; the guest sits idle for
 * two seconds after each, so a sample taken late (dom0's console is slow under TCG) still lands
 * between phases. Like the Linux benchmark's, with the same amount and request shape.
 */
static int cpu_phase(pvh_blk_dev_t *d, int write, uint64_t span, uint64_t bytes)
{
	static struct cpu_job job[CPU_THREADS];
	pvh_thread_t *t[CPU_THREADS];
	const char *what = write ? "seq_write" : "seq_read";
	int errors = 0;

	pvh_printf("BENCH-MARK blk.%s.begin\n", what);
	pvh_sleep_ns(2000000000ull);
	for (int i = 0; i < CPU_THREADS; i++) {
		job[i] = (struct cpu_job){ d,
					   write,
					   i,
					   span - span % (CPU_THREADS * CPU_REQ),
					   bytes / CPU_REQ / CPU_THREADS,
					   0 };
		t[i] = pvh_thread_create("blk-cpu", cpu_worker, &job[i], 0);
	}
	for (int i = 0; i < CPU_THREADS; i++) {
		if (t[i])
			pvh_thread_join(t[i], NULL);
		errors += t[i] ? job[i].errors : 1;
	}
	if (write)
		pvh_blk_flush(d);
	pvh_printf("BENCH-MARK blk.%s.end %lu MiB\n", what, (unsigned long)(bytes / MiB));
	pvh_sleep_ns(2000000000ull);
	return errors;
}

static int mode_bench(void)
{
	pvh_blk_dev_t *d = pvh_blk_open("xvda");
	struct pvh_blk_info in;

	if (!pvh_tap_ok(d && pvh_blk_info(d, &in) == 0, "open xvda"))
		return pvh_tap_result("blk-bench");
	print_info(&in);
	uint64_t span = in.size < 256ull * MiB ? in.size : 256ull * MiB, secs = 3000000000ull;
	uint64_t len = span < 64ull * MiB ? span : 64ull * MiB;
	/* each line: BLK-BENCH name value unit */
	/* as tests/xen/blk-linux-bench: 256 KiB requests 8 in flight, the flush after the clock */
	uint64_t n = len / (256 * KiB), forever = UINT64_MAX / 2;
	uint64_t w = qd_run(d, PVH_BLK_WRITE, 8, 256 * KiB, 1, span, n, forever);
	pvh_blk_flush(d);
	uint64_t r = qd_run(d, PVH_BLK_READ, 8, 256 * KiB, 1, span, n, forever);
	pvh_printf("BLK-BENCH blk.seq_write.pvhkit %lu MB/s\n",
		   (unsigned long)(w * 256 * KiB / 1000000));
	pvh_printf("BLK-BENCH blk.seq_read.pvhkit %lu MB/s\n",
		   (unsigned long)(r * 256 * KiB / 1000000));
	pvh_printf("BLK-BENCH blk.randread_qd1.pvhkit %lu IOPS\n",
		   (unsigned long)qd_run(d, PVH_BLK_READ, 1, 4 * KiB, 0, span, forever, secs));
	pvh_printf("BLK-BENCH blk.randread_qd32.pvhkit %lu IOPS\n",
		   (unsigned long)qd_run(d, PVH_BLK_READ, 32, 4 * KiB, 0, span, forever, secs));
	pvh_printf("BLK-BENCH blk.randwrite_qd1.pvhkit %lu IOPS\n",
		   (unsigned long)qd_run(d, PVH_BLK_WRITE, 1, 4 * KiB, 0, span, forever, secs));
	pvh_printf("BLK-BENCH blk.randwrite_qd32.pvhkit %lu IOPS\n",
		   (unsigned long)qd_run(d, PVH_BLK_WRITE, 32, 4 * KiB, 0, span, forever, secs));
	pvh_tap_ok(cpu_phase(d, 1, span, 1024ull * MiB) == 0, "1 GiB written for the CPU measure");
	pvh_tap_ok(cpu_phase(d, 0, span, 1024ull * MiB) == 0, "1 GiB read for the CPU measure");
	report(d, &in);
	return pvh_tap_result("blk-bench");
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "selftest";

	if (!pvh_xenstore_available()) {
		pvh_tap_skip("blk", "no xenstore (not running on Xen)");
		return pvh_tap_result("blk");
	}
	rng_state ^= (uint64_t)now_ns();
	if (!strcmp(mode, "ro"))
		return mode_ro();
	if (!strcmp(mode, "pattern"))
		return mode_pattern();
	if (!strcmp(mode, "detach"))
		return mode_detach();
	if (!strcmp(mode, "bench"))
		return mode_bench();
	if (!strcmp(mode, "suspend"))
		return blk_mode_suspend(argc > 2 ? argv[2] : "save", argc > 3 ? atoi(argv[3]) : 1);
	return mode_selftest(argc > 2 ? atoi(argv[2]) : -1);
}
