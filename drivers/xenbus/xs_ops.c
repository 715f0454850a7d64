/* Xenstore operations on top of xs_request: read, write, directory, permissions, transactions. */
#include <stdarg.h>
#include "base/fmt.h"
#include "base/string.h"
#include "drivers/xenbus/xs.h"
#include "kernel/heap.h"
#include "kernel/printk.h"

static uint32_t domid;
static char home[32];

uint32_t xs_domid(void)
{
	return domid;
}

const char *xs_home(void)
{
	return home;
}

/* A path as a payload piece with its NUL; 0 or -EINVAL / -ENAMETOOLONG. */
static int path_iov(const char *path, struct xs_iov *iov)
{
	if (!path || !path[0])
		return -EINVAL;
	size_t l = strnlen(path, XENSTORE_ABS_PATH_MAX + 1);

	if (l > XENSTORE_ABS_PATH_MAX)
		return -ENAMETOOLONG;
	*iov = (struct xs_iov){ path, (uint32_t)l + 1 };
	return 0;
}

/* A request whose only payload is the path, and whose reply we ignore ("OK"). */
static int path_op(const struct xs_ctx *c, uint32_t type, const char *path)
{
	struct xs_iov iov;
	int r = path_iov(path, &iov);

	return r ? r : xs_request(c, type, &iov, 1, NULL, NULL);
}

int xs_read_alloc(const struct xs_ctx *c, const char *path, char **value, uint32_t *len)
{
	struct xs_iov iov;
	int r = path_iov(path, &iov);

	/* xenstored sends the value without a NUL; xs_request added one after len bytes */
	return r ? r : xs_request(c, XS_READ, &iov, 1, value, len);
}

int xs_read(const struct xs_ctx *c, const char *path, char *buf, size_t cap)
{
	char *v;
	uint32_t len;
	int r = xs_read_alloc(c, path, &v, &len);

	if (r)
		return r;
	if (len >= cap) {
		kfree(v);
		return -ERANGE;
	}
	memcpy(buf, v, len + 1);
	kfree(v);
	return (int)len;
}

int xs_read_uint(const struct xs_ctx *c, const char *path, uint64_t *v)
{
	char buf[24];
	int r = xs_read(c, path, buf, sizeof(buf));

	if (r == -ERANGE)
		return -EINVAL;
	return r < 0 ? r : xs_wire_parse_uint(buf, (uint32_t)r, UINT64_MAX, v);
}

int xs_write_bytes(const struct xs_ctx *c, const char *path, const void *value, uint32_t len)
{
	struct xs_iov iov[2];
	int r = path_iov(path, &iov[0]);

	if (r)
		return r;
	iov[1] = (struct xs_iov){ value, len };
	return xs_request(c, XS_WRITE, iov, 2, NULL, NULL);
}

int xs_write(const struct xs_ctx *c, const char *path, const char *value)
{
	return xs_write_bytes(c, path, value, (uint32_t)strnlen(value, XENSTORE_PAYLOAD_MAX + 1));
}

int xs_vprintf(const struct xs_ctx *c, const char *path, const char *fmt, va_list ap)
{
	char buf[256];
	int n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n < 0 || (size_t)n >= sizeof(buf))
		return -E2BIG;
	return xs_write_bytes(c, path, buf, (uint32_t)n);
}

int xs_printf(const struct xs_ctx *c, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int r = xs_vprintf(c, path, fmt, ap);
	va_end(ap);
	return r;
}

int xs_mkdir(const struct xs_ctx *c, const char *path)
{
	return path_op(c, XS_MKDIR, path);
}

int xs_rm(const struct xs_ctx *c, const char *path)
{
	return path_op(c, XS_RM, path);
}

/* The list of names p[0..len) (each NUL-terminated) as a NULL-terminated array in one block. */
static int list_from(const char *p, uint32_t len, char ***list)
{
	uint32_t nuls = 0;

	for (uint32_t i = 0; i < len; i++)
		nuls += !p[i];
	/* one block: the pointer array, then the names it points to */
	size_t ptrs = (nuls + 1) * sizeof(char *);
	char **out = kmalloc(ptrs + len + 1);

	if (!out)
		return -ENOMEM;
	char *names = (char *)out + ptrs;

	memcpy(names, p, len);
	names[len] = 0;
	int r = xs_wire_split(names, len, (const char **)out, nuls);
	if (r < 0) {
		kfree(out);
		return r;
	}
	out[r] = NULL;
	*list = out;
	return r;
}

/* the most a child list read in parts may hold (xenstored's own quotas are far below) */
#define DIRPART_MAX (64 * 1024)
/* a node that keeps changing under the reader: give up after this many fresh starts */
#define DIRPART_RESTARTS 8

/* One XS_DIRECTORY_PART round: "path\0offset\0" -> the next piece (xs_wire_dirpart). */
static int dirpart_step(const struct xs_ctx *c, const struct xs_iov *path, struct xs_dirpart *d)
{
	char off[12], *p;
	uint32_t len;
	struct xs_iov iov[2] = {
		*path, { off, (uint32_t)fmt_snprintf(off, sizeof(off), "%u", d->len) + 1 }
	};
	int r = xs_request(c, XS_DIRECTORY_PART, iov, 2, &p, &len);

	if (r)
		return r;
	r = xs_wire_dirpart(d, p, len);
	kfree(p);
	return r;
}

/* A child list too long for one reply (XS_DIRECTORY said E2BIG), in parts of one generation. */
static int directory_part(const struct xs_ctx *c, const struct xs_iov *path, char ***list)
{
	struct xs_dirpart d = { .buf = kmalloc(DIRPART_MAX), .cap = DIRPART_MAX };
	int r = -EAGAIN;

	if (!d.buf)
		return -ENOMEM;
	for (unsigned starts = 0; r == -EAGAIN && starts < DIRPART_RESTARTS; starts++) {
		d.len = 0;
		d.have_gen = 0;
		while ((r = dirpart_step(c, path, &d)) == 0)
			;
		if (r == -EAGAIN)
			xs_stats.dirpart_restarts++;
	}
	if (r == 1) {
		xs_stats.dirpart_reads++;
		r = list_from(d.buf, d.len, list);
	}
	kfree(d.buf);
	return r;
}

int xs_directory(const struct xs_ctx *c, const char *path, char ***list)
{
	struct xs_iov iov;
	char *p;
	uint32_t len;
	int r = path_iov(path, &iov);

	if (r)
		return r;
	r = xs_request(c, XS_DIRECTORY, &iov, 1, &p, &len);
	/* xenstored refuses a reply over XENSTORE_PAYLOAD_MAX with E2BIG: read it in parts */
	if (r == -E2BIG)
		return directory_part(c, &iov, list);
	if (r)
		return r;
	r = list_from(p, len, list);
	kfree(p);
	return r;
}

int xs_get_perms(const struct xs_ctx *c, const char *path, struct xs_perm *perms, unsigned max)
{
	struct xs_iov iov;
	char *p;
	uint32_t len;
	const char *items[64];
	int r = path_iov(path, &iov);

	if (r || (r = xs_request(c, XS_GET_PERMS, &iov, 1, &p, &len)))
		return r;
	r = xs_wire_split(p, len, items, 64);
	for (int i = 0; r > 0 && i < r; i++) {
		if ((unsigned)i == max) {
			r = -E2BIG;
			break;
		}
		if (xs_wire_perm_parse(items[i], &perms[i]))
			r = -EBADMSG;
	}
	kfree(p);
	return r;
}

int xs_set_perms(const struct xs_ctx *c, const char *path, const struct xs_perm *perms, unsigned n)
{
	char buf[16 * 8];
	struct xs_iov iov[17];
	int r = path_iov(path, &iov[0]);

	if (r)
		return r;
	if (!n || n > 16)
		return -EINVAL;
	for (unsigned i = 0; i < n; i++) {
		int k = xs_wire_perm_format(&perms[i], buf + 8 * i, 8);

		if (k < 0)
			return k;
		iov[1 + i] = (struct xs_iov){ buf + 8 * i, (uint32_t)k };
	}
	return xs_request(c, XS_SET_PERMS, iov, n + 1, NULL, NULL);
}

int xs_get_domain_path(const struct xs_ctx *c, uint32_t id, char *buf, size_t cap)
{
	char num[12], *p;
	uint32_t len;
	int n = fmt_snprintf(num, sizeof(num), "%u", id);
	struct xs_iov iov = { num, (uint32_t)n + 1 };
	int r = xs_request(c, XS_GET_DOMAIN_PATH, &iov, 1, &p, &len);

	if (r)
		return r;
	len = (uint32_t)strnlen(p, len);
	if (len >= cap || p[0] != '/')
		r = len >= cap ? -ERANGE : -EBADMSG;
	else
		memcpy(buf, p, len + 1);
	kfree(p);
	return r ? r : (int)len;
}

static int txn_end(const struct xs_ctx *tx, int commit)
{
	struct xs_iov iov = { commit ? "T" : "F", 2 };

	return xs_request(tx, XS_TRANSACTION_END, &iov, 1, NULL, NULL);
}

int xs_transaction(const struct xs_ctx *c, int (*fn)(const struct xs_ctx *tx, void *arg), void *arg)
{
	struct xs_iov empty = { "", 1 };

	for (unsigned attempt = 0; attempt < XS_TXN_RETRIES; attempt++) {
		char *p;
		uint32_t len;
		uint64_t id;
		int r = xs_request(c, XS_TRANSACTION_START, &empty, 1, &p, &len);

		if (r)
			return r;
		r = xs_wire_parse_uint(p, len, UINT32_MAX, &id);
		kfree(p);
		if (r || !id)
			return -EBADMSG;
		struct xs_ctx tx = { .tx_id = (uint32_t)id, .timeout_ns = xs_timeout_of(c) };

		r = fn(&tx, arg);
		if (r < 0) {
			txn_end(&tx, 0);
			if (r != -EAGAIN)
				return r;
		} else {
			int e = txn_end(&tx, 1);

			if (e != -EAGAIN)
				return e ? e : r;
		}
		xs_stats.txn_retries++;
	}
	return -EAGAIN;
}

int xs_transport_init(void);

/*
 * Once per connection: the ring's feature bits (xenstore-ring.txt), and XS_RESET_WATCHES where
 * the toolstack says xenstored takes it (control/platform-feature-xs_reset_watches, as libxl
 * writes it): watches and transactions an earlier kernel in this domain left behind (kexec, a
 * crashed predecessor) would otherwise keep firing at tokens nobody knows.
 */
static void connect_report(void)
{
	static const struct xs_iov empty = { "", 1 };
	uint32_t f = xs_server_features();
	uint64_t offered = 0;
	int r = -EOPNOTSUPP;

	if (!xs_read_uint(NULL, "control/platform-feature-xs_reset_watches", &offered) && offered)
		r = xs_request(NULL, XS_RESET_WATCHES, &empty, 1, NULL, NULL);
	xs_stats.reset_watches = !r;
	pr_info("xenstore: server features %#x (reconnection %s, error field %s); "
		"XS_RESET_WATCHES %s\n",
		f, f & XENSTORE_SERVER_FEATURE_RECONNECTION ? "yes" : "no",
		f & XENSTORE_SERVER_FEATURE_ERROR ? "yes" : "no",
		!r	  ? "done"
		: offered ? "refused"
			  : "not offered");
	if (r && offered)
		pr_warn("xenstore: XS_RESET_WATCHES refused (%d)\n", r);
}

int xs_identity_read(void)
{
	uint64_t id;
	char h[sizeof(home)];
	int r;

	/* relative paths resolve to our home, so this works before we know it */
	if ((r = xs_read_uint(NULL, "domid", &id)))
		return r;
	if (id >= 0x7ff0)
		return -EBADMSG;
	r = xs_get_domain_path(NULL, (uint32_t)id, h, sizeof(h));
	if (r < 0)
		return r;
	domid = (uint32_t)id;
	memcpy(home, h, sizeof(home));
	return 0;
}

int xs_init(void)
{
	int r = xs_transport_init();

	if (r)
		return r;
	if ((r = xs_identity_read()))
		return r;
	connect_report();
	return 0;
}
