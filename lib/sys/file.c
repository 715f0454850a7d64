/* The C library's files: fds 0-2 are the console, higher fds boot modules opened read-only. */
#include "arch/x86/spinlock.h"
#include "arch/x86/xen.h"
#include "base/string.h"
#include "drivers/console/xencons.h"
#include "kernel/boot.h"
#include "kernel/console.h"
#include "kernel/printk.h"
#include "lib/sys/sys.h"

#define MODULE_PREFIX "/boot/module/"

struct file {
	int used;
	unsigned module;
	uint64_t pos;
};

static struct file files[SYS_FD_MAX];
static spinlock_t files_lock = SPINLOCK_INIT;

static int is_console(int fd)
{
	return fd >= 0 && fd <= 2;
}

long sys_write(int fd, const void *buf, size_t n)
{
	if (fd == 1 || fd == 2) {
		/* the app's output: every sink, whatever the loglevel (as tap.c and pvh_printf) */
		console_write(LOG_INFO, buf, n);
		return (long)n;
	}
	if (fd == 0)
		return -SYS_EBADF; /* stdin is not open for writing */
	if (fd > 2 && fd < SYS_FD_MAX && files[fd].used)
		return -SYS_EBADF; /* modules are read-only */
	return -SYS_EBADF;
}

/* Where module m's bytes are: the loader's memory, identity-mapped as all RAM is. */
static const uint8_t *module_bytes(unsigned m)
{
	return (const uint8_t *)(uintptr_t)boot_info.modules[m].paddr;
}

static int stdin_nonblock;

int sys_nonblock(int fd, int set, int on)
{
	if (!is_console(fd) && (fd < 0 || fd >= SYS_FD_MAX || !files[fd].used))
		return -SYS_EBADF;
	if (fd != 0)
		return 0; /* output and modules never wait */
	if (set)
		stdin_nonblock = on != 0;
	return stdin_nonblock;
}

long sys_read(int fd, void *buf, size_t n)
{
	if (fd == 0) {
		/* only the Xen PV console has an input side; elsewhere nothing can ever arrive */
		if (!xen.hypercalls)
			return 0;
		if (n == 0)
			return 0;
		size_t got = xencons_read(buf, n, !stdin_nonblock);
		return got ? (long)got : stdin_nonblock ? -SYS_EAGAIN : 0;
	}
	if (fd == 1 || fd == 2)
		return -SYS_EBADF;
	if (fd < 0 || fd >= SYS_FD_MAX)
		return -SYS_EBADF;
	unsigned long f = spin_lock_irqsave(&files_lock);
	struct file *fl = &files[fd];
	long r = -SYS_EBADF;

	if (fl->used) {
		uint64_t size = boot_info.modules[fl->module].size;
		uint64_t left = fl->pos < size ? size - fl->pos : 0;

		if (n > left)
			n = left;
		memcpy(buf, module_bytes(fl->module) + fl->pos, n);
		fl->pos += n;
		r = (long)n;
	}
	spin_unlock_irqrestore(&files_lock, f);
	return r;
}

/* "/boot/module/N" (N in decimal, no leading zeros) or a module's own command line. */
static int module_lookup(const char *path)
{
	size_t plen = strlen(MODULE_PREFIX);

	if (!strncmp(path, MODULE_PREFIX, plen) && path[plen]) {
		const char *d = path + plen;
		unsigned long v = 0;

		if (d[0] == '0' && d[1])
			return -SYS_ENOENT;
		for (; *d; d++) {
			if (*d < '0' || *d > '9' || v > 1000)
				return -SYS_ENOENT;
			v = v * 10 + (unsigned long)(*d - '0');
		}
		return v < boot_info.nr_modules ? (int)v : -SYS_ENOENT;
	}
	for (unsigned i = 0; i < boot_info.nr_modules; i++)
		if (boot_info.modules[i].cmdline[0] && !strcmp(path, boot_info.modules[i].cmdline))
			return (int)i;
	return -SYS_ENOENT;
}

int sys_open(const char *path, int writable)
{
	if (!path)
		return -SYS_EFAULT;
	if (!path[0])
		return -SYS_ENOENT;
	if (strnlen(path, 4096) == 4096)
		return -SYS_ENAMETOOLONG;
	int m = module_lookup(path);

	if (m < 0)
		return m;
	if (writable)
		return -SYS_EROFS;
	unsigned long f = spin_lock_irqsave(&files_lock);
	int fd = -SYS_EMFILE;

	for (int i = 3; i < SYS_FD_MAX; i++) {
		if (!files[i].used) {
			files[i] = (struct file){ 1, (unsigned)m, 0 };
			fd = i;
			break;
		}
	}
	spin_unlock_irqrestore(&files_lock, f);
	return fd;
}

int sys_close(int fd)
{
	if (is_console(fd))
		return 0; /* the console stays; closing it only ends this use */
	if (fd < 0 || fd >= SYS_FD_MAX)
		return -SYS_EBADF;
	unsigned long f = spin_lock_irqsave(&files_lock);
	int r = files[fd].used ? 0 : -SYS_EBADF;

	files[fd].used = 0;
	spin_unlock_irqrestore(&files_lock, f);
	return r;
}

int64_t sys_lseek(int fd, int64_t off, int whence)
{
	if (is_console(fd))
		return -SYS_ESPIPE;
	if (fd < 0 || fd >= SYS_FD_MAX)
		return -SYS_EBADF;
	unsigned long f = spin_lock_irqsave(&files_lock);
	struct file *fl = &files[fd];
	int64_t r = -SYS_EBADF;

	if (fl->used) {
		int64_t base = whence == 0   ? 0
			       : whence == 1 ? (int64_t)fl->pos
			       : whence == 2 ? (int64_t)boot_info.modules[fl->module].size
					     : -1;

		if (base < 0)
			r = -SYS_EINVAL;
		else if ((off < 0 && base + off < 0) || (off > 0 && base > INT64_MAX - off))
			r = -SYS_EINVAL;
		else
			r = (int64_t)(fl->pos = (uint64_t)(base + off));
	}
	spin_unlock_irqrestore(&files_lock, f);
	return r;
}

int sys_fstat(int fd, int *kind, uint64_t *size)
{
	if (is_console(fd)) {
		*kind = SYS_FILE_CONSOLE;
		*size = 0;
		return 0;
	}
	if (fd < 0 || fd >= SYS_FD_MAX)
		return -SYS_EBADF;
	unsigned long f = spin_lock_irqsave(&files_lock);
	int r = -SYS_EBADF;

	if (files[fd].used) {
		*kind = SYS_FILE_MODULE;
		*size = boot_info.modules[files[fd].module].size;
		r = 0;
	}
	spin_unlock_irqrestore(&files_lock, f);
	return r;
}

int sys_isatty(int fd)
{
	int kind;
	uint64_t size;
	int r = sys_fstat(fd, &kind, &size);

	if (r)
		return r;
	return kind == SYS_FILE_CONSOLE ? 1 : -SYS_ENOTTY;
}
