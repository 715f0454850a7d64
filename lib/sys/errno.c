/* Compile-time proof that lib/sys/sys.h's SYS_E* are the kernel's own numbers (base/errno.h). */
#include "base/errno.h"
#include "lib/sys/sys.h"

/*
 * Every error the kernel can hand up (base/errno.h) must have its SYS_ twin, with the same value,
 * or lib/libc/errno.c could not translate it: a new E* in base/errno.h belongs here, in sys.h and
 * in that table.
 */
#define SAME(e) _Static_assert(SYS_##e == e, "SYS_" #e " is not base/errno.h's " #e)
SAME(EPERM);
SAME(ENOENT);
SAME(EIO);
SAME(E2BIG);
SAME(EAGAIN);
SAME(ENOMEM);
SAME(EACCES);
SAME(EFAULT);
SAME(EBUSY);
SAME(EEXIST);
SAME(ENODEV);
SAME(EISDIR);
SAME(EINVAL);
SAME(ENOSPC);
SAME(EROFS);
SAME(ERANGE);
SAME(ENAMETOOLONG);
SAME(ENOSYS);
SAME(ENOTEMPTY);
SAME(EPROTO);
SAME(EBADMSG);
SAME(EOVERFLOW);
SAME(EMSGSIZE);
SAME(EISCONN);
SAME(ENOTCONN);
SAME(ESHUTDOWN);
SAME(ETIMEDOUT);
SAME(ECANCELED);
