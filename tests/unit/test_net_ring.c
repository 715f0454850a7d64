/* Unit tests for netfront's ring logic (RX parsing incl. hostile responses, TX splitting, flags and responses, checksum trust and completion) and the ip= option parser. */
#include <criterion/criterion.h>
#include <string.h>
#include "drivers/netfront/netfront_ring.h"
#include "drivers/netfront/netfront_mac.h"
#include "base/errno.h"
#include "lib/lwip/netcfg.h"

#define RS 256

static union nf_rx_slot rsp(uint16_t id, uint16_t off, uint16_t flags, int16_t status)
{
	union nf_rx_slot s;

	memset(&s, 0, sizeof(s));
	s.rsp.id = id;
	s.rsp.offset = off;
	s.rsp.flags = flags;
	s.rsp.status = status;
	return s;
}

Test(net_rx, single_slot_packet)
{
	union nf_rx_slot s[1] = { rsp(5, 0, NETRXF_data_validated, 60) };
	struct nf_rx_pkt p;

	cr_assert_eq(nf_rx_parse(s, 1, 5, RS, &p), 1);
	cr_assert_eq(p.verdict, NF_RX_OK);
	cr_assert_eq(p.slots, 1);
	cr_assert_eq(p.nfrags, 1);
	cr_assert_eq(p.len, 60);
	cr_assert_eq(p.frag[0].buf, 5);
	cr_assert_eq(p.flags & NETRXF_data_validated, NETRXF_data_validated);
}

Test(net_rx, ids_follow_ring_positions_across_the_wrap)
{
	/* free-running consumer near 2^32: positions wrap, ids are position & mask */
	uint32_t cons = 0xffffffffu;
	union nf_rx_slot s[2] = { rsp(255, 0, NETRXF_more_data, 1000), rsp(0, 0, 0, 500) };
	struct nf_rx_pkt p;

	cr_assert_eq(nf_rx_parse(s, 2, cons, RS, &p), 1);
	cr_assert_eq(p.verdict, NF_RX_OK);
	cr_assert_eq(p.slots, 2);
	cr_assert_eq(p.len, 1500);
	cr_assert_eq(p.frag[1].buf, 0);
}

Test(net_rx, multi_slot_waits_for_its_last_slot)
{
	union nf_rx_slot s[2] = { rsp(0, 0, NETRXF_more_data, 1000),
				  rsp(1, 0, NETRXF_more_data, 400) };
	struct nf_rx_pkt p;

	cr_assert_eq(nf_rx_parse(s, 2, 0, RS, &p), 0);
	cr_assert_eq(nf_rx_parse(s, 0, 0, RS, &p), 0);
}

Test(net_rx, hostile_responses_are_dropped_whole)
{
	struct nf_rx_pkt p;
	union nf_rx_slot bad_id[1] = { rsp(9, 0, 0, 60) };
	union nf_rx_slot bad_status[1] = { rsp(0, 0, 0, NETIF_RSP_ERROR) };
	union nf_rx_slot zero[1] = { rsp(0, 0, 0, 0) };
	union nf_rx_slot bounds[1] = { rsp(0, 4000, 0, 200) };
	union nf_rx_slot runt[1] = { rsp(0, 0, 0, 10) };
	union nf_rx_slot big[2] = { rsp(0, 0, NETRXF_more_data, 1500), rsp(1, 0, 0, 100) };
	union nf_rx_slot bad_in_middle[3] = { rsp(0, 0, NETRXF_more_data, 500),
					      rsp(1, 0, NETRXF_more_data, NETIF_RSP_DROPPED),
					      rsp(2, 0, 0, 100) };

	cr_assert_eq(nf_rx_parse(bad_id, 1, 0, RS, &p), 1);
	cr_assert_eq(p.verdict, NF_RX_ERR_ID);
	cr_assert_eq(nf_rx_parse(bad_status, 1, 0, RS, &p), 1);
	cr_assert_eq(p.verdict, NF_RX_ERR_STATUS);
	cr_assert_eq(nf_rx_parse(zero, 1, 0, RS, &p), 1);
	cr_assert_eq(p.verdict, NF_RX_ERR_STATUS);
	cr_assert_eq(nf_rx_parse(bounds, 1, 0, RS, &p), 1);
	cr_assert_eq(p.verdict, NF_RX_ERR_BOUNDS);
	cr_assert_eq(nf_rx_parse(runt, 1, 0, RS, &p), 1);
	cr_assert_eq(p.verdict, NF_RX_ERR_RUNT);
	cr_assert_eq(nf_rx_parse(big, 2, 0, RS, &p), 1);
	cr_assert_eq(p.verdict, NF_RX_ERR_OVERSIZE);
	cr_assert_eq(p.nfrags, 0, "a dropped packet hands out no fragments");
	/* all three slots are consumed, so the next packet starts in the right place */
	cr_assert_eq(nf_rx_parse(bad_in_middle, 3, 0, RS, &p), 1);
	cr_assert_eq(p.verdict, NF_RX_ERR_STATUS);
	cr_assert_eq(p.slots, 3);
}

Test(net_rx, endless_more_data_is_cut)
{
	union nf_rx_slot s[64];
	struct nf_rx_pkt p;

	for (unsigned i = 0; i < 64; i++)
		s[i] = rsp((uint16_t)i, 0, NETRXF_more_data, 10);
	cr_assert_eq(nf_rx_parse(s, 64, 0, RS, &p), 1);
	cr_assert_eq(p.verdict, NF_RX_ERR_SLOTS);
	cr_assert_leq(p.slots, NF_MAX_SLOTS + 4);
}

Test(net_rx, extra_info_slots_are_consumed_and_unasked_gso_refused)
{
	union nf_rx_slot s[3];
	struct nf_rx_pkt p;

	s[0] = rsp(0, 0, NETRXF_extra_info, 100);
	memset(&s[1], 0, sizeof(s[1]));
	s[1].extra.type = XEN_NETIF_EXTRA_TYPE_MCAST_ADD;
	s[1].extra.flags = XEN_NETIF_EXTRA_FLAG_MORE;
	memset(&s[2], 0, sizeof(s[2]));
	s[2].extra.type = XEN_NETIF_EXTRA_TYPE_HASH;
	cr_assert_eq(nf_rx_parse(s, 3, 0, RS, &p), 1);
	cr_assert_eq(p.verdict, NF_RX_OK);
	cr_assert_eq(p.slots, 3);
	cr_assert_eq(p.len, 100);
	s[1].extra.type = XEN_NETIF_EXTRA_TYPE_GSO;
	cr_assert_eq(nf_rx_parse(s, 3, 0, RS, &p), 1);
	cr_assert_eq(p.verdict, NF_RX_ERR_EXTRA);
	cr_assert_eq(p.slots, 3);
	cr_assert_eq(nf_rx_parse(s, 2, 0, RS, &p), 0, "the extra chain is not complete yet");
}

Test(net_rx, rx_flag_bits_are_not_tx_ones)
{
	cr_assert_eq(NETRXF_csum_blank, 2);
	cr_assert_eq(NETRXF_data_validated, 1);
	cr_assert_eq(NETTXF_csum_blank, 1);
}

Test(net_tx, checksum_flags_on_the_first_request_only)
{
	cr_assert_eq(nf_tx_flags(0, 1, 0), NETTXF_data_validated);
	cr_assert_eq(nf_tx_flags(0, 3, 0), NETTXF_data_validated | NETTXF_more_data);
	cr_assert_eq(nf_tx_flags(1, 3, 0), NETTXF_more_data);
	cr_assert_eq(nf_tx_flags(2, 3, 0), 0);
	/* a plain frame: never the RX bit that shares the value, no blank field left to the backend */
	cr_assert_eq(nf_tx_flags(0, 1, 0) & NETTXF_csum_blank, 0);
	/* a super-segment: its partial sum completed per segment, the GSO slot announced */
	cr_assert_eq(nf_tx_flags(0, 17, 1), NETTXF_data_validated | NETTXF_csum_blank |
						NETTXF_extra_info | NETTXF_more_data);
	cr_assert_eq(nf_tx_flags(1, 17, 1), NETTXF_more_data);
	cr_assert_eq(nf_tx_flags(16, 17, 1), 0);
}

Test(net_tx, completion_event_halfway_through_what_is_in_flight)
{
	cr_assert_eq(nf_tx_event_after(0), 1, "at least the next response");
	cr_assert_eq(nf_tx_event_after(1), 1);
	cr_assert_eq(nf_tx_event_after(10), 6);
	cr_assert_eq(nf_tx_event_after(256), 129);
}

Test(net_ring, producer_sanity)
{
	cr_assert(nf_ring_sane(10, 5, RS));
	cr_assert(nf_ring_sane(5 + RS, 5, RS));
	cr_assert_not(nf_ring_sane(6 + RS, 5, RS));
	cr_assert_not(nf_ring_sane(4, 5, RS), "a producer behind the consumer");
	cr_assert(nf_ring_sane(3, 0xfffffff0u, RS), "across the wrap");
}

Test(net_tx, split_first_size_is_the_whole_packet)
{
	uint16_t sizes[NF_MAX_SLOTS], bytes[NF_MAX_SLOTS];

	cr_assert_eq(nf_tx_split(1514, 4096, 18, sizes, bytes), 1);
	cr_assert_eq(sizes[0], 1514);
	cr_assert_eq(nf_tx_split(10000, 4096, 18, sizes, bytes), 3);
	cr_assert_eq(sizes[0], 10000);
	cr_assert_eq(bytes[0], 4096);
	cr_assert_eq(sizes[1], 4096);
	cr_assert_eq(sizes[2], 10000 - 8192);
	cr_assert_eq(bytes[2], 10000 - 8192);
	cr_assert_eq(nf_tx_split(10000, 4096, 1, sizes, bytes), 0, "no sg: one slot only");
	cr_assert_eq(nf_tx_split(0, 4096, 18, sizes, bytes), 0);
	cr_assert_eq(nf_tx_split(0x10000, 4096, 18, sizes, bytes), 0);
}

Test(net_tx, responses_must_name_inflight_requests)
{
	uint8_t inflight[RS] = { 0 };
	struct netif_tx_response r = { .id = 3, .status = NETIF_RSP_OKAY };

	cr_assert_eq(nf_tx_rsp_check(&r, RS, inflight), -1);
	inflight[3] = 1;
	cr_assert_eq(nf_tx_rsp_check(&r, RS, inflight), 0);
	r.id = RS;
	cr_assert_eq(nf_tx_rsp_check(&r, RS, inflight), -1);
	r.id = 0xffff;
	cr_assert_eq(nf_tx_rsp_check(&r, RS, inflight), -1);
}

/* a UDP/IPv4 frame with a correct checksum, then blanked to a partial sum */
static size_t udp_frame(uint8_t *f)
{
	/* clang-format off */
	static const uint8_t hdr[] = {
		0, 0x16, 0x3e, 0, 0, 2, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0x08, 0x00,
		0x45, 0, 0, 32, 0, 1, 0x40, 0, 64, 17, 0, 0, 169, 254, 100, 1, 169, 254, 100, 2,
		0x30, 0x39, 0, 7, 0, 12, 0, 0, 'p', 'v', 'h', 'k'
	};
	/* clang-format on */
	memcpy(f, hdr, sizeof(hdr));
	return sizeof(hdr);
}

Test(net_csum, completes_udp_and_verifies_to_zero)
{
	uint8_t f[64];
	size_t n = udp_frame(f);

	cr_assert_eq(nf_csum_complete(f, n), 0);
	uint16_t c = (uint16_t)(f[40] << 8 | f[41]);
	cr_assert_neq(c, 0);
	/* the receiver's check: pseudo header + segment sums to 0xffff */
	uint8_t pseudo[4] = { 0, 17, 0, 12 };
	uint32_t sum = nf_csum_add(0, f + 26, 8);
	sum = nf_csum_add(sum, pseudo, 4);
	sum = nf_csum_add(sum, f + 34, 12);
	cr_assert_eq(sum, 0xffff);
}

Test(net_csum, trusted_only_when_validated_and_not_a_fragment)
{
	uint8_t f[64];
	size_t n = udp_frame(f);

	cr_assert(nf_rx_csum_trusted(NETRXF_data_validated, f, n));
	cr_assert(nf_rx_csum_trusted(NETRXF_data_validated | NETRXF_csum_blank, f, n));
	cr_assert_not(nf_rx_csum_trusted(0, f, n));
	cr_assert_not(nf_rx_csum_trusted(NETRXF_csum_blank, f, n),
		      "a blank field alone: complete it and check");
	cr_assert_not(nf_rx_csum_trusted(NETTXF_data_validated, f, n),
		      "bit 1 is csum_blank on RX, not data_validated");
	cr_assert_not(nf_rx_csum_trusted(NETRXF_data_validated, f, 33), "short header");
	f[20] = 0x20; /* more fragments */
	cr_assert_not(nf_rx_csum_trusted(NETRXF_data_validated, f, n));
	f[20] = 0;
	f[21] = 1; /* offset 8 */
	cr_assert_not(nf_rx_csum_trusted(NETRXF_data_validated, f, n));
	f[21] = 0;
	f[20] = 0x40; /* don't fragment: a whole datagram */
	cr_assert(nf_rx_csum_trusted(NETRXF_data_validated, f, n));
	f[14] = 0x65; /* IPv6 version nibble */
	cr_assert_not(nf_rx_csum_trusted(NETRXF_data_validated, f, n));
	f[14] = 0x44; /* IHL below 5 */
	cr_assert_not(nf_rx_csum_trusted(NETRXF_data_validated, f, n));
	f[14] = 0x45;
	f[13] = 0x06; /* ARP */
	cr_assert_not(nf_rx_csum_trusted(NETRXF_data_validated, f, n));
}

Test(net_csum, malformed_headers_refused_others_left_alone)
{
	uint8_t f[64];
	size_t n = udp_frame(f);

	cr_assert_eq(nf_csum_complete(f, 10), -1);
	f[16] = 0x10; /* IP total length beyond the frame */
	cr_assert_eq(nf_csum_complete(f, n), -1);
	n = udp_frame(f);
	f[14] = 0x43; /* IHL below 5 */
	cr_assert_eq(nf_csum_complete(f, n), -1);
	n = udp_frame(f);
	f[12] = 0x86;
	f[13] = 0xdd; /* IPv6: not ours */
	cr_assert_eq(nf_csum_complete(f, n), 1);
	n = udp_frame(f);
	f[23] = 1; /* ICMP: no pseudo-header sum to finish */
	cr_assert_eq(nf_csum_complete(f, n), 1);
}

Test(netcfg, static_and_dhcp)
{
	struct netcfg c;
	const char *err = NULL;

	cr_assert_eq(netcfg_parse("169.254.100.2/24", "169.254.100.1", "8.8.8.8", &c, &err), 0);
	cr_assert_eq(c.nifs, 1);
	cr_assert_eq(c.ifs[0].addr, 0xa9fe6402u);
	cr_assert_eq(c.ifs[0].prefix, 24);
	cr_assert_eq(c.gw, 0xa9fe6401u);
	cr_assert_eq(c.dns, 0x08080808u);
	cr_assert_eq(netcfg_parse("dhcp", NULL, NULL, &c, &err), 0);
	cr_assert(c.ifs[0].dhcp);
	cr_assert_eq(netcfg_parse("10.0.0.1/8,dhcp", NULL, NULL, &c, &err), 0);
	cr_assert_eq(c.nifs, 2);
	cr_assert(c.ifs[1].dhcp);
	cr_assert_eq(netcfg_parse(NULL, NULL, NULL, &c, &err), 0);
	cr_assert_eq(c.nifs, 0);
	cr_assert_eq(netcfg_mask(24), 0xffffff00u);
	cr_assert_eq(netcfg_mask(0), 0);
	cr_assert_eq(netcfg_mask(32), 0xffffffffu);
}

Test(netcfg, garbage_refused)
{
	struct netcfg c;
	const char *err = NULL;
	const char *bad[] = { "1.2.3",	  "1.2.3.256", "1.2.3.4/33",  "1.2.3.4x", "dhcpx",    "",
			      "1.2.3.4,", "1..2.3",    "01234.1.1.1", "1.2.3.4/", "a,b,c,d,e" };

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!bad[i][0])
			continue; /* empty ip= is "not given" */
		cr_assert_eq(netcfg_parse(bad[i], NULL, NULL, &c, &err), -1, "%s", bad[i]);
	}
	cr_assert_eq(netcfg_parse("1.2.3.4/24", "1.2.3", NULL, &c, &err), -1);
	cr_assert_eq(netcfg_parse("1.2.3.4/24", NULL, "x", &c, &err), -1);
	cr_assert_eq(netcfg_parse("1.1.1.1,2.2.2.2,3.3.3.3,4.4.4.4,5.5.5.5", NULL, NULL, &c, &err),
		     -1);
}

Test(netcfg, leading_zeros_refused)
{
	/* found by tests/fuzz/fuzz_netcfg: "0.02.0.00" was taken as 0.2.0.0; inet_aton reads 010 as 8 */
	static const char *const bad[] = { "0.02.0.00", "10.0.0.010", "192.168.01.1", "00.0.0.0" };
	struct netcfg c;
	const char *err;
	uint32_t a;

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(netcfg_parse_addr(bad[i], &a), -1, "%s", bad[i]);
	cr_assert_eq(netcfg_parse("10.0.0.2/024", NULL, NULL, &c, &err), -1);
	cr_assert_eq(netcfg_parse_addr("10.0.0.0", &a), 0);
	cr_assert_eq(a, 0x0a000000u);
}

Test(netcfg, backend_mac)
{
	uint8_t mac[6];

	cr_assert_eq(nf_parse_mac("00:16:3e:5A:01:02", mac), 0);
	cr_assert_eq(mac[3], 0x5a);
	cr_assert_eq(nf_parse_mac("00:16:3e:5a:01:0g", mac), -EINVAL);
	cr_assert_eq(nf_parse_mac("00:16:3e:5a:01:02:", mac), -EINVAL);
	cr_assert_eq(nf_parse_mac("00:16:3e:5a:01", mac), -EINVAL);
	cr_assert_eq(nf_parse_mac("0:16:3e:5a:01:02", mac), -EINVAL);
	cr_assert_eq(nf_parse_mac("", mac), -EINVAL);
}

/* issue 18's "a MAC that is not one": well formed, but no station's address */
Test(netcfg, backend_mac_not_a_station)
{
	uint8_t mac[6];

	cr_assert_eq(nf_parse_mac("00:16:3e:5a:01:02", mac), 0);
	cr_assert(nf_mac_unicast(mac));
	cr_assert_eq(nf_parse_mac("02:00:00:00:00:01", mac), 0); /* locally administered: fine */
	cr_assert(nf_mac_unicast(mac));
	cr_assert_eq(nf_parse_mac("ff:ff:ff:ff:ff:ff", mac), 0);
	cr_assert_not(nf_mac_unicast(mac));
	cr_assert_eq(nf_parse_mac("01:00:5e:00:00:01", mac), 0); /* IPv4 multicast */
	cr_assert_not(nf_mac_unicast(mac));
	cr_assert_eq(nf_parse_mac("00:00:00:00:00:00", mac), 0);
	cr_assert_not(nf_mac_unicast(mac));
}

/* Buffer counts from free memory: the full ring when plenty, halved as it shrinks, a floor. */
Test(net_bufs, sized_from_free_memory)
{
	cr_expect_eq(nf_bufs_for(1u << 20, RS), RS); /* 4 GiB free */
	cr_expect_eq(nf_bufs_for(2048, RS), RS);     /* 8 MiB free: 512 pages are a quarter */
	cr_expect_eq(nf_bufs_for(2047, RS), RS / 2);
	cr_expect_eq(nf_bufs_for(435, RS), 32); /* a 4 MiB domain's kernel share */
	cr_expect_eq(nf_bufs_for(10, RS), NF_MIN_BUFS);
	cr_expect_eq(nf_bufs_for(0, RS), NF_MIN_BUFS);
	for (uint64_t f = 0; f < 5000; f += 7) {
		unsigned n = nf_bufs_for(f, RS);

		cr_assert(n >= NF_MIN_BUFS && n <= RS && (n & (n - 1)) == 0);
		cr_assert(n == NF_MIN_BUFS || 8ull * n <= f, "%u buffers with %lu free", n,
			  (unsigned long)f);
	}
}
