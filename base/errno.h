/* Error numbers the kernel returns (negated), with Linux's values; the libc layer translates where its own differ. */
#ifndef BASE_ERRNO_H
#define BASE_ERRNO_H

#define EPERM	     1
#define ENOENT	     2
#define EIO	     5
#define E2BIG	     7
#define EAGAIN	     11
#define ENOMEM	     12
#define EACCES	     13
#define EFAULT	     14
#define EBUSY	     16
#define EEXIST	     17
#define ENODEV	     19
#define EISDIR	     21
#define EINVAL	     22
#define ENOSPC	     28
#define EROFS	     30
#define ERANGE	     34
#define ENAMETOOLONG 36
#define ENOSYS	     38
#define ENOTEMPTY    39
#define EPROTO	     71
#define EBADMSG	     74
#define EOVERFLOW    75
#define EMSGSIZE     90
#define EOPNOTSUPP   95
#define EISCONN	     106
#define ENOTCONN     107
#define ESHUTDOWN    108
#define ETIMEDOUT    110
#define ECANCELED    125

#endif
