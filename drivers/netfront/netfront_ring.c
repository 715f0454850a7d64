/* Netfront's pure ring logic, shared by the guest and the host unit tests: RX parsing, TX splitting and flags, checksum trust and completion. */
/*
 * What the netif rings (netfront.c) may legally carry, checked on copies so the backend cannot
 * change a slot after we looked. An RX packet spans one or more responses, NETRXF_more_data on
 * all but the last; NETRXF_extra_info means extra-info segments follow in the next slots (we
 * negotiated no RX GSO, so none is legal here). Response i of a packet must name the buffer
 * posted at position cons + i, its offset + length must stay inside that page, and its status
 * is the byte count or a negative error. The first slot's flags speak for the whole packet:
 * NETRXF_csum_blank (the checksum field is only partial) and NETRXF_data_validated (the
 * backend checked it). Any breach drops the whole packet, counted by reason, and its slots go
 * back on the ring; a packet that never ends is cut off. TX requests are built here too, and a
 * TX response must name an id that is in flight, so a repeated or invented id cannot free a
 * buffer twice.
 */
#include "drivers/netfront/netfront_ring.h"

int nf_rx_parse(const union nf_rx_slot *slot, unsigned avail, uint32_t cons, unsigned ring_size,
		struct nf_rx_pkt *pkt)
{
	unsigned mask = ring_size - 1, i = 0;
	enum nf_rx_verdict v = NF_RX_OK;
	int more;

	pkt->nfrags = 0;
	pkt->len = 0;
	pkt->flags = 0;
	pkt->slots = 0;
	if (avail == 0)
		return 0;
	pkt->flags = slot[0].rsp.flags;

	/* the data slots, each with its extra-info segments after it when flagged */
	do {
		if (i >= avail)
			return 0; /* the rest of this packet is still on its way */
		struct netif_rx_response r = slot[i].rsp;
		uint32_t pos = cons + i;
		i++;

		if (r.id != (pos & mask) && v == NF_RX_OK)
			v = NF_RX_ERR_ID;
		if (r.status <= 0 && v == NF_RX_OK)
			v = NF_RX_ERR_STATUS;
		else if (r.status > 0 && (uint32_t)r.offset + (uint32_t)r.status > NF_PAGE_SIZE &&
			 v == NF_RX_OK)
			v = NF_RX_ERR_BOUNDS;
		if (v == NF_RX_OK) {
			if (pkt->nfrags >= NF_MAX_SLOTS) {
				v = NF_RX_ERR_SLOTS;
			} else {
				pkt->frag[pkt->nfrags].buf = (uint16_t)(pos & mask);
				pkt->frag[pkt->nfrags].offset = r.offset;
				pkt->frag[pkt->nfrags].len = (uint16_t)r.status;
				pkt->nfrags++;
				pkt->len += (uint32_t)r.status;
			}
		}
		more = (r.flags & NETRXF_more_data) != 0;

		if (r.flags & NETRXF_extra_info) {
			/* extra segments follow, chained by their MORE flag; we asked for none (no GSO) */
			int emore;

			do {
				if (i >= avail)
					return 0;
				struct netif_extra_info e = slot[i].extra;
				i++;
				if ((e.type == XEN_NETIF_EXTRA_TYPE_NONE ||
				     e.type >= XEN_NETIF_EXTRA_TYPE_MAX ||
				     e.type == XEN_NETIF_EXTRA_TYPE_GSO) &&
				    v == NF_RX_OK)
					v = NF_RX_ERR_EXTRA;
				emore = (e.flags & XEN_NETIF_EXTRA_FLAG_MORE) != 0;
				if (i > NF_MAX_SLOTS + 4)
					break; /* a chain this long is hostile: stop reading it here */
			} while (emore);
		}
		if (i >= NF_MAX_SLOTS + 4 && more) {
			/* never wait for an endless packet: cut it here and drop it */
			if (v == NF_RX_OK)
				v = NF_RX_ERR_SLOTS;
			break;
		}
	} while (more);

	if (v == NF_RX_OK && pkt->len > NF_MAX_FRAME)
		v = NF_RX_ERR_OVERSIZE;
	if (v == NF_RX_OK && pkt->len < NF_MIN_FRAME)
		v = NF_RX_ERR_RUNT;
	pkt->slots = i;
	pkt->verdict = v;
	if (v != NF_RX_OK)
		pkt->nfrags = 0;
	return 1;
}

unsigned nf_tx_split(uint32_t len, uint32_t slot_cap, unsigned max, uint16_t *sizes,
		     uint16_t *bytes)
{
	if (len == 0 || len > XEN_NETIF_MAX_TX_SIZE || slot_cap == 0 || slot_cap > NF_PAGE_SIZE)
		return 0;
	unsigned n = (len + slot_cap - 1) / slot_cap;

	if (n > max)
		return 0;
	for (unsigned i = 0; i < n; i++) {
		uint32_t b = len - i * slot_cap;

		bytes[i] = (uint16_t)(b > slot_cap ? slot_cap : b);
		sizes[i] = i == 0 ? (uint16_t)len : bytes[i];
	}
	return n;
}

uint16_t nf_tx_flags(unsigned s, unsigned n, int gso)
{
	uint16_t f = s + 1 < n ? NETTXF_more_data : 0;

	if (s == 0)
		f |= gso ? NETTXF_data_validated | NETTXF_csum_blank | NETTXF_extra_info
			 : NETTXF_data_validated;
	return f;
}

int nf_rx_csum_trusted(unsigned rx_flags, const uint8_t *f, size_t len)
{
	if (!(rx_flags & NETRXF_data_validated) || len < 14 + 20)
		return 0;
	if (f[12] != 0x08 || f[13] != 0x00 || (f[14] >> 4) != 4 || (f[14] & 0xf) < 5)
		return 0;
	/* more-fragments set or a non-zero offset */
	return !((f[20] & 0x3f) || f[21]);
}

int nf_tx_rsp_check(const struct netif_tx_response *r, unsigned ring_size, const uint8_t *inflight)
{
	if (r->id >= ring_size || !inflight[r->id])
		return -1;
	return 0;
}

uint32_t nf_csum_add(uint32_t sum, const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)buf[i] << 8 | buf[i + 1];
	if (i < len)
		sum += (uint32_t)buf[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

int nf_csum_complete(uint8_t *f, size_t len)
{
	if (len < 14 + 20)
		return len < 14 ? -1 : 1;
	if (f[12] != 0x08 || f[13] != 0x00)
		return 1; /* not IPv4 */
	uint8_t *ip = f + 14;
	unsigned ihl = (ip[0] & 0xf) * 4u;
	unsigned tot = (unsigned)ip[2] << 8 | ip[3];

	if ((ip[0] >> 4) != 4 || ihl < 20 || tot < ihl || 14 + (size_t)tot > len)
		return -1;
	if ((ip[6] & 0x3f) || ip[7])
		return 1; /* a fragment: the checksum covers the whole datagram, not ours to finish */
	unsigned proto = ip[9], l4len = tot - ihl, off;

	if (proto == 6)
		off = 16;
	else if (proto == 17)
		off = 6;
	else
		return 1;
	if (l4len < off + 2 || (proto == 6 && l4len < 20) || (proto == 17 && l4len < 8))
		return -1;
	uint8_t *l4 = ip + ihl;
	uint8_t pseudo[4] = { 0, (uint8_t)proto, (uint8_t)(l4len >> 8), (uint8_t)l4len };
	uint32_t sum;

	l4[off] = l4[off + 1] = 0;
	sum = nf_csum_add(0, ip + 12, 8); /* source and destination addresses */
	sum = nf_csum_add(sum, pseudo, 4);
	sum = nf_csum_add(sum, l4, l4len);
	uint16_t c = (uint16_t)~sum;

	if (proto == 17 && c == 0)
		c = 0xffff; /* UDP: zero means "no checksum" */
	l4[off] = (uint8_t)(c >> 8);
	l4[off + 1] = (uint8_t)c;
	return 0;
}

unsigned nf_bufs_for(uint64_t free_pages, unsigned ring_size)
{
	unsigned n = ring_size;

	while (n > NF_MIN_BUFS && 2ull * n * 4 > free_pages)
		n /= 2;
	return n;
}
