/*
 * The POSIX-style hooks newlib and picolibc call (write, sbrk, gettimeofday, _exit, ...), on the
 * kernel services in lib/sys. Compiled against the chosen libc's headers; errno gets that libc's
 * own numbers, translated from the kernel's Linux ones.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>
#include "lib/libc/glue.h"
#include "lib/sys/sys.h"

#ifndef NSIG
#define NSIG _NSIG /* picolibc */
#endif

/* r < 0: sets errno and returns -1 */
static long ret(long r)
{
	if (r < 0) {
		errno = (int)-libc_err(r);
		return -1;
	}
	return r;
}

/* newlib declares read/write returning _READ_WRITE_RETURN_TYPE (int here), picolibc ssize_t */
#ifdef _READ_WRITE_RETURN_TYPE
typedef _READ_WRITE_RETURN_TYPE rw_ret;
#else
typedef ssize_t rw_ret;
#endif

rw_ret write(int fd, const void *buf, size_t n)
{
	return (rw_ret)ret(sys_write(fd, buf, n));
}

rw_ret read(int fd, void *buf, size_t n)
{
	return (rw_ret)ret(sys_read(fd, buf, n));
}

int open(const char *path, int flags, ...)
{
	return (int)ret(
	    sys_open(path, (flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC))));
}

/* F_GETFL/F_SETFL with O_NONBLOCK (it matters for stdin), F_GETFD/F_SETFD (no exec: no flags). */
int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	int r, arg = 0;

	if (cmd == F_SETFL) {
		va_start(ap, cmd);
		arg = va_arg(ap, int);
		va_end(ap);
	}
	switch (cmd) {
	case F_GETFL:
		if ((r = sys_nonblock(fd, 0, 0)) < 0)
			return (int)ret(r);
		return (fd == 1 || fd == 2 ? O_WRONLY : O_RDONLY) | (r ? O_NONBLOCK : 0);
	case F_SETFL:
		return (int)ret(sys_nonblock(fd, 1, (arg & O_NONBLOCK) != 0) < 0 ? -SYS_EBADF : 0);
	case F_GETFD:
	case F_SETFD:
		return (int)ret(sys_nonblock(fd, 0, 0) < 0 ? -SYS_EBADF : 0);
	default:
		return (int)ret(-SYS_EINVAL);
	}
}

int close(int fd)
{
	return (int)ret(sys_close(fd));
}

off_t lseek(int fd, off_t off, int whence)
{
	if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END)
		return (off_t)ret(-SYS_EINVAL);
	return (off_t)ret(sys_lseek(fd, off, whence == SEEK_SET ? 0 : whence == SEEK_CUR ? 1 : 2));
}

int fstat(int fd, struct stat *st)
{
	int kind;
	uint64_t size;
	int r = sys_fstat(fd, &kind, &size);

	if (r)
		return (int)ret(r);
	*st = (struct stat){ 0 };
	st->st_mode = kind == SYS_FILE_CONSOLE ? S_IFCHR | 0620 : S_IFREG | 0444;
	st->st_size = (off_t)size;
	st->st_nlink = 1;
	st->st_blksize = 4096;
	st->st_ino = (ino_t)fd;
	return 0;
}

int stat(const char *path, struct stat *st)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	int r = fstat(fd, st);
	close(fd);
	return r;
}

int isatty(int fd)
{
	long r = sys_isatty(fd);

	if (r < 0) {
		errno = (int)-libc_err(r);
		return 0;
	}
	return 1;
}

void *sbrk(ptrdiff_t incr)
{
	int err = 0;
	void *p = sys_sbrk(incr, &err);

	if (!p) {
		errno = (int)-libc_err(err);
		return (void *)-1;
	}
	return p;
}

pid_t getpid(void)
{
	return 1; /* the only process */
}

int kill(pid_t pid, int sig)
{
	/* ourselves: our pid, our process group (0), or everyone we may signal (-1) */
	if (pid != 1 && pid != 0 && pid != -1)
		return (int)ret(-SYS_ESRCH);
	if (sig < 0 || sig >= NSIG)
		return (int)ret(-SYS_EINVAL);
	if (sig == 0)
		return 0;
	if (sig == SIGABRT)
		sys_crash("abort");
	sys_killed(sig);
}

void _exit(int status)
{
	sys_exit(status);
}

/* abort() is a crash the toolstack sees as one, not an exit status */
void abort(void)
{
	static const char msg[] = "abort() called\n";

	write(2, msg, sizeof(msg) - 1);
	sys_crash("abort");
}

int gettimeofday(struct timeval *tv, void *tz)
{
	uint64_t ns;
	int r = sys_time_wall(&ns);

	(void)tz;
	if (r)
		return (int)ret(r);
	if (tv) {
		tv->tv_sec = (time_t)(ns / 1000000000u);
		tv->tv_usec = (suseconds_t)(ns % 1000000000u / 1000u);
	}
	return 0;
}

int clock_gettime(clockid_t clk, struct timespec *ts)
{
	uint64_t ns;
	int r;

	if (clk == CLOCK_REALTIME)
		r = sys_time_wall(&ns);
	else if (clk == CLOCK_MONOTONIC)
		r = sys_time_mono(&ns);
	else
		r = -SYS_EINVAL;
	if (r)
		return (int)ret(r);
	ts->tv_sec = (time_t)(ns / 1000000000u);
	ts->tv_nsec = (long)(ns % 1000000000u);
	return 0;
}

int clock_getres(clockid_t clk, struct timespec *res)
{
	if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC)
		return (int)ret(-SYS_EINVAL);
	if (res)
		*res = (struct timespec){ 0, 1 };
	return 0;
}

/* CPU time: the system's since boot (one process, no accounting of its own) */
clock_t times(struct tms *t)
{
	uint64_t ns;

	if (sys_time_mono(&ns))
		ns = 0;
	clock_t c = (clock_t)(ns / (1000000000u / CLOCKS_PER_SEC));

	if (t)
		*t = (struct tms){ c, 0, 0, 0 };
	return c;
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	if (!req || req->tv_nsec < 0 || req->tv_nsec >= 1000000000 || req->tv_sec < 0)
		return (int)ret(-SYS_EINVAL);
	int r = sys_sleep_ns((uint64_t)req->tv_sec * 1000000000u + (uint64_t)req->tv_nsec);

	if (r)
		return (int)ret(r);
	if (rem)
		*rem = (struct timespec){ 0, 0 };
	return 0;
}

int usleep(useconds_t us)
{
	return (int)ret(sys_sleep_ns((uint64_t)us * 1000u));
}

unsigned sleep(unsigned s)
{
	return sys_sleep_ns((uint64_t)s * 1000000000u) ? s : 0;
}

/* kernel_main calls main; linking with --wrap=main routes that call here, so the libc starts first
   and ends through exit() (atexit handlers, stdio flushed) */
int __real_main(int argc, char **argv);
int __wrap_main(int argc, char **argv);

void __libc_init_array(void);

int __wrap_main(int argc, char **argv)
{
	libc_init();
	/* constructors (.preinit_array, .init_array) may already use stdio and malloc */
	__libc_init_array();
	exit(__real_main(argc, argv));
}
