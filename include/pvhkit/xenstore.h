/* Xenstore for applications: read, write, watch, transactions, and the toolstack's shutdown requests. */
#ifndef PVHKIT_XENSTORE_H
#define PVHKIT_XENSTORE_H

#include <stddef.h>
#include <stdint.h>

/*
 * How a call is made: inside which transaction (tx_id 0: none; xenstore_transaction passes the
 * right one) and how long it may wait (0: 10 s). NULL means both defaults. Errors are negative
 * errno values: -ENOENT, -EACCES, -ETIMEDOUT, ... (-ENODEV when there is no xenstore).
 * Paths are absolute ("/local/domain/0/...") or relative to this domain's home.
 */
struct xenstore_ctx {
	uint32_t tx_id;
	uint64_t timeout_ns;
};

int xenstore_available(void);
unsigned xenstore_domid(void);
/* "/local/domain/<domid>" */
const char *xenstore_home(void);

/* The value NUL-terminated in buf: its length, or -ERANGE when it does not fit. */
int xenstore_read(const struct xenstore_ctx *c, const char *path, char *buf, size_t cap);
int xenstore_write(const struct xenstore_ctx *c, const char *path, const char *value);
int xenstore_mkdir(const struct xenstore_ctx *c, const char *path);
int xenstore_rm(const struct xenstore_ctx *c, const char *path);
/* The children of path: *list is one block (n names, then NULL) to pvh_free(). Returns n. */
int xenstore_directory(const struct xenstore_ctx *c, const char *path, char ***list);

/*
 * Runs fn in a transaction and commits; on a conflict (EAGAIN) the whole of fn runs again, so fn
 * should only read and write xenstore. fn returns >= 0 to commit, a negative errno to abort.
 */
int xenstore_transaction(const struct xenstore_ctx *c,
			 int (*fn)(const struct xenstore_ctx *tx, void *arg), void *arg);

/*
 * Calls fn(path, arg) in the xenstore watch thread once when set, then for each change at or
 * below path; fn may block and use xenstore. NULL on failure.
 */
struct xenstore_watch;
struct xenstore_watch *xenstore_watch(const char *path, void (*fn)(const char *path, void *arg),
				      void *arg);
/* After it returns, fn is not running and will not run again. */
int xenstore_unwatch(struct xenstore_watch *w);

/*
 * Called (in the watch thread) when the toolstack asks for a poweroff (reboot = 0, `xl shutdown`)
 * or a reboot (reboot = 1, `xl reboot`); when the hooks return, the guest ends accordingly.
 */
int xenstore_on_shutdown(void (*hook)(int reboot, void *arg), void *arg);

#endif
