/* include/pvhkit/test/xenstore.h (test images only): the xenstore client and xenbus helpers under test names. */
#include <stdarg.h>
#include <stddef.h>
#include "base/errno.h"
#include "base/string.h"
#include "drivers/xenbus/xenbus.h"
#include "drivers/xenbus/xs_wire.h"
#include "kernel/heap.h"
#include "pvhkit/test/xenstore.h"

_Static_assert(
    sizeof(struct pvh_test_xs_stats) == sizeof(struct xs_stats) &&
	offsetof(struct pvh_test_xs_stats, notifies) == offsetof(struct xs_stats, notifies) &&
	offsetof(struct pvh_test_xs_stats, txn_retries) == offsetof(struct xs_stats, txn_retries) &&
	offsetof(struct pvh_test_xs_stats, unknown_req_id) ==
	    offsetof(struct xs_stats, unknown_req_id) &&
	offsetof(struct pvh_test_xs_stats, ring_errors) == offsetof(struct xs_stats, ring_errors) &&
	offsetof(struct pvh_test_xs_stats, dirpart_restarts) ==
	    offsetof(struct xs_stats, dirpart_restarts),
    "pvh_test_xs_stats is xs_stats");
_Static_assert(sizeof(struct pvh_test_xs_perm) == sizeof(struct xs_perm) &&
		   offsetof(struct pvh_test_xs_perm, perm) == offsetof(struct xs_perm, perm),
	       "pvh_test_xs_perm is xs_perm");

/* NULL stays NULL: the client's defaults */
#define CTX(c) ((c) ? &(struct xs_ctx){ (c)->tx_id, (c)->timeout_ns } : NULL)

int pvh_test_xs_read_uint(const struct pvh_xenstore_ctx *c, const char *path, uint64_t *v)
{
	return xs_read_uint(CTX(c), path, v);
}

int pvh_test_xs_read_alloc(const struct pvh_xenstore_ctx *c, const char *path, char **value,
			   uint32_t *len)
{
	return xs_read_alloc(CTX(c), path, value, len);
}

int pvh_test_xs_write_bytes(const struct pvh_xenstore_ctx *c, const char *path, const void *value,
			    uint32_t len)
{
	return xs_write_bytes(CTX(c), path, value, len);
}

int pvh_test_xs_printf(const struct pvh_xenstore_ctx *c, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int r = xs_vprintf(CTX(c), path, fmt, ap);
	va_end(ap);
	return r;
}

int pvh_test_xs_get_domain_path(const struct pvh_xenstore_ctx *c, uint32_t domid, char *buf,
				size_t cap)
{
	return xs_get_domain_path(CTX(c), domid, buf, cap);
}

int pvh_test_xs_get_perms(const struct pvh_xenstore_ctx *c, const char *path,
			  struct pvh_test_xs_perm *perms, unsigned max)
{
	return xs_get_perms(CTX(c), path, (struct xs_perm *)perms, max);
}

int pvh_test_xs_set_perms(const struct pvh_xenstore_ctx *c, const char *path,
			  const struct pvh_test_xs_perm *perms, unsigned n)
{
	return xs_set_perms(CTX(c), path, (const struct xs_perm *)perms, n);
}

void pvh_test_xs_stats(struct pvh_test_xs_stats *st)
{
	xs_get_stats((struct xs_stats *)st);
}

int pvh_test_xs_parse_uint(const char *p, uint32_t len, uint64_t max, uint64_t *out)
{
	return xs_wire_parse_uint(p, len, max, out);
}

int pvh_test_xenbus_enumerate(const char *type, char ***ids)
{
	return xenbus_enumerate(type, ids);
}

static void describe(const struct xenbus_device *d, struct pvh_test_xenbus_device *out)
{
	*out = (struct pvh_test_xenbus_device){ .otherend_id = d->otherend_id,
						.backend_state = (int)d->backend_state };
	memcpy(out->type, d->type, sizeof(out->type));
	memcpy(out->id, d->id, sizeof(out->id));
	memcpy(out->nodename, d->nodename, sizeof(out->nodename));
	memcpy(out->otherend, d->otherend, sizeof(out->otherend));
}

int pvh_test_xenbus_device_read(const char *type, const char *id,
				struct pvh_test_xenbus_device *dev)
{
	struct xenbus_device *d = kzalloc(sizeof(*d));

	if (!d)
		return -ENOMEM;
	int r = xenbus_device_read(type, id, d);
	if (!r)
		describe(d, dev);
	kfree(d);
	return r;
}

/* the kernel's driver record, with the test's driver it stands for */
struct test_driver {
	struct xenbus_driver drv;
	const struct pvh_test_xenbus_driver *t;
};

static int probe(struct xenbus_device *dev)
{
	const struct test_driver *td = (const struct test_driver *)dev->driver;
	struct pvh_test_xenbus_device d;

	describe(dev, &d);
	return td->t->probe ? td->t->probe(&d) : 0;
}

static void remove(struct xenbus_device *dev)
{
	const struct test_driver *td = (const struct test_driver *)dev->driver;
	struct pvh_test_xenbus_device d;

	describe(dev, &d);
	if (td->t->remove)
		td->t->remove(&d);
}

int pvh_test_xenbus_register_driver(const struct pvh_test_xenbus_driver *t)
{
	struct test_driver *td = kzalloc(sizeof(*td));

	if (!td)
		return -ENOMEM;
	*td = (struct test_driver){ { .type = t->type, .probe = probe, .remove = remove }, t };
	return xenbus_register_driver(&td->drv);
}
