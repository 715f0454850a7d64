/* Unit tests for netfront's TX segment coalescing (drivers/netfront/netfront_gso.c). */
#include <criterion/criterion.h>
#include <string.h>
#include "drivers/netfront/netfront_gso.h"
#include "drivers/netfront/netfront_ring.h"

#define MSS 1460u

static uint8_t gbuf[0xffff];

static struct nf_gso fresh(uint32_t cap)
{
	struct nf_gso g = { .buf = gbuf, .cap = cap };

	nf_gso_reset(&g);
	return g;
}

/* An Ethernet + IPv4 + TCP frame of len payload bytes (payload byte i = seq + i, mod 251). */
static size_t segment(uint8_t *f, uint32_t seq, uint32_t len, uint8_t flags)
{
	/* clang-format off */
	static const uint8_t hdr[54] = {
		2, 0, 0, 0, 0, 1, 0, 0x16, 0x3e, 0, 0, 2, 0x08, 0x00,	 /* Ethernet */
		0x45, 0, 0, 0, 0x12, 0x34, 0x40, 0, 64, 6, 0, 0,	 /* IPv4: DF, TTL 64, TCP */
		10, 0, 0, 2, 10, 0, 0, 1,				 /* 10.0.0.2 -> 10.0.0.1 */
		0x13, 0x88, 0xc3, 0x50, 0, 0, 0, 0, 0, 0, 0, 7, 0x50, 0, /* ports, seq, ack, doff */
		0x10, 0x00, 0xab, 0xcd, 0, 0,				 /* window, check, urg */
	};
	/* clang-format on */
	memcpy(f, hdr, 54);
	f[16] = (uint8_t)((40 + len) >> 8);
	f[17] = (uint8_t)(40 + len);
	f[38] = (uint8_t)(seq >> 24);
	f[39] = (uint8_t)(seq >> 16);
	f[40] = (uint8_t)(seq >> 8);
	f[41] = (uint8_t)seq;
	f[47] = flags;
	for (uint32_t i = 0; i < len; i++)
		f[54 + i] = (uint8_t)((seq + i) % 251);
	return 54 + len;
}

/* Offers a frame in two pieces (headers, payload), as lwIP's pbuf chains come. */
static int add(struct nf_gso *g, const uint8_t *f, size_t n)
{
	struct netfront_frag fr[2] = { { f, 54 }, { f + 54, (uint32_t)(n - 54) } };

	return nf_gso_add(g, fr, n > 54 ? 2 : 1);
}

static uint32_t rd16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

Test(net_gso, consecutive_full_segments_become_one_super_segment)
{
	struct nf_gso g = fresh(0xffff);
	uint8_t f[1600];
	uint32_t seq = 1000;

	for (int i = 0; i < 5; i++) {
		size_t n = segment(f, seq, i == 4 ? 300 : MSS, 0x10);
		f[42 + 3] = (uint8_t)(10 + i); /* a newer ack each time */
		cr_assert_eq(add(&g, f, n), 1, "segment %d", i);
		seq += i == 4 ? 300 : MSS;
	}
	cr_assert_eq(g.segs, 5);
	cr_assert_eq(nf_gso_finish(&g), MSS, "the GSO size is the first segment's payload");
	cr_assert_eq(g.len, 54 + 4 * MSS + 300);
	cr_assert_eq(rd16(gbuf + 16), g.len - 14, "IPv4 total length rewritten");
	cr_assert_eq(nf_csum_add(0, gbuf + 14, 20), 0xffff, "a valid IPv4 header checksum");
	cr_assert_eq(gbuf[45], 14, "the latest acknowledgement");
	/* the TCP field: the pseudo-header sum (addresses, protocol, TCP length), not inverted */
	uint8_t pseudo[12] = { 10, 0, 0, 2, 10, 0, 0, 1, 0, 6 };
	pseudo[10] = (uint8_t)((g.len - 34) >> 8);
	pseudo[11] = (uint8_t)(g.len - 34);
	cr_assert_eq(rd16(gbuf + 50), nf_csum_add(0, pseudo, 12));
	for (uint32_t i = 0; i < g.len - 54; i++)
		cr_assert_eq(gbuf[54 + i], (uint8_t)((1000 + i) % 251), "payload byte %u in order",
			     i);
}

Test(net_gso, a_single_segment_is_left_as_the_stack_built_it)
{
	struct nf_gso g = fresh(0xffff);
	uint8_t f[1600];
	size_t n = segment(f, 5, MSS, 0x18);

	cr_assert_eq(add(&g, f, n), 1);
	cr_assert_eq(nf_gso_finish(&g), 0, "no GSO for one segment");
	cr_assert_eq(g.len, n);
	cr_assert_eq(memcmp(gbuf, f, n), 0, "its checksum untouched");
}

Test(net_gso, what_cannot_be_coalesced_is_refused)
{
	struct nf_gso g = fresh(0xffff);
	uint8_t f[1600];

	cr_assert_eq(add(&g, f, segment(f, 1, 0, 0x10)), 0, "a pure ACK");
	cr_assert_eq(add(&g, f, segment(f, 1, 100, 0x11)), 0, "FIN");
	cr_assert_eq(add(&g, f, segment(f, 1, 100, 0x02)), 0, "SYN");
	cr_assert_eq(add(&g, f, segment(f, 1, 100, 0x14)), 0, "RST");
	cr_assert_eq(add(&g, f, segment(f, 1, 100, 0x30)), 0, "URG");
	segment(f, 1, 100, 0x10);
	f[46] = 0x60; /* TCP options */
	cr_assert_eq(add(&g, f, 154), 0, "TCP options");
	segment(f, 1, 100, 0x10);
	f[20] = 0x20; /* more fragments */
	cr_assert_eq(add(&g, f, 154), 0, "an IP fragment");
	segment(f, 1, 100, 0x10);
	f[14] = 0x46;
	cr_assert_eq(add(&g, f, 154), 0, "IP options");
	segment(f, 1, 100, 0x10);
	f[23] = 17;
	cr_assert_eq(add(&g, f, 154), 0, "UDP");
	segment(f, 1, 100, 0x10);
	f[12] = 0x86;
	f[13] = 0xdd;
	cr_assert_eq(add(&g, f, 154), 0, "not IPv4");
	segment(f, 1, 100, 0x10);
	cr_assert_eq(add(&g, f, 150), 0, "IP length disagrees with the frame");
	cr_assert_eq(add(&g, f, 40), 0, "a runt");
	cr_assert_eq(g.len, 0, "nothing was taken");
}

Test(net_gso, only_the_next_segment_of_the_same_flow_is_appended)
{
	struct nf_gso g = fresh(0xffff);
	uint8_t f[1600];

	cr_assert_eq(add(&g, f, segment(f, 100, MSS, 0x10)), 1);
	cr_assert_eq(add(&g, f, segment(f, 100, MSS, 0x10)), 0, "a retransmission (same seq)");
	cr_assert_eq(add(&g, f, segment(f, 100 + 2 * MSS, MSS, 0x10)), 0, "a gap");
	segment(f, 100 + MSS, MSS, 0x10);
	f[37] = 0x51; /* another destination port */
	cr_assert_eq(add(&g, f, 54 + MSS), 0, "another flow");
	segment(f, 100 + MSS, MSS, 0x10);
	f[33] = 9; /* another destination address */
	cr_assert_eq(add(&g, f, 54 + MSS), 0, "another host");
	segment(f, 100 + MSS, MSS, 0x10);
	f[22] = 63;
	cr_assert_eq(add(&g, f, 54 + MSS), 0, "another TTL");
	cr_assert_eq(add(&g, f, segment(f, 100 + MSS, MSS + 1, 0x10)), 0, "larger than the first");
	cr_assert_eq(add(&g, f, segment(f, 100 + MSS, 500, 0x18)), 1, "a short last one, PSH");
	cr_assert_eq(add(&g, f, segment(f, 100 + MSS + 500, 500, 0x10)), 0,
		     "nothing after a short segment");
	cr_assert_eq(g.segs, 2);
	cr_assert_eq(nf_gso_finish(&g), MSS);
	cr_assert_eq(gbuf[47], 0x18, "PSH carried over");
}

Test(net_gso, the_super_segment_stays_within_its_buffer)
{
	struct nf_gso g = fresh(0xffff);
	uint8_t f[1600];
	uint32_t seq = 0, taken = 0;

	while (add(&g, f, segment(f, seq, MSS, 0x10))) {
		seq += MSS;
		taken++;
	}
	cr_assert_eq(taken, (0xffff - 54) / MSS, "as many segments as fit (%u)", taken);
	cr_assert_leq(g.len, 0xffff);
	nf_gso_finish(&g);
	cr_assert_eq(rd16(gbuf + 16), g.len - 14);

	struct nf_gso small = fresh(1000);
	cr_assert_eq(add(&small, f, segment(f, 0, MSS, 0x10)), 0, "a frame larger than the buffer");
}
