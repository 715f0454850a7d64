/* The xenstore wire protocol as pure functions (host-testable): everything read here came from another domain. */
/*
 * xenstore is a small tree of keys kept by xenstored in dom0: the toolstack writes our
 * configuration there, and frontends meet their backends there. A guest talks to it over one
 * shared page (xs.c moves the bytes); this file is the format of those bytes.
 * Every message, either way, is a struct xsd_sockmsg header (type, req_id, tx_id, len) and len
 * bytes of payload, at most XENSTORE_PAYLOAD_MAX. Payloads are NUL-separated strings: a WRITE
 * is "path\0value" with no NUL after the value; a path not starting with '/' is relative to
 * our home, /local/domain/<our id>. xenstored answers every request once, with the request's
 * type and the req_id we chose, or with XS_ERROR and an errno name ("ENOENT\0"). req_id is what
 * pairs a reply with its waiter when several threads have requests out. tx_id is 0 outside a
 * transaction, else the number TRANSACTION_START returned: requests carrying it see and change
 * a private view until TRANSACTION_END commits it, and a commit that raced someone else's
 * change fails with EAGAIN, so the caller runs the whole transaction again.
 * The only message nobody asked for is WATCH_EVENT, "path\0token\0" with req_id 0: something
 * at or below a watched path changed (one also fires when the watch is set). Everything read
 * here came from another domain: lengths, types and numbers are checked before use.
 */
#include "base/string.h"
#include "drivers/xenbus/xs_wire.h"

int xs_wire_build(void *out, size_t cap, uint32_t type, uint32_t req_id, uint32_t tx_id,
		  const struct xs_iov *iov, unsigned n)
{
	uint64_t len = 0;

	for (unsigned i = 0; i < n; i++)
		len += iov[i].len;
	if (len > XENSTORE_PAYLOAD_MAX)
		return -EMSGSIZE;
	if (cap < XS_HDR_SIZE + len)
		return -ENOSPC;
	struct xsd_sockmsg h = {
		.type = type, .req_id = req_id, .tx_id = tx_id, .len = (uint32_t)len
	};
	char *o = out;

	memcpy(o, &h, XS_HDR_SIZE);
	o += XS_HDR_SIZE;
	for (unsigned i = 0; i < n; i++) {
		if (iov[i].len)
			memcpy(o, iov[i].p, iov[i].len);
		o += iov[i].len;
	}
	return (int)(XS_HDR_SIZE + len);
}

int xs_wire_type_known(uint32_t type)
{
	/* 20 was XS_RESTRICT, removed from the protocol */
	return type < XS_TYPE_COUNT && type != XS_SET_TARGET + 1;
}

int xs_wire_check_header(const struct xsd_sockmsg *h)
{
	if (h->len > XENSTORE_PAYLOAD_MAX)
		return -EMSGSIZE;
	if (!xs_wire_type_known(h->type))
		return -EBADMSG;
	return 0;
}

int xs_wire_errno(const char *payload, uint32_t len)
{
	/* the string may or may not carry its NUL; compare exactly the bytes before it */
	uint32_t n = (uint32_t)strnlen(payload, len);

	for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++) {
		const char *s = xsd_errors[i].errstring;

		if (strlen(s) == n && !memcmp(s, payload, n))
			return -xsd_errors[i].errnum;
	}
	return -EIO;
}

int xs_wire_reply_status(uint32_t sent, const struct xsd_sockmsg *h, const char *payload)
{
	if (h->type == XS_ERROR)
		return xs_wire_errno(payload, h->len);
	return h->type == sent ? 0 : -EPROTO;
}

int xs_wire_split(const char *p, uint32_t len, const char **items, unsigned max)
{
	unsigned n = 0;
	uint32_t i = 0;

	if (len && p[len - 1])
		return -EBADMSG;
	while (i < len) {
		uint32_t l = (uint32_t)strnlen(p + i, len - i);

		if (l) {
			if (n == max)
				return -E2BIG;
			items[n++] = p + i;
		}
		i += l + 1;
	}
	return (int)n;
}

int xs_wire_watch_event(const char *p, uint32_t len, const char **path, const char **token)
{
	uint32_t pl = (uint32_t)strnlen(p, len);

	if (!pl || pl == len)
		return -EBADMSG;
	const char *t = p + pl + 1;
	uint32_t rest = len - pl - 1, tl = (uint32_t)strnlen(t, rest);

	if (!tl || tl == rest)
		return -EBADMSG;
	*path = p;
	*token = t;
	return 0;
}

int xs_wire_parse_uint(const char *p, uint32_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (len && !p[len - 1])
		len--;
	if (!len || len > 20)
		return -EINVAL;
	for (uint32_t i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -EINVAL;
		unsigned d = (unsigned)(p[i] - '0');

		if (v > (max - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int xs_wire_perm_parse(const char *s, struct xs_perm *out)
{
	uint64_t id;

	if (!s[0] || !strchr("nrwb", s[0]))
		return -EINVAL;
	if (xs_wire_parse_uint(s + 1, (uint32_t)strnlen(s + 1, 8), 0xffff, &id))
		return -EINVAL;
	*out = (struct xs_perm){ .domid = (uint16_t)id, .perm = s[0] };
	return 0;
}

int xs_wire_perm_format(const struct xs_perm *p, char *out, size_t cap)
{
	char digits[6];
	int n = 0;
	unsigned id = p->domid;

	if (!p->perm || !strchr("nrwb", p->perm) || cap < 8)
		return -EINVAL;
	do
		digits[n++] = (char)('0' + id % 10);
	while ((id /= 10));
	out[0] = p->perm;
	for (int i = 0; i < n; i++)
		out[1 + i] = digits[n - 1 - i];
	out[1 + n] = 0;
	return n + 2;
}

int xs_ring_used(XENSTORE_RING_IDX cons, XENSTORE_RING_IDX prod)
{
	XENSTORE_RING_IDX used = prod - cons;

	return used > XENSTORE_RING_SIZE ? -EPROTO : (int)used;
}

void xs_ring_put(volatile char *ring, XENSTORE_RING_IDX prod, const void *src, uint32_t n)
{
	const char *s = src;

	for (uint32_t i = 0; i < n; i++)
		ring[MASK_XENSTORE_IDX(prod + i)] = s[i];
}

void xs_ring_get(const volatile char *ring, XENSTORE_RING_IDX cons, void *dst, uint32_t n)
{
	char *d = dst;

	for (uint32_t i = 0; i < n; i++)
		d[i] = ring[MASK_XENSTORE_IDX(cons + i)];
}

void xs_rx_init(struct xs_rx *rx)
{
	rx->have = 0;
	rx->skip = 0;
	rx->stats = (struct xs_rx_stats){ 0 };
}

int xs_rx_step(struct xs_rx *rx, const volatile char *ring, XENSTORE_RING_IDX *cons,
	       XENSTORE_RING_IDX prod)
{
	for (;;) {
		uint32_t avail = prod - *cons;

		if (rx->skip) {
			uint32_t k = avail < rx->skip ? avail : rx->skip;

			*cons += k;
			rx->skip -= k;
			rx->stats.bytes += k;
			if (rx->skip)
				return 0;
			continue;
		}
		if (!avail)
			return 0;
		/* the header first; once it is complete and valid, exactly its payload */
		uint32_t want = rx->have < XS_HDR_SIZE ? XS_HDR_SIZE : XS_HDR_SIZE + rx->m.hdr.len;
		uint32_t k = want - rx->have;

		if (k > avail)
			k = avail;
		xs_ring_get(ring, *cons, rx->m.raw + rx->have, k);
		*cons += k;
		rx->have += k;
		rx->stats.bytes += k;
		if (rx->have == XS_HDR_SIZE) {
			/* the header is ours now (copied once): validate before trusting len */
			int r = xs_wire_check_header(&rx->m.hdr);

			rx->have = r ? 0 : rx->have;
			if (r == -EMSGSIZE) {
				/*
				 * xenstored never sends more than the protocol's limit: this is no
				 * long message but a stream that lost its framing (skipping 4 GiB
				 * of it swallowed every later reply). The caller resynchronises.
				 */
				rx->stats.oversized++;
				return -EPROTO;
			}
			if (r) {
				/* an unknown type with a sane length is skipped whole */
				rx->stats.bad_type++;
				rx->skip = rx->m.hdr.len;
				continue;
			}
		}
		if (rx->have >= XS_HDR_SIZE && rx->have == XS_HDR_SIZE + rx->m.hdr.len) {
			rx->m.raw[rx->have] = 0;
			rx->have = 0;
			rx->stats.messages++;
			return 1;
		}
	}
}

int xs_wire_dirpart(struct xs_dirpart *d, const char *p, uint32_t len)
{
	uint32_t glen = 0;
	uint64_t gen;

	while (glen < len && p[glen])
		glen++;
	if (glen == len || xs_wire_parse_uint(p, glen, UINT64_MAX, &gen))
		return -EBADMSG;
	if (d->have_gen && gen != d->gen)
		return -EAGAIN;
	d->gen = gen;
	d->have_gen = 1;
	const char *rest = p + glen + 1;
	uint32_t n = len - glen - 1;

	/* nothing after the generation, or a last name without its NUL: no progress possible */
	if (!n || rest[n - 1])
		return -EBADMSG;
	int last = n == 1 || !rest[n - 2];
	if (last)
		n--; /* the empty name that marks the end */
	if (n > d->cap - d->len)
		return -E2BIG;
	memcpy(d->buf + d->len, rest, n);
	d->len += n;
	return last;
}
