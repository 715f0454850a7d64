/* Netfront's pure ring logic (host-testable): RX response validation and packet assembly, TX slot splitting, flags and response checks, checksum trust and completion. */
#ifndef DRIVERS_NETFRONT_NETFRONT_RING_H
#define DRIVERS_NETFRONT_NETFRONT_RING_H

#include <stddef.h>
#include <stdint.h>
#include <xen/xen.h>
#include "drivers/netfront/netfront.h"
#include <xen/grant_table.h>
#include <xen/io/netif.h>

#define NF_PAGE_SIZE 4096u
/* a packet spans at most this many RX/TX slots (netif.h: backends must accept 18) */
#define NF_MAX_SLOTS XEN_NETIF_NR_SLOTS_MIN
/* an Ethernet frame with one VLAN tag: we negotiate no GSO, so nothing larger is legitimate */
#define NF_MAX_FRAME 1518u
#define NF_MIN_FRAME 14u

/* One RX ring slot as copied out of the shared page: a response, or an extra-info segment. */
union nf_rx_slot {
	struct netif_rx_response rsp;
	struct netif_extra_info extra;
};

/* Why a packet was dropped (or not): counters are indexed by this. */
enum nf_rx_verdict {
	NF_RX_OK = 0,
	NF_RX_ERR_STATUS,   /* a negative status (backend's error/drop) or a zero length */
	NF_RX_ERR_ID,	    /* id not the one posted at that ring position */
	NF_RX_ERR_BOUNDS,   /* offset + length beyond the page */
	NF_RX_ERR_SLOTS,    /* more slots than a packet may have */
	NF_RX_ERR_OVERSIZE, /* longer than a frame may be */
	NF_RX_ERR_RUNT,	    /* shorter than an Ethernet header */
	NF_RX_ERR_EXTRA,    /* an extra-info segment we did not ask for or cannot parse */
	NF_RX_NR_VERDICTS
};

struct nf_rx_frag {
	uint16_t buf; /* buffer (= ring position & mask) holding the bytes */
	uint16_t offset, len;
};

/* What nf_rx_parse found for one packet. */
struct nf_rx_pkt {
	enum nf_rx_verdict verdict;
	unsigned slots; /* ring slots it used (consume all of them, whatever the verdict) */
	unsigned nfrags;
	struct nf_rx_frag frag[NF_MAX_SLOTS];
	uint32_t len;
	uint16_t flags; /* NETRXF_* of the first slot */
};

/*
 * Parses the packet starting at ring position cons from avail copied slots (slot[0] is
 * position cons). ring_size is a power of two; ids are expected to equal position & mask.
 * Returns 1 with *pkt filled (look at pkt->verdict; pkt->slots slots are used either way), or 0
 * when the packet's last slot has not arrived yet (nothing consumed).
 */
int nf_rx_parse(const union nf_rx_slot *slot, unsigned avail, uint32_t cons, unsigned ring_size,
		struct nf_rx_pkt *pkt);

/*
 * How many buffers (one page each) a vif posts on RX and keeps for TX, given the pages free when
 * it connects: the ring's size (256, what Linux posts) while RX and TX together take at most a
 * quarter of them, halved until they do, down to NF_MIN_BUFS. A 4 MiB domain gets 32 of each
 * (256 KiB) instead of 2 MiB it does not have; at 8 MiB free and more nothing changes. Fewer RX
 * buffers only mean netback queues (or, past its limit, drops) frames sooner when the guest falls
 * behind; TCP's window is what keeps a sender within that in practice.
 */
#define NF_MIN_BUFS 32u /* a 64 KiB TX super-segment takes 17 slots; two of them in flight */
unsigned nf_bufs_for(uint64_t free_pages, unsigned ring_size);

/* Free-running indices: a peer's producer may lead our consumer by at most the ring's size. */
static inline int nf_ring_sane(uint32_t prod, uint32_t cons, unsigned ring_size)
{
	return (uint32_t)(prod - cons) <= ring_size;
}

/*
 * TX: the sizes of the slots a frame of len bytes takes with slot_cap bytes per slot, in netif's
 * convention: the first request's size is the whole packet's length, the others their own.
 * Returns the number of slots (0 when len is 0, above XEN_NETIF_MAX_TX_SIZE, or needs more than
 * max slots); sizes[i] is what request i carries in .size, bytes[i] what its buffer holds.
 */
unsigned nf_tx_split(uint32_t len, uint32_t slot_cap, unsigned max, uint16_t *sizes,
		     uint16_t *bytes);

/*
 * TX: the flags of request s of an n-request frame. The first carries the packet's checksum
 * flags: NETTXF_data_validated, as its checksums are complete (lwIP computes them) and the
 * backend's side need not verify them again (Linux netback marks the skb CHECKSUM_UNNECESSARY);
 * a GSO super-segment (gso non-zero, netfront_gso.h) adds csum_blank (its TCP field holds the
 * pseudo-header sum, completed per segment) and extra_info (the GSO slot follows this request).
 * All but the last: more_data.
 */
uint16_t nf_tx_flags(unsigned s, unsigned n, int gso);

/*
 * RX: may the stack skip verifying this frame's TCP/UDP checksum? Only when the backend set
 * NETRXF_data_validated (its side checked the sum, or the packet never left the host: then
 * csum_blank comes with it and the field holds a partial sum nobody needs), and hdr (the frame's
 * first hdrlen bytes) is an IPv4 packet that is not a fragment: a reassembled datagram's sum
 * covers fragments the flag of one of them says nothing about. A backend that lies gains
 * nothing it could not get by writing a correct checksum over its own bytes.
 */
int nf_rx_csum_trusted(unsigned rx_flags, const uint8_t *hdr, size_t hdrlen);

/*
 * TX: with inflight requests not yet answered, how many responses further the event should
 * come (rsp_event = rsp_cons + this): when half of them are done, at least the next one.
 */
static inline uint32_t nf_tx_event_after(uint32_t inflight)
{
	return (inflight >> 1) + 1;
}

/*
 * A TX response's check: 0 when id names an in-flight request (inflight[id] non-zero), else -1.
 * status is not judged here: an error response still completes its request.
 */
int nf_tx_rsp_check(const struct netif_tx_response *r, unsigned ring_size, const uint8_t *inflight);

/* nf_csum_complete (the stack calls it too) is declared in netfront.h */

/* RFC 1071 sum of buf folded into 16 bits (not inverted), starting from sum. */
uint32_t nf_csum_add(uint32_t sum, const uint8_t *buf, size_t len);

#endif
