/*
 * TX segment coalescing (host-testable, stdint only): consecutive full-sized segments of one TCP
 * flow, as lwIP sends them in a burst, become one IPv4 TCP super-segment that the backend takes
 * with a GSO extra-info slot (XEN_NETIF_GSO_TYPE_TCPV4). Linux's netfront gets the same from its
 * stack's TSO: dom0 then handles one packet per ~64 KiB instead of one per 1460 bytes.
 */
#ifndef DRIVERS_NETFRONT_NETFRONT_GSO_H
#define DRIVERS_NETFRONT_NETFRONT_GSO_H

#include <stddef.h>
#include <stdint.h>
#include "drivers/netfront/netfront.h"

/* Ethernet + IPv4 + TCP headers without options: the only layout that is coalesced. */
#define NF_GSO_HDR 54u

struct nf_gso {
	uint8_t *buf;	   /* one Ethernet frame being built */
	uint32_t cap;	   /* buf's size: at most XEN_NETIF_MAX_TX_SIZE */
	uint32_t len;	   /* bytes in buf; 0: nothing pending */
	uint32_t next_seq; /* the sequence number a segment must have to be appended */
	uint16_t mss;	   /* payload of the first segment: every one but the last has it */
	unsigned segs;
};

/*
 * Takes a frame (as pieces) into g: 1 when it was copied in (started a super-segment or was
 * appended to the one pending), 0 when it cannot be (not a plain TCP data segment, another flow,
 * not contiguous, the pending one is full or ended with a short segment). On 0 the caller sends
 * what is pending (nf_gso_finish), resets g and offers the frame again or sends it as it is.
 */
int nf_gso_add(struct nf_gso *g, const struct netfront_frag *fr, unsigned n);

/*
 * Makes the pending frame ready to send: returns the GSO segment size for a super-segment (its
 * IPv4 length and header checksum rewritten, the TCP checksum field holding the pseudo-header
 * sum that csum_blank asks the backend to complete), or 0 for a single segment (left exactly as
 * the stack built it). g->len is the frame's length; nf_gso_reset before the next use.
 */
uint16_t nf_gso_finish(struct nf_gso *g);

static inline void nf_gso_reset(struct nf_gso *g)
{
	g->len = 0;
	g->segs = 0;
}

#endif
