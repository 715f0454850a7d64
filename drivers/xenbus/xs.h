/* The xenstore client: requests matched to replies by req_id, watches, transactions with retry. */
#ifndef DRIVERS_XENBUS_XS_H
#define DRIVERS_XENBUS_XS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "drivers/xenbus/xs_wire.h"

#define XS_TIMEOUT_DEFAULT_NS (10ull * 1000000000ull)

/*
 * How a call is made: inside which transaction (tx_id 0: none) and how long it may wait in all
 * (0: XS_TIMEOUT_DEFAULT_NS). A NULL context means both defaults. A call that runs out of time
 * returns -ETIMEDOUT; its reply, if it ever comes, is counted and dropped.
 */
struct xs_ctx {
	uint32_t tx_id;
	uint64_t timeout_ns;
};

/* Maps the ring, binds its event channel, starts the reader and watch threads. */
int xs_init(void);
int xs_available(void);
/* This domain's id and home ("/local/domain/N"), known once xs_init succeeded. */
uint32_t xs_domid(void);
const char *xs_home(void);
/* Reads them (again: a restored or migrated domain has another id): 0 or a negative errno. */
int xs_identity_read(void);

/*
 * Sends one request and waits for its reply. On success *reply (when reply is not NULL) is the
 * kmalloc'd NUL-terminated payload and *len its length; the caller kfree()s it.
 */
int xs_request(const struct xs_ctx *c, uint32_t type, const struct xs_iov *iov, unsigned n,
	       char **reply, uint32_t *len);

/* Paths may be absolute or relative to this domain's home. */
/* The value NUL-terminated in buf: its length, or -ERANGE when it does not fit in cap. */
int xs_read(const struct xs_ctx *c, const char *path, char *buf, size_t cap);
/* The value kmalloc'd (NUL-terminated; may contain NULs: len is authoritative). */
int xs_read_alloc(const struct xs_ctx *c, const char *path, char **value, uint32_t *len);
/* A decimal value: 0, -EINVAL when it is not a number, or the read's error. */
int xs_read_uint(const struct xs_ctx *c, const char *path, uint64_t *v);
int xs_write(const struct xs_ctx *c, const char *path, const char *value);
int xs_write_bytes(const struct xs_ctx *c, const char *path, const void *value, uint32_t len);
int xs_printf(const struct xs_ctx *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* xs_printf's va_list form; -E2BIG for a value over 255 bytes. */
int xs_vprintf(const struct xs_ctx *c, const char *path, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int xs_mkdir(const struct xs_ctx *c, const char *path);
int xs_rm(const struct xs_ctx *c, const char *path);
/*
 * The children of path: *list is one kmalloc'd block (an array of n names, then NULL) that the
 * caller kfree()s. Returns n.
 */
int xs_directory(const struct xs_ctx *c, const char *path, char ***list);
/* Returns the number of permissions stored into perms (at most max), or -E2BIG. */
int xs_get_perms(const struct xs_ctx *c, const char *path, struct xs_perm *perms, unsigned max);
int xs_set_perms(const struct xs_ctx *c, const char *path, const struct xs_perm *perms, unsigned n);
int xs_get_domain_path(const struct xs_ctx *c, uint32_t domid, char *buf, size_t cap);

/*
 * Runs fn inside a transaction and commits. fn returns 0 (or a positive value) to commit, a
 * negative errno to abort; when xenstored answers the commit (or any step) with EAGAIN, the whole
 * transaction runs again, up to XS_TXN_RETRIES times. fn must therefore have no side effects
 * outside xenstore that a retry would repeat. Returns fn's value or the negative error.
 */
#define XS_TXN_RETRIES 50
int xs_transaction(const struct xs_ctx *c, int (*fn)(const struct xs_ctx *tx, void *arg),
		   void *arg);

/*
 * A watch: fn runs in the xenbus watch thread (it may block and make xenstore calls) once when
 * the watch is set and then for every change at or below path. Events that arrive while the
 * thread is busy are queued, not lost (up to XS_EVENTS_MAX pending).
 */
struct xs_watch {
	const char *path;
	void (*fn)(struct xs_watch *w, const char *path);
	void *arg;
	/* private */
	char token[24];
	struct xs_watch *next;
	int active;
};
#define XS_EVENTS_MAX 1024
int xs_watch(const struct xs_ctx *c, struct xs_watch *w);
/* After it returns, fn is not running for w and will not run again (unless called from fn). */
int xs_unwatch(const struct xs_ctx *c, struct xs_watch *w);

struct xs_stats {
	uint64_t requests, replies, timeouts;
	uint64_t unknown_req_id;      /* replies to nothing in flight: dropped */
	uint64_t oversized, bad_type; /* malformed messages skipped by the reader */
	uint64_t bad_events;	      /* watch events that did not parse */
	uint64_t events, events_dropped, events_stale;
	uint64_t ring_errors; /* indices or framing that made no sense (each reported) */
	uint64_t resyncs;     /* framing lost: requests in flight failed with -EIO at once */
	uint64_t resets;      /* of those, the ring was reset by xenstored and the client went on */
	uint64_t txn_retries;
	uint64_t notifies;
	uint64_t late_waits;	   /* naps while the store was not up yet (Xen 4.21 late start) */
	uint64_t reset_watches;	   /* 1: XS_RESET_WATCHES done at connect */
	uint64_t dirpart_reads;	   /* child lists read with XS_DIRECTORY_PART */
	uint64_t dirpart_restarts; /* of those parts, restarts because the node changed */
};
/* The ring's server_features (XENSTORE_SERVER_FEATURE_*), 0 before connecting. */
uint32_t xs_server_features(void);
void xs_get_stats(struct xs_stats *st);

/* Internal between xs.c and xs_watch.c: the reader hands over each valid event. */
void xs_watch_queue_event(const char *path, const char *token);
int xs_watch_thread_start(void);
/*
 * After a restore: every watch set again with its token (xenstored of a new domain has none);
 * the number that could not be set (each said on the console).
 */
unsigned xs_watch_resume(void);
uint64_t xs_timeout_of(const struct xs_ctx *c);
extern struct xs_stats xs_stats;

#endif
