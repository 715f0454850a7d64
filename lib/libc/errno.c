/* The one table from the kernel's error numbers (Linux's) to this libc's, used at every boundary. */
#include <errno.h>
#include "lib/sys/sys.h"

/*
 * Compiled once per libc against its own <errno.h>: newlib and picolibc number many errors unlike
 * Linux (ENOSYS 88, ETIMEDOUT 116, ...), so passing the kernel's numbers through would make an
 * app's `r == -ETIMEDOUT` silently wrong. An error the libc does not name becomes -EIO.
 */
static const struct {
	short sys, libc;
} table[] = {
	{ SYS_EPERM, EPERM },	      { SYS_ENOENT, ENOENT },
	{ SYS_ESRCH, ESRCH },	      { SYS_EIO, EIO },
	{ SYS_E2BIG, E2BIG },	      { SYS_EBADF, EBADF },
	{ SYS_EAGAIN, EAGAIN },	      { SYS_ENOMEM, ENOMEM },
	{ SYS_EACCES, EACCES },	      { SYS_EFAULT, EFAULT },
	{ SYS_EBUSY, EBUSY },	      { SYS_EEXIST, EEXIST },
	{ SYS_ENODEV, ENODEV },	      { SYS_EISDIR, EISDIR },
	{ SYS_EINVAL, EINVAL },	      { SYS_EMFILE, EMFILE },
	{ SYS_ENOTTY, ENOTTY },	      { SYS_ENOSPC, ENOSPC },
	{ SYS_ESPIPE, ESPIPE },	      { SYS_EROFS, EROFS },
	{ SYS_ERANGE, ERANGE },	      { SYS_ENAMETOOLONG, ENAMETOOLONG },
	{ SYS_ENOSYS, ENOSYS },	      { SYS_ENOTEMPTY, ENOTEMPTY },
	{ SYS_EPROTO, EPROTO },	      { SYS_EBADMSG, EBADMSG },
	{ SYS_EOVERFLOW, EOVERFLOW }, { SYS_EMSGSIZE, EMSGSIZE },
	{ SYS_EISCONN, EISCONN },     { SYS_ENOTCONN, ENOTCONN },
#ifdef ESHUTDOWN /* newlib: only with __LINUX_ERRNO_EXTENSIONS__ */
	{ SYS_ESHUTDOWN, ESHUTDOWN },
#endif
	{ SYS_ETIMEDOUT, ETIMEDOUT }, { SYS_ECANCELED, ECANCELED },
};

long libc_err(long r)
{
	if (r >= 0)
		return r;
	for (unsigned i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].sys == -r)
			return -table[i].libc;
	return -EIO;
}

long libc_err_to_sys(long r)
{
	if (r >= 0)
		return r;
	for (unsigned i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].libc == -r)
			return -table[i].sys;
	return -SYS_EIO;
}
