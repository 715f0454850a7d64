/* Tests the xenstore wire codec, ring arithmetic and message reassembly (drivers/xenbus/xs_wire.c). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>
#include "drivers/xenbus/xs_wire.h"

static char ring[XENSTORE_RING_SIZE];

/* Puts a message (header + payload) into the test ring at prod; returns the new prod. */
static uint32_t put_msg(uint32_t prod, uint32_t type, uint32_t req_id, const void *payload,
			uint32_t len)
{
	struct xsd_sockmsg h = { type, req_id, 0, len };

	xs_ring_put(ring, prod, &h, sizeof(h));
	xs_ring_put(ring, prod + sizeof(h), payload, len);
	return prod + sizeof(h) + len;
}

Test(xs_wire, build_write_request)
{
	char out[64];
	struct xs_iov iov[2] = { { "a/b", 4 }, { "val", 3 } };
	int n = xs_wire_build(out, sizeof(out), XS_WRITE, 7, 3, iov, 2);
	struct xsd_sockmsg h;

	cr_assert_eq(n, 16 + 7);
	memcpy(&h, out, 16);
	cr_assert_eq(h.type, XS_WRITE);
	cr_assert_eq(h.req_id, 7);
	cr_assert_eq(h.tx_id, 3);
	cr_assert_eq(h.len, 7);
	cr_assert_eq(memcmp(out + 16, "a/b\0val", 7), 0);
}

Test(xs_wire, build_limits)
{
	static char big[XENSTORE_PAYLOAD_MAX + 1];
	static char out[XS_MSG_MAX + 8];
	struct xs_iov iov = { big, XENSTORE_PAYLOAD_MAX };

	cr_assert_eq(xs_wire_build(out, sizeof(out), XS_WRITE, 1, 0, &iov, 1), (int)XS_MSG_MAX);
	iov.len++;
	cr_assert_eq(xs_wire_build(out, sizeof(out), XS_WRITE, 1, 0, &iov, 1), -EMSGSIZE);
	/* lengths whose sum wraps a 32-bit counter must not pass */
	struct xs_iov wrap[2] = { { big, 0xffffffffu }, { big, 2 } };
	cr_assert_eq(xs_wire_build(out, sizeof(out), XS_WRITE, 1, 0, wrap, 2), -EMSGSIZE);
	iov.len = 10;
	cr_assert_eq(xs_wire_build(out, 20, XS_WRITE, 1, 0, &iov, 1), -ENOSPC);
}

Test(xs_wire, header_checks)
{
	struct xsd_sockmsg h = { XS_READ, 1, 0, XENSTORE_PAYLOAD_MAX };

	cr_assert_eq(xs_wire_check_header(&h), 0);
	h.len++;
	cr_assert_eq(xs_wire_check_header(&h), -EMSGSIZE);
	h.len = 0xffffffffu;
	cr_assert_eq(xs_wire_check_header(&h), -EMSGSIZE);
	h.len = 1;
	h.type = 20; /* the removed XS_RESTRICT */
	cr_assert_eq(xs_wire_check_header(&h), -EBADMSG);
	h.type = XS_TYPE_COUNT;
	cr_assert_eq(xs_wire_check_header(&h), -EBADMSG);
	h.type = XS_INVALID;
	cr_assert_eq(xs_wire_check_header(&h), -EBADMSG);
	h.type = XS_WATCH_EVENT;
	cr_assert_eq(xs_wire_check_header(&h), 0);
}

Test(xs_wire, error_strings)
{
	cr_assert_eq(xs_wire_errno("ENOENT", 7), -ENOENT);
	cr_assert_eq(xs_wire_errno("ENOENT", 6), -ENOENT); /* without its NUL */
	cr_assert_eq(xs_wire_errno("EACCES", 7), -EACCES);
	cr_assert_eq(xs_wire_errno("EAGAIN", 7), -EAGAIN);
	cr_assert_eq(xs_wire_errno("E2BIG", 6), -E2BIG);
	cr_assert_eq(xs_wire_errno("EPERM", 6), -EPERM);
	cr_assert_eq(xs_wire_errno("EQUOTA", 7), -EIO);
	cr_assert_eq(xs_wire_errno("ENOENTX", 8), -EIO); /* a prefix is not a match */
	cr_assert_eq(xs_wire_errno("ENOE", 4), -EIO);
	cr_assert_eq(xs_wire_errno("", 0), -EIO);
	/* every entry of Xen's table maps to itself */
	for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
		cr_assert_eq(
		    xs_wire_errno(xsd_errors[i].errstring, strlen(xsd_errors[i].errstring) + 1),
		    -xsd_errors[i].errnum, "%s", xsd_errors[i].errstring);
}

Test(xs_wire, reply_status)
{
	struct xsd_sockmsg h = { XS_READ, 1, 0, 3 };

	cr_assert_eq(xs_wire_reply_status(XS_READ, &h, "abc"), 0);
	cr_assert_eq(xs_wire_reply_status(XS_WRITE, &h, "abc"), -EPROTO);
	h = (struct xsd_sockmsg){ XS_ERROR, 1, 0, 7 };
	cr_assert_eq(xs_wire_reply_status(XS_WRITE, &h, "EACCES"), -EACCES);
}

Test(xs_wire, split_lists)
{
	char p[] = "a\0bc\0\0d\0";
	const char *it[4];

	cr_assert_eq(xs_wire_split(p, sizeof(p) - 1, it, 4), 3);
	cr_assert_str_eq(it[0], "a");
	cr_assert_str_eq(it[1], "bc");
	cr_assert_str_eq(it[2], "d");
	cr_assert_eq(xs_wire_split(p, 0, it, 4), 0);
	cr_assert_eq(xs_wire_split("\0", 1, it, 4), 0);
	cr_assert_eq(xs_wire_split(p, sizeof(p) - 1, it, 2), -E2BIG);
	/* the last name without its NUL */
	cr_assert_eq(xs_wire_split("a\0bc", 4, it, 4), -EBADMSG);
	cr_assert_eq(xs_wire_split("abc", 3, it, 4), -EBADMSG);
}

Test(xs_wire, watch_events)
{
	const char *path, *token;

	cr_assert_eq(xs_wire_watch_event("a/b\0tok\0", 8, &path, &token), 0);
	cr_assert_str_eq(path, "a/b");
	cr_assert_str_eq(token, "tok");
	cr_assert_eq(xs_wire_watch_event("a/b\0tok", 7, &path, &token), -EBADMSG);
	cr_assert_eq(xs_wire_watch_event("a/b\0", 4, &path, &token), -EBADMSG);
	cr_assert_eq(xs_wire_watch_event("a/b", 3, &path, &token), -EBADMSG);
	cr_assert_eq(xs_wire_watch_event("\0tok\0", 5, &path, &token), -EBADMSG);
	cr_assert_eq(xs_wire_watch_event("a\0\0", 3, &path, &token), -EBADMSG);
	cr_assert_eq(xs_wire_watch_event("", 0, &path, &token), -EBADMSG);
}

Test(xs_wire, numbers)
{
	uint64_t v;

	cr_assert_eq(xs_wire_parse_uint("42", 2, 100, &v), 0);
	cr_assert_eq(v, 42);
	cr_assert_eq(xs_wire_parse_uint("42", 3, 100, &v), 0); /* with its NUL */
	cr_assert_eq(xs_wire_parse_uint("101", 3, 100, &v), -ERANGE);
	cr_assert_eq(xs_wire_parse_uint("4294967295", 10, UINT32_MAX, &v), 0);
	cr_assert_eq(xs_wire_parse_uint("4294967296", 10, UINT32_MAX, &v), -ERANGE);
	cr_assert_eq(xs_wire_parse_uint("18446744073709551616", 20, UINT64_MAX, &v), -ERANGE);
	cr_assert_eq(xs_wire_parse_uint("", 0, 100, &v), -EINVAL);
	cr_assert_eq(xs_wire_parse_uint("\0", 1, 100, &v), -EINVAL);
	cr_assert_eq(xs_wire_parse_uint("-1", 2, 100, &v), -EINVAL);
	cr_assert_eq(xs_wire_parse_uint("1 ", 2, 100, &v), -EINVAL);
	cr_assert_eq(xs_wire_parse_uint("1\0002", 3, 100, &v), -EINVAL);
}

Test(xs_wire, perms)
{
	struct xs_perm p;
	char out[8];

	cr_assert_eq(xs_wire_perm_parse("r0", &p), 0);
	cr_assert(p.perm == 'r' && p.domid == 0);
	cr_assert_eq(xs_wire_perm_parse("b65535", &p), 0);
	cr_assert_eq(p.domid, 65535);
	cr_assert_eq(xs_wire_perm_parse("b65536", &p), -EINVAL);
	cr_assert_eq(xs_wire_perm_parse("x1", &p), -EINVAL);
	cr_assert_eq(xs_wire_perm_parse("r", &p), -EINVAL);
	cr_assert_eq(xs_wire_perm_parse("", &p), -EINVAL);
	p = (struct xs_perm){ 12345, 'w' };
	cr_assert_eq(xs_wire_perm_format(&p, out, sizeof(out)), 7);
	cr_assert_str_eq(out, "w12345");
	p.perm = 'q';
	cr_assert_eq(xs_wire_perm_format(&p, out, sizeof(out)), -EINVAL);
}

Test(xs_ring, used_by_subtraction)
{
	cr_assert_eq(xs_ring_used(0, 0), 0);
	cr_assert_eq(xs_ring_used(0, 1024), 1024);
	cr_assert_eq(xs_ring_used(0, 1025), -EPROTO);
	/* across the 32-bit wrap */
	cr_assert_eq(xs_ring_used(0xfffffff0u, 0x10), 0x20);
	cr_assert_eq(xs_ring_used(0xfffffff0u, 0x3f0), 1024);
	cr_assert_eq(xs_ring_used(0xfffffff0u, 0x3f1), -EPROTO);
	/* a producer behind the consumer is a jump of almost 4 GiB */
	cr_assert_eq(xs_ring_used(100, 99), -EPROTO);
}

Test(xs_ring, put_get_wrap)
{
	char out[100];

	xs_ring_put(ring, 0xffffffe0u, "0123456789abcdefghijklmnopqrstuvwxyzABCDEF", 42);
	xs_ring_get(ring, 0xffffffe0u, out, 42);
	cr_assert_eq(memcmp(out, "0123456789abcdefghijklmnopqrstuvwxyzABCDEF", 42), 0);
	cr_assert_eq(ring[1023], 'v'); /* index 0xffffffff masks to 1023 */
	cr_assert_eq(ring[0], 'w');
}

static struct xs_rx rx;

Test(xs_rx, one_message_in_pieces)
{
	uint32_t prod = put_msg(1000, XS_READ, 9, "hello", 5), cons = 1000;

	xs_rx_init(&rx);
	/* byte by byte: nothing complete until the last one */
	for (uint32_t end = 1001; end < prod; end++)
		cr_assert_eq(xs_rx_step(&rx, ring, &cons, end), 0);
	cr_assert_eq(xs_rx_step(&rx, ring, &cons, prod), 1);
	cr_assert_eq(cons, prod);
	cr_assert_eq(rx.m.hdr.req_id, 9);
	cr_assert_eq(rx.m.hdr.len, 5);
	cr_assert_str_eq(xs_rx_payload(&rx), "hello"); /* NUL added after the payload */
	cr_assert_eq(xs_rx_step(&rx, ring, &cons, prod), 0);
}

Test(xs_rx, back_to_back_and_empty_payload)
{
	uint32_t p = put_msg(0, XS_WRITE, 1, "OK", 3);
	p = put_msg(p, XS_WATCH_EVENT, 0, "a\0t", 4);
	p = put_msg(p, XS_RM, 2, "", 0);
	uint32_t cons = 0;

	xs_rx_init(&rx);
	cr_assert_eq(xs_rx_step(&rx, ring, &cons, p), 1);
	cr_assert_eq(rx.m.hdr.type, XS_WRITE);
	cr_assert_eq(xs_rx_step(&rx, ring, &cons, p), 1);
	cr_assert_eq(rx.m.hdr.type, XS_WATCH_EVENT);
	cr_assert_eq(xs_rx_step(&rx, ring, &cons, p), 1);
	cr_assert_eq(rx.m.hdr.type, XS_RM);
	cr_assert_eq(rx.m.hdr.len, 0);
	cr_assert_eq(rx.stats.messages, 3);
}

Test(xs_rx, oversized_header_loses_framing)
{
	/* issue 18: lengths no reply may have were "skipped", swallowing every later reply */
	static const uint32_t lens[] = { XENSTORE_PAYLOAD_MAX + 1, 5000, 0x80000000u, 0xffffffffu };

	for (unsigned i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		uint32_t cons = 0, prod = 0;
		struct xsd_sockmsg h = { XS_READ, 4, 0, lens[i] };

		xs_rx_init(&rx);
		xs_ring_put(ring, prod, &h, sizeof(h));
		prod += sizeof(h);
		prod = put_msg(prod, XS_READ, 5, "ok", 2);
		cr_assert_eq(xs_rx_step(&rx, ring, &cons, prod), -EPROTO, "len %#x", lens[i]);
		cr_assert_eq(rx.stats.oversized, 1);
		cr_assert_eq(cons, sizeof(h), "only the bad header is consumed");
		cr_assert_eq(rx.have, 0);
		cr_assert_eq(rx.skip, 0);
		/* a fresh stream (after the ring reset) frames again from its first byte */
		cr_assert_eq(xs_rx_step(&rx, ring, &cons, prod), 1);
		cr_assert_eq(rx.m.hdr.req_id, 5);
	}
}

Test(xs_rx, unknown_type_dropped)
{
	uint32_t p = put_msg(0, 99, 1, "junk", 4), cons = 0;

	p = put_msg(p, XS_READ, 2, "v", 1);
	xs_rx_init(&rx);
	cr_assert_eq(xs_rx_step(&rx, ring, &cons, p), 1);
	cr_assert_eq(rx.m.hdr.req_id, 2);
	cr_assert_eq(rx.stats.bad_type, 1);
}

Test(xs_rx, max_payload)
{
	static char big[XENSTORE_PAYLOAD_MAX];
	uint32_t cons = 0, prod = 0;
	struct xsd_sockmsg h = { XS_READ, 4, 0, XENSTORE_PAYLOAD_MAX };

	memset(big, 'y', sizeof(big));
	xs_rx_init(&rx);
	xs_ring_put(ring, prod, &h, sizeof(h));
	prod += sizeof(h);
	for (int i = 0; i < 8; i++) {
		xs_ring_put(ring, prod, big + i * 512, 512);
		prod += 512;
		cr_assert_eq(xs_rx_step(&rx, ring, &cons, prod), i == 7);
	}
	cr_assert_eq(rx.m.hdr.len, XENSTORE_PAYLOAD_MAX);
	cr_assert_eq(memcmp(xs_rx_payload(&rx), big, XENSTORE_PAYLOAD_MAX), 0);
	cr_assert_eq(xs_rx_payload(&rx)[XENSTORE_PAYLOAD_MAX], 0);
}

/* ---- XS_DIRECTORY_PART replies (xs_wire_dirpart) ---- */

static int dirpart(struct xs_dirpart *d, const char *p, uint32_t len)
{
	return xs_wire_dirpart(d, p, len);
}

Test(xs_wire, dirpart_assembles_pieces_of_one_generation)
{
	char buf[64];
	struct xs_dirpart d = { .buf = buf, .cap = sizeof(buf) };

	/* "<gen>\0" then whole names; the last piece has one more NUL (an empty name) */
	cr_assert_eq(dirpart(&d, "7\0alpha\0beta\0", 13), 0);
	cr_assert_eq(d.len, 11);
	cr_assert_eq(dirpart(&d, "7\0gamma\0\0", 9), 1);
	cr_assert_eq(d.len, 17);
	cr_assert_eq(memcmp(buf, "alpha\0beta\0gamma\0", 17), 0);
}

Test(xs_wire, dirpart_empty_tail_and_empty_list)
{
	char buf[16];
	struct xs_dirpart d = { .buf = buf, .cap = sizeof(buf) };

	cr_assert_eq(dirpart(&d, "3\0\0", 3), 1); /* an offset at the end: only the marker */
	cr_assert_eq(d.len, 0);
}

Test(xs_wire, dirpart_generation_change_starts_over)
{
	char buf[64];
	struct xs_dirpart d = { .buf = buf, .cap = sizeof(buf) };

	cr_assert_eq(dirpart(&d, "7\0a\0", 4), 0);
	cr_assert_eq(dirpart(&d, "8\0b\0\0", 5), -EAGAIN);
}

Test(xs_wire, dirpart_refuses_what_makes_no_progress_or_no_sense)
{
	char buf[8];
	struct xs_dirpart d = { .buf = buf, .cap = sizeof(buf) };

	cr_assert_eq(dirpart(&d, "7", 1), -EBADMSG);		  /* no NUL after the generation */
	cr_assert_eq(dirpart(&d, "x\0a\0\0", 5), -EBADMSG);	  /* not a number */
	cr_assert_eq(dirpart(&d, "7\0", 2), -EBADMSG);		  /* nothing: would ask forever */
	cr_assert_eq(dirpart(&d, "7\0ab", 4), -EBADMSG);	  /* a name cut short */
	cr_assert_eq(dirpart(&d, "7\0abcdefghij\0", 13), -E2BIG); /* over cap */
}
