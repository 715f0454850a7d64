/* TX segment coalescing into TCP super-segments (see netfront_gso.h). */
#include "base/string.h"
#include "drivers/netfront/netfront_gso.h"
#include "drivers/netfront/netfront_ring.h"

#define ETH	14u
#define IP	(ETH)
#define TCP	(ETH + 20u)
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10

static uint32_t be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Copies len bytes from offset off of the pieces to dst; 0, or -1 when they hold fewer. */
static int gather(uint8_t *dst, const struct netfront_frag *fr, unsigned n, uint32_t off,
		  uint32_t len)
{
	for (unsigned i = 0; i < n && len; i++) {
		if (off >= fr[i].len) {
			off -= fr[i].len;
			continue;
		}
		uint32_t k = fr[i].len - off < len ? fr[i].len - off : len;

		memcpy(dst, (const uint8_t *)fr[i].data + off, k);
		dst += k;
		len -= k;
		off = 0;
	}
	return len ? -1 : 0;
}

/*
 * The TCP payload length of h (a frame's first NF_GSO_HDR bytes, total length flen) when it is
 * an IPv4 TCP segment without options that carries data and only ACK (and PSH): else 0.
 */
static uint32_t plain_segment(const uint8_t *h, uint32_t flen)
{
	if (h[12] != 0x08 || h[13] != 0x00 || h[IP] != 0x45 || h[IP + 9] != 6)
		return 0;
	if ((h[IP + 6] & 0x3f) || h[IP + 7]) /* a fragment */
		return 0;
	if (be16(h + IP + 2) != flen - ETH || (h[TCP + 12] >> 4) != 5)
		return 0;
	if ((h[TCP + 13] & ~TCP_PSH) != TCP_ACK) /* SYN, FIN, RST, URG, ECN bits: as they are */
		return 0;
	return flen - NF_GSO_HDR;
}

/*
 * Does segment h (payload len) continue the pending one: same addresses, ports and IP header
 * fields (but length, id and checksum), the next sequence number, room left?
 */
static int continues(const struct nf_gso *g, const uint8_t *h, uint32_t len)
{
	const uint8_t *p = g->buf;

	if (g->len - NF_GSO_HDR != (uint32_t)g->mss * g->segs) /* the last one was short */
		return 0;
	if (len > g->mss || g->len + len > g->cap)
		return 0;
	if (memcmp(p, h, ETH + 2) || p[IP + 6] != h[IP + 6] || p[IP + 8] != h[IP + 8] ||
	    memcmp(p + IP + 12, h + IP + 12, 8) || memcmp(p + TCP, h + TCP, 4))
		return 0;
	return be32(h + TCP + 4) == g->next_seq;
}

int nf_gso_add(struct nf_gso *g, const struct netfront_frag *fr, unsigned n)
{
	uint8_t h[NF_GSO_HDR];
	uint32_t flen = 0, len;

	for (unsigned i = 0; i < n; i++)
		flen += fr[i].len;
	if (flen <= NF_GSO_HDR || gather(h, fr, n, 0, NF_GSO_HDR) ||
	    !(len = plain_segment(h, flen)))
		return 0;
	if (g->len == 0) {
		if (flen > g->cap || len > 0xffff)
			return 0;
		gather(g->buf, fr, n, 0, flen);
		g->len = flen;
		g->mss = (uint16_t)len;
		g->segs = 1;
	} else {
		if (!continues(g, h, len))
			return 0;
		gather(g->buf + g->len, fr, n, NF_GSO_HDR, len);
		g->len += len;
		g->segs++;
		/* the latest acknowledgement and window; PSH when any segment had it */
		memcpy(g->buf + TCP + 8, h + TCP + 8, 4);
		memcpy(g->buf + TCP + 14, h + TCP + 14, 2);
		g->buf[TCP + 13] |= h[TCP + 13] & TCP_PSH;
	}
	g->next_seq = be32(h + TCP + 4) + len;
	return 1;
}

uint16_t nf_gso_finish(struct nf_gso *g)
{
	uint8_t *ip = g->buf + IP, pseudo[4] = { 0, 6 };
	uint32_t l4 = g->len - TCP, sum;

	if (g->segs < 2)
		return 0;
	put16(ip + 2, g->len - ETH);
	put16(ip + 10, 0);
	put16(ip + 10, ~nf_csum_add(0, ip, 20) & 0xffff);
	/* a partial sum, as for CHECKSUM_PARTIAL: pseudo header (full TCP length), not inverted */
	put16(pseudo + 2, l4);
	sum = nf_csum_add(0, ip + 12, 8);
	sum = nf_csum_add(sum, pseudo, 4);
	put16(g->buf + TCP + 16, sum);
	return g->mss;
}
