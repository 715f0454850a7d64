/* Xenstore for applications: read, write, watch, transactions, and the toolstack's shutdown requests. */
#ifndef PVHKIT_XENSTORE_H
#define PVHKIT_XENSTORE_H

#include <stddef.h>
#include <stdint.h>

/*
 * How a call is made: inside which transaction (tx_id 0: none; pvh_xenstore_transaction passes the
 * right one) and how long it may wait (0: 10 s). NULL means both defaults. Errors are negative
 * errno values of the C library's <errno.h> (kernel.h): -ENOENT, -EACCES, -ETIMEDOUT, ...
 * (-ENODEV when there is no xenstore).
 * Paths are absolute ("/local/domain/0/...") or relative to this domain's home.
 */
struct pvh_xenstore_ctx {
	uint32_t tx_id;
	uint64_t timeout_ns;
};

int pvh_xenstore_available(void);
unsigned pvh_xenstore_domid(void);
/* "/local/domain/<domid>" */
const char *pvh_xenstore_home(void);

/* The value NUL-terminated in buf: its length, or -ERANGE when it does not fit. */
int pvh_xenstore_read(const struct pvh_xenstore_ctx *c, const char *path, char *buf, size_t cap);
int pvh_xenstore_write(const struct pvh_xenstore_ctx *c, const char *path, const char *value);
int pvh_xenstore_mkdir(const struct pvh_xenstore_ctx *c, const char *path);
int pvh_xenstore_rm(const struct pvh_xenstore_ctx *c, const char *path);
/* The children of path: *list is one block (n names, then NULL) to pvh_free(). Returns n. */
int pvh_xenstore_directory(const struct pvh_xenstore_ctx *c, const char *path, char ***list);

/*
 * Runs fn in a transaction and commits; on a conflict (EAGAIN) the whole of fn runs again, so fn
 * should only read and write xenstore. fn returns >= 0 to commit, a negative errno to abort: the
 * call then returns that (one the kernel does not know as -EIO); -EAGAIN from fn runs it again.
 */
int pvh_xenstore_transaction(const struct pvh_xenstore_ctx *c,
			     int (*fn)(const struct pvh_xenstore_ctx *tx, void *arg), void *arg);

/*
 * Calls fn(path, arg) in the xenstore watch thread once when set, then for each change at or
 * below path; fn may block and use xenstore. NULL on failure.
 */
struct pvh_xenstore_watch;
struct pvh_xenstore_watch *pvh_xenstore_watch(const char *path,
					      void (*fn)(const char *path, void *arg), void *arg);
/* After it returns, fn is not running and will not run again. */
int pvh_xenstore_unwatch(struct pvh_xenstore_watch *w);

/*
 * Called (in the watch thread) when the toolstack asks for a poweroff (reboot = 0, `xl shutdown`)
 * or a reboot (reboot = 1, `xl reboot`); when the hooks return, the guest ends accordingly.
 */
int pvh_xenstore_on_shutdown(void (*hook)(int reboot, void *arg), void *arg);

#endif
