/*
 * blk-linux-bench: the same measurements as `apps/blk bench`, run by Linux's blkfront in the rig's
 * self-test guest (tests/xen/blk-bench builds it static and puts it in a ramdisk). O_DIRECT and
 * Linux AIO (raw syscalls, as fio's libaio engine) so queue depth means the same on both sides:
 * sequential 256 KiB requests 8 in flight, random 4 KiB at queue depth 1 and 32 for 3 s each.
 * Prints "BLK-BENCH name value unit" lines like apps/blk. Then 1 GiB written and read between
 * "BENCH-MARK" lines (idle 2 s after each), for the guest CPU per MiB dom0 measures
 * (tests/xen/bench-marks), as apps/blk does.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>

static aio_context_t ctx;
static int fd;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t rs = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

static void prep(struct iocb *cb, int write, void *buf, size_t len, uint64_t off, int i)
{
	memset(cb, 0, sizeof(*cb));
	cb->aio_fildes = (uint32_t)fd;
	cb->aio_lio_opcode = write ? IOCB_CMD_PWRITE : IOCB_CMD_PREAD;
	cb->aio_buf = (uint64_t)(uintptr_t)buf;
	cb->aio_nbytes = len;
	cb->aio_offset = (int64_t)off;
	cb->aio_data = (uint64_t)i;
}

static int submit(struct iocb *cb)
{
	struct iocb *l[1] = { cb };

	return syscall(SYS_io_submit, ctx, 1, l) == 1 ? 0 : -1;
}

/* depth requests of len bytes in flight; next() gives each new request's offset; returns ops */
static uint64_t run(int write, int depth, size_t len, uint64_t (*next)(void), uint64_t limit_ops,
		    uint64_t limit_ns, uint64_t *elapsed)
{
	static struct iocb cb[32];
	static struct io_event ev[32];
	char *buf;
	uint64_t ops = 0, issued = 0, t0 = now_ns();
	int inflight = 0;

	if (posix_memalign((void **)&buf, 4096, (size_t)depth * len))
		exit(1);
	memset(buf, 0x3c, (size_t)depth * len);
	for (int i = 0; i < depth && issued < limit_ops; i++, issued++) {
		prep(&cb[i], write, buf + (size_t)i * len, len, next(), i);
		if (submit(&cb[i]))
			return 0;
		inflight++;
	}
	while (inflight) {
		long n = syscall(SYS_io_getevents, ctx, 1, 32, ev, NULL);
		if (n < 0)
			return 0;
		for (long k = 0; k < n; k++) {
			int i = (int)ev[k].data;
			if (ev[k].res != (int64_t)len)
				return 0;
			ops++;
			inflight--;
			if (issued < limit_ops && now_ns() - t0 < limit_ns) {
				prep(&cb[i], write, buf + (size_t)i * len, len, next(), i);
				if (submit(&cb[i]))
					return 0;
				issued++;
				inflight++;
			}
		}
	}
	*elapsed = now_ns() - t0;
	free(buf);
	return ops;
}

static uint64_t seq_off, span;
static uint64_t next_seq(void)
{
	uint64_t o = seq_off;
	seq_off += 256 * 1024;
	return o;
}
static uint64_t next_wrap(void)
{
	uint64_t o = seq_off % span;
	seq_off += 256 * 1024;
	return o;
}
static void mark(const char *what)
{
	printf("BENCH-MARK %s\n", what);
	fflush(stdout);
	sleep(2);
}
static uint64_t next_rand(void)
{
	return (rnd() % (span / 4096)) * 4096;
}

int main(int argc, char **argv)
{
	const char *dev = argc > 1 ? argv[1] : "/dev/xvda";
	uint64_t size = 0, t;

	fd = open(dev, O_RDWR | O_DIRECT);
	if (fd < 0 || ioctl(fd, BLKGETSIZE64, &size) || syscall(SYS_io_setup, 64, &ctx)) {
		perror(dev);
		return 1;
	}
	span = size < (256ull << 20) ? size : (256ull << 20);
	uint64_t len = span < (64ull << 20) ? span : (64ull << 20), n = len / (256 * 1024);
	seq_off = 0;
	uint64_t ops = run(1, 8, 256 * 1024, next_seq, n, UINT64_MAX, &t);
	fsync(fd);
	printf("BLK-BENCH blk.seq_write.linux %llu MB/s\n",
	       (unsigned long long)(ops ? ops * 256 * 1024 * 1000ull / t : 0));
	seq_off = 0;
	ops = run(0, 8, 256 * 1024, next_seq, n, UINT64_MAX, &t);
	printf("BLK-BENCH blk.seq_read.linux %llu MB/s\n",
	       (unsigned long long)(ops ? ops * 256 * 1024 * 1000ull / t : 0));
	const struct {
		const char *name;
		int write, depth;
	} r[] = {
		{ "randread_qd1", 0, 1 },
		{ "randread_qd32", 0, 32 },
		{ "randwrite_qd1", 1, 1 },
		{ "randwrite_qd32", 1, 32 },
	};
	for (unsigned i = 0; i < 4; i++) {
		ops = run(r[i].write, r[i].depth, 4096, next_rand, UINT64_MAX, 3000000000ull, &t);
		printf("BLK-BENCH blk.%s.linux %llu IOPS\n", r[i].name,
		       (unsigned long long)(ops ? ops * 1000000000ull / t : 0));
	}
	for (int w = 1; w >= 0; w--) {
		mark(w ? "blk.seq_write.begin" : "blk.seq_read.begin");
		seq_off = 0;
		ops = run(w, 8, 256 * 1024, next_wrap, 4096, UINT64_MAX, &t);
		if (w)
			fsync(fd);
		if (ops != 4096)
			return 1;
		mark(w ? "blk.seq_write.end" : "blk.seq_read.end");
	}
	fflush(stdout);
	return 0;
}
