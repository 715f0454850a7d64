/*
 * Fuzz-style test of the xenstore reply path: valid streams with random mutations (bytes, lengths,
 * types, truncation, chunking) go through reassembly, matching and every payload parser, under
 * ASan/UBSan. Fixed seed: a failure reproduces.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/xenbus/xs_reqs.h"
#include "drivers/xenbus/xs_wire.h"

#define ITERATIONS 20000

static uint64_t seed;
static uint32_t rnd(void)
{
	seed = seed * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(seed >> 33);
}

static char ring[XENSTORE_RING_SIZE];
static struct xs_rx rx;
static struct xs_reqs t;

/* Parses a complete message every way the client might, checking the reader's promises. */
static void consume(void)
{
	const char *p = xs_rx_payload(&rx), *path, *token, *items[64];
	uint32_t len = rx.m.hdr.len;
	uint64_t v;
	struct xs_perm perm;

	cr_assert_leq(len, XENSTORE_PAYLOAD_MAX);
	cr_assert(xs_wire_type_known(rx.m.hdr.type));
	cr_assert_eq(p[len], 0);
	xs_wire_watch_event(p, len, &path, &token);
	int n = xs_wire_split(p, len, items, 64);
	for (int i = 0; i < n; i++) {
		cr_assert_lt(items[i], p + len);
		xs_wire_perm_parse(items[i], &perm);
	}
	xs_wire_parse_uint(p, len, UINT32_MAX, &v);
	xs_wire_errno(p, len);
	struct xs_req *r = xs_reqs_match(&t, rx.m.hdr.req_id);
	if (r) {
		r->status = xs_wire_reply_status(r->type, &rx.m.hdr, p);
		xs_reqs_put(&t, r);
		xs_reqs_get(&t, rnd() % XS_TYPE_COUNT);
	}
}

/* A valid stream of replies, errors and events into buf; returns its length. */
static uint32_t valid_stream(uint8_t *buf, uint32_t cap)
{
	static const char *payloads[] = { "OK",	      "value", "a\0b\0c\0", "path\0token\0",
					  "ENOENT\0", "12\0",  "r0\0b5\0",  "" };
	static const uint32_t lens[] = { 3, 5, 6, 11, 7, 3, 6, 0 };
	static const uint32_t types[] = { XS_WRITE,	  XS_READ,  XS_DIRECTORY,
					  XS_WATCH_EVENT, XS_ERROR, XS_TRANSACTION_START,
					  XS_GET_PERMS,	  XS_RM };
	uint32_t n = 0;

	while (n + 64 < cap) {
		unsigned k = rnd() % 8;
		struct xsd_sockmsg h = { types[k], rnd() % 40, 0, lens[k] };

		memcpy(buf + n, &h, sizeof(h));
		memcpy(buf + n + sizeof(h), payloads[k], lens[k]);
		n += sizeof(h) + lens[k];
	}
	return n;
}

static void mutate(uint8_t *buf, uint32_t n)
{
	unsigned muts = 1 + rnd() % 8;

	for (unsigned m = 0; m < muts; m++) {
		uint32_t at = rnd() % n;

		switch (rnd() % 5) {
		case 0:
			buf[at] ^= (uint8_t)(1u << (rnd() % 8));
			break;
		case 1:
			buf[at] = (uint8_t)rnd();
			break;
		case 2:
			buf[at] = 0;
			break;
		case 3: /* a length or type field made huge or odd */
			if (at + 4 <= n) {
				uint32_t v = rnd() % 3 ? rnd() : 4096 + rnd() % 3 - 1;
				memcpy(buf + at, &v, 4);
			}
			break;
		case 4:
			buf[at] = 0xff;
			break;
		}
	}
}

Test(xs_fuzz, mutated_streams)
{
	static uint8_t buf[16384];

	seed = 0x5eed;
	for (int it = 0; it < ITERATIONS; it++) {
		uint32_t n = valid_stream(buf, 512 + rnd() % (sizeof(buf) - 512));

		if (it)
			mutate(buf, n);
		if (rnd() % 4 == 0)
			n -= rnd() % n; /* truncated */
		xs_rx_init(&rx);
		xs_reqs_init(&t);
		for (int i = 0; i < 8; i++)
			xs_reqs_get(&t, rnd() % XS_TYPE_COUNT);
		/* stream through the ring in random chunks, from a random index near the wrap */
		uint32_t prod = 0xffffffffu - rnd() % 4096, cons = prod, off = 0;

		while (off < n) {
			int used = xs_ring_used(cons, prod);

			cr_assert(used >= 0 && used <= XENSTORE_RING_SIZE);
			uint32_t room = XENSTORE_RING_SIZE - (uint32_t)used;
			uint32_t k = 1 + rnd() % XENSTORE_RING_SIZE;

			if (k > room)
				k = room;
			if (k > n - off)
				k = n - off;
			xs_ring_put(ring, prod, buf + off, k);
			prod += k;
			off += k;
			int got;
			while ((got = xs_rx_step(&rx, ring, &cons, prod)) != 0) {
				if (got > 0) {
					consume();
					continue;
				}
				/* framing lost: the client resets the ring; model that */
				cr_assert_eq(got, -EPROTO);
				cons = prod;
			}
			cr_assert_eq(cons, prod, "the reader takes every byte offered");
		}
		cr_assert_leq(rx.have, XS_MSG_MAX);
	}
}

Test(xs_fuzz, ring_indices)
{
	seed = 42;
	for (int i = 0; i < 100000; i++) {
		uint32_t cons = rnd() << 1 ^ rnd(),
			 prod = cons + (rnd() % 3 ? rnd() % 1100 : rnd());
		int u = xs_ring_used(cons, prod);

		if (prod - cons <= XENSTORE_RING_SIZE)
			cr_assert_eq(u, (int)(prod - cons));
		else
			cr_assert_eq(u, -EPROTO);
	}
}

Test(xs_fuzz, random_payloads_through_parsers)
{
	static char p[XENSTORE_PAYLOAD_MAX + 1];
	const char *a, *b, *items[16];
	uint64_t v;

	seed = 7;
	for (int i = 0; i < ITERATIONS; i++) {
		uint32_t len = rnd() % 64;

		for (uint32_t k = 0; k < len; k++)
			p[k] = (char)(rnd() % 4 ? 'a' + rnd() % 3 : 0);
		p[len] = 0; /* the reader's guarantee */
		if (!xs_wire_watch_event(p, len, &a, &b)) {
			cr_assert(strlen(a) > 0 && strlen(b) > 0);
			cr_assert_leq(b + strlen(b), p + len);
		}
		int n = xs_wire_split(p, len, items, 16);
		cr_assert(n >= 0 || n == -E2BIG || n == -EBADMSG);
		xs_wire_parse_uint(p, len, UINT64_MAX, &v);
		cr_assert_leq(-xs_wire_errno(p, len), 200);
	}
}
