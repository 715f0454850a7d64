/* The xenstore wire protocol as pure functions: message building, reply validation, ring arithmetic. */
#ifndef DRIVERS_XENBUS_XS_WIRE_H
#define DRIVERS_XENBUS_XS_WIRE_H

#include <stddef.h>
#include <stdint.h>
/* before xs_wire.h: its error table is only compiled when the errno names exist */
#include "base/errno.h"
#include <xen/io/xs_wire.h>

#define XS_HDR_SIZE ((uint32_t)sizeof(struct xsd_sockmsg))
#define XS_MSG_MAX  (XS_HDR_SIZE + XENSTORE_PAYLOAD_MAX)

/* One piece of a request payload; pieces are concatenated as given (NULs included in len). */
struct xs_iov {
	const void *p;
	uint32_t len;
};

/*
 * Writes header + pieces into out (cap bytes). Returns the message length, -EMSGSIZE when the
 * payload would exceed XENSTORE_PAYLOAD_MAX, -ENOSPC when out is too small.
 */
int xs_wire_build(void *out, size_t cap, uint32_t type, uint32_t req_id, uint32_t tx_id,
		  const struct xs_iov *iov, unsigned n);

/* 1 for a message type xenstored may send to a guest (a reply or a watch event). */
int xs_wire_type_known(uint32_t type);

/* A reply header as read from the ring: 0, -EMSGSIZE (length over the limit) or -EBADMSG (type). */
int xs_wire_check_header(const struct xsd_sockmsg *h);

/* XS_ERROR's payload ("ENOENT\0") as a negative errno; an unknown string is -EIO. */
int xs_wire_errno(const char *payload, uint32_t len);

/*
 * A reply to a request of type sent: 0 when it is the matching reply, the mapped negative errno
 * for XS_ERROR, -EPROTO for a reply of another type.
 */
int xs_wire_reply_status(uint32_t sent, const struct xsd_sockmsg *h, const char *payload);

/*
 * Splits a list of NUL-terminated strings (a DIRECTORY or GET_PERMS reply) in place: items[i]
 * point into p. Empty strings are skipped. Returns the count, -EBADMSG when the last string has
 * no NUL, -E2BIG when there are more than max (items then holds the first max).
 */
int xs_wire_split(const char *p, uint32_t len, const char **items, unsigned max);

/*
 * XS_DIRECTORY_PART (docs/misc/xenstore.txt), for a child list longer than one reply may carry:
 * the request is "<path>\0<offset>\0" (a byte offset into the whole list), a reply
 * "<generation>\0" then whole child names from that offset, each with its NUL; the reply that
 * reaches the end carries one more NUL (an empty name). The generation changes whenever the node
 * does: a list assembled from replies of different generations is no list, so it starts over.
 */
struct xs_dirpart {
	char *buf; /* the list so far (cap bytes): names, each NUL-terminated */
	uint32_t len, cap;
	uint64_t gen;
	int have_gen;
};
/*
 * Adds one reply: 1 the list is complete (buf/len), 0 ask again at offset len, -EAGAIN the node
 * changed (start over from a reset struct), -EBADMSG a malformed reply, -E2BIG over cap.
 */
int xs_wire_dirpart(struct xs_dirpart *d, const char *p, uint32_t len);

/* A WATCH_EVENT payload "path\0token\0": 0, or -EBADMSG when either is missing or empty. */
int xs_wire_watch_event(const char *p, uint32_t len, const char **path, const char **token);

/*
 * A decimal number as xenstore carries it (a transaction id, a state, a domid): digits only,
 * optionally one trailing NUL, no sign, no overflow. 0 or -EINVAL / -ERANGE.
 */
int xs_wire_parse_uint(const char *p, uint32_t len, uint64_t max, uint64_t *out);

/* Permissions: 'n' none, 'r' read, 'w' write, 'b' both, then a domid ("r0", "b5"). */
struct xs_perm {
	uint16_t domid;
	char perm;
};
/* One permission string; 0 or -EINVAL. */
int xs_wire_perm_parse(const char *s, struct xs_perm *out);
/* Formats into out (at least 8 bytes): the length with the NUL, or -EINVAL. */
int xs_wire_perm_format(const struct xs_perm *p, char *out, size_t cap);

/* ---- ring arithmetic: free-running u32 indices, compared by subtraction ---- */

/* Bytes between cons and prod, or -EPROTO when prod is not within one ring of cons. */
int xs_ring_used(XENSTORE_RING_IDX cons, XENSTORE_RING_IDX prod);
/* Copies n bytes into ring starting at index prod (wrapping). */
void xs_ring_put(volatile char *ring, XENSTORE_RING_IDX prod, const void *src, uint32_t n);
/* Copies n bytes out of ring starting at index cons (wrapping): each byte is read once. */
void xs_ring_get(const volatile char *ring, XENSTORE_RING_IDX cons, void *dst, uint32_t n);

/* ---- reassembly of messages from the response stream ---- */

struct xs_rx_stats {
	uint64_t messages;  /* complete, well-formed messages handed out */
	uint64_t oversized; /* length over XENSTORE_PAYLOAD_MAX: the framing is lost */
	uint64_t bad_type;  /* unknown message type: dropped */
	uint64_t bytes;
};

struct xs_rx {
	uint32_t have; /* bytes of the current message collected */
	uint32_t skip; /* payload bytes still to discard (a message that was dropped) */
	struct xs_rx_stats stats;
	/* the message, with a NUL after the payload so string parsing can never run off the end */
	union {
		struct xsd_sockmsg hdr;
		char raw[XS_MSG_MAX + 1];
	} m;
};

void xs_rx_init(struct xs_rx *rx);
/*
 * Consumes bytes from *cons towards prod (the caller checked them with xs_ring_used) until one
 * message is complete. Returns 1 with the message in rx->m (payload at rx->m.raw + XS_HDR_SIZE,
 * length rx->m.hdr.len, NUL-terminated) or 0 when the stream needs more bytes. Unknown-type
 * messages are skipped whole and counted, so framing survives them. A header claiming more than
 * XENSTORE_PAYLOAD_MAX cannot be right: nothing after it can be framed, so -EPROTO is returned
 * (counted as oversized; *cons is past the header, rx ready for a fresh stream) and the caller
 * must resynchronise the connection.
 */
int xs_rx_step(struct xs_rx *rx, const volatile char *ring, XENSTORE_RING_IDX *cons,
	       XENSTORE_RING_IDX prod);
static inline const char *xs_rx_payload(const struct xs_rx *rx)
{
	return rx->m.raw + XS_HDR_SIZE;
}

#endif
