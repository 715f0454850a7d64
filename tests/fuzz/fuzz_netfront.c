/*
 * Fuzzes netfront's pure ring logic with the backend's bytes: RX responses and extra-info
 * segments (nf_rx_parse), TX responses (nf_tx_rsp_check), checksum completion of csum_blank
 * frames, checksum trust, and TX GSO coalescing of the frames the stack would hand it.
 */
#include "tests/fuzz/fuzz.h"
#include "drivers/netfront/netfront_gso.h"
#include "drivers/netfront/netfront_ring.h"

#define RING 256u

static void rx(struct fz *f)
{
	union nf_rx_slot slot[24];
	unsigned avail = fz_u8(f) % 25;
	uint32_t cons = fz_u32(f);
	struct nf_rx_pkt pkt;

	fz_bytes(f, slot, avail * sizeof(slot[0]));
	if (!nf_rx_parse(slot, avail, cons, RING, &pkt))
		return;
	/* every slot the packet used was offered; a good packet's fragments add up and fit pages */
	FZ_CHECK(pkt.slots >= 1 && pkt.slots <= avail);
	FZ_CHECK(pkt.verdict < NF_RX_NR_VERDICTS);
	if (pkt.verdict != NF_RX_OK)
		return;
	uint32_t sum = 0;
	FZ_CHECK(pkt.nfrags >= 1 && pkt.nfrags <= NF_MAX_SLOTS && pkt.nfrags <= pkt.slots);
	for (unsigned i = 0; i < pkt.nfrags; i++) {
		FZ_CHECK(pkt.frag[i].len > 0);
		FZ_CHECK((uint32_t)pkt.frag[i].offset + pkt.frag[i].len <= NF_PAGE_SIZE);
		FZ_CHECK(pkt.frag[i].buf < RING);
		/* a fragment names the buffer posted at its own ring position, once */
		for (unsigned j = 0; j < i; j++)
			FZ_CHECK(pkt.frag[j].buf != pkt.frag[i].buf);
		sum += pkt.frag[i].len;
	}
	FZ_CHECK(sum == pkt.len && pkt.len >= NF_MIN_FRAME && pkt.len <= NF_MAX_FRAME);
}

static void tx(struct fz *f)
{
	uint8_t inflight[RING];
	struct netif_tx_response r;

	fz_bytes(f, inflight, sizeof(inflight));
	fz_bytes(f, &r, sizeof(r));
	if (nf_tx_rsp_check(&r, RING, inflight) == 0)
		FZ_CHECK(r.id < RING && inflight[r.id]); /* only an in-flight slot completes */
	uint16_t sizes[NF_MAX_SLOTS], bytes[NF_MAX_SLOTS];
	uint32_t len = fz_u32(f) % 70000, cap = 1 + fz_u16(f) % 4096;
	unsigned n = nf_tx_split(len, cap, NF_MAX_SLOTS, sizes, bytes);
	if (n) {
		uint32_t sum = 0;
		for (unsigned i = 0; i < n; i++) {
			FZ_CHECK(bytes[i] && bytes[i] <= cap);
			sum += bytes[i];
		}
		FZ_CHECK(sum == len && sizes[0] == len);
	}
}

static void csum(struct fz *f)
{
	uint8_t frame[1600];
	size_t len = fz_u16(f) % sizeof(frame);

	fz_bytes(f, frame, len);
	nf_rx_csum_trusted(fz_u8(f), frame, len);
	int r = nf_csum_complete(frame, len);
	FZ_CHECK(r >= -1 && r <= 1);
}

/* TCP segments of one flow as lwIP builds them: the GSO frame's bytes must add up. */
static void gso(struct fz *f)
{
	static uint8_t buf[XEN_NETIF_MAX_TX_SIZE], seg[16][1600];
	struct nf_gso g = { .buf = buf, .cap = sizeof(buf) };
	uint32_t payload = 0, taken = 0;

	for (unsigned s = 0; s < 16 && f->n; s++) {
		size_t len = fz_u16(f) % sizeof(seg[s]);
		fz_bytes(f, seg[s], len);
		struct netfront_frag fr[2] = { { seg[s], (uint32_t)(len < 40 ? len : 40) },
					       { seg[s] + (len < 40 ? len : 40),
						 (uint32_t)(len < 40 ? 0 : len - 40) } };
		if (!nf_gso_add(&g, fr, 2))
			break;
		taken++;
		payload += (uint32_t)len - (len >= NF_GSO_HDR ? NF_GSO_HDR : 0);
	}
	if (!taken)
		return;
	uint32_t before = g.len;
	uint16_t mss = nf_gso_finish(&g);
	FZ_CHECK(g.len == before && g.len <= g.cap);
	if (taken > 1) {
		/* one header and every segment's payload; the IPv4 length says so too */
		FZ_CHECK(mss && g.len == NF_GSO_HDR + payload);
		FZ_CHECK(((uint32_t)buf[16] << 8 | buf[17]) == g.len - 14);
		FZ_CHECK(mss >= (payload + taken - 1) / taken);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };

	switch (fz_u8(&f) % 4) {
	case 0:
		rx(&f);
		break;
	case 1:
		tx(&f);
		break;
	case 2:
		csum(&f);
		break;
	case 3:
		gso(&f);
		break;
	}
	return 0;
}
