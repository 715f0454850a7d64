/* Test images only (not a stable API): the xenstore client and the xenbus frontend helpers beyond <pvhkit/xenstore.h>. */
#ifndef PVHKIT_TEST_XENSTORE_H
#define PVHKIT_TEST_XENSTORE_H

#include <stddef.h>
#include <stdint.h>
#include <pvhkit/xenstore.h>
#include <pvhkit/test/test.h>

/*
 * drivers/xenbus/xs.h's calls the public API leaves out, white-box: a ctx as the public API's
 * (NULL: no transaction, the default timeout). Errors are negative Xen errno values (<xen/errno.h>).
 */
int pvh_test_xs_read_uint(const struct pvh_xenstore_ctx *c, const char *path, uint64_t *v);
/* The value in one block (NUL-terminated, *len bytes before the NUL) to pvh_free(). */
int pvh_test_xs_read_alloc(const struct pvh_xenstore_ctx *c, const char *path, char **value,
			   uint32_t *len);
int pvh_test_xs_write_bytes(const struct pvh_xenstore_ctx *c, const char *path, const void *value,
			    uint32_t len);
int pvh_test_xs_printf(const struct pvh_xenstore_ctx *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "/local/domain/<domid>" as xenstored says (GET_DOMAIN_PATH): its length, or an error. */
int pvh_test_xs_get_domain_path(const struct pvh_xenstore_ctx *c, uint32_t domid, char *buf,
				size_t cap);

/* A node's permission: 'n' none, 'r' read, 'w' write, 'b' both, for domid (the first: the owner). */
struct pvh_test_xs_perm {
	uint16_t domid;
	char perm;
};
/* Up to max permissions of path: how many there are, or an error. */
int pvh_test_xs_get_perms(const struct pvh_xenstore_ctx *c, const char *path,
			  struct pvh_test_xs_perm *perms, unsigned max);
int pvh_test_xs_set_perms(const struct pvh_xenstore_ctx *c, const char *path,
			  const struct pvh_test_xs_perm *perms, unsigned n);

/* The client's counters (drivers/xenbus/xs.h's struct xs_stats says what each counts). */
struct pvh_test_xs_stats {
	uint64_t requests, replies, timeouts;
	uint64_t unknown_req_id;
	uint64_t oversized, bad_type;
	uint64_t bad_events;
	uint64_t events, events_dropped, events_stale;
	uint64_t ring_errors;
	uint64_t resyncs;
	uint64_t resets;
	uint64_t txn_retries;
	uint64_t notifies;
	uint64_t late_waits;	   /* naps while the store was not up yet (Xen 4.21 late start) */
	uint64_t reset_watches;	   /* 1: XS_RESET_WATCHES done at connect */
	uint64_t dirpart_reads;	   /* child lists read with XS_DIRECTORY_PART */
	uint64_t dirpart_restarts; /* restarts because the node changed between parts */
};
void pvh_test_xs_stats(struct pvh_test_xs_stats *st);

/* The wire format's unsigned decimal (no sign, no leading zero, at most max): 0 or an error. */
int pvh_test_xs_parse_uint(const char *p, uint32_t len, uint64_t max, uint64_t *out);

/* ---- the xenbus frontend helpers (drivers/xenbus/xenbus.h) ---- */

/* The ids under device/<type>: *ids is one block (n names, then NULL) to pvh_free(). Returns n. */
int pvh_test_xenbus_enumerate(const char *type, char ***ids);

/* What a frontend knows of its device. */
struct pvh_test_xenbus_device {
	char type[16];
	char id[16];
	char nodename[48];  /* "device/vif/0", relative to our home */
	char otherend[128]; /* the backend's absolute path */
	uint32_t otherend_id;
	int backend_state; /* XenbusState, as last read */
};
/* device/<type>/<id>'s backend path and id: 0, or an error (-XEN_ENOENT: no backend). */
int pvh_test_xenbus_device_read(const char *type, const char *id,
				struct pvh_test_xenbus_device *dev);

/*
 * A frontend driver: probe for every device of type (present at registration or hot-plugged
 * later; non-zero refuses it), remove once its backend closes or it goes away. Both may block.
 */
struct pvh_test_xenbus_driver {
	const char *type;
	int (*probe)(const struct pvh_test_xenbus_device *dev);
	void (*remove)(const struct pvh_test_xenbus_device *dev);
};
/* 0, or an error; the driver stays registered for good. */
int pvh_test_xenbus_register_driver(const struct pvh_test_xenbus_driver *drv);

#endif
