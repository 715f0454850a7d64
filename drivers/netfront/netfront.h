/* Netfront's interface to the network stack (stdint only, so lwIP's port can include it): devices, link state, receive, transmit, counters. */
#ifndef DRIVERS_NETFRONT_NETFRONT_H
#define DRIVERS_NETFRONT_NETFRONT_H

#include <stddef.h>
#include <stdint.h>

struct netfront;

/* Registers the "vif" driver (once): present devices are probed before it returns. 0 or -errno. */
int netfront_init(void);
/* Devices in probe order, also ones whose backend went away (their link is down); NULL past the end. */
struct netfront *netfront_get(unsigned i);
/*
 * Called (in the xenbus worker thread) when a device connects or its link goes down, and (from
 * the resume, up = NETFRONT_MOVED) when it reconnected in a new domain after a restore or a
 * migration, so the stack can announce where it is now; must not block for long. One listener.
 */
#define NETFRONT_MOVED 2
void netfront_set_listener(void (*fn)(struct netfront *nf, int up, void *arg), void *arg);

const char *netfront_name(const struct netfront *nf); /* "vif/0" */
const uint8_t *netfront_mac(const struct netfront *nf);
int netfront_link_up(const struct netfront *nf);

#define NETFRONT_RX_CSUM_BLANK 1u /* the L4 checksum is only partial: complete it */
#define NETFRONT_RX_VALIDATED  2u /* the backend checked the checksum already */

struct netfront_frag {
	const void *data;
	uint32_t len;
};

/* A received packet: its bytes in the driver's buffers until netfront_rx_done. */
struct netfront_rx {
	unsigned nfrags;
	struct netfront_frag frag[18];
	uint32_t len;
	unsigned flags; /* NETFRONT_RX_* */
};

/*
 * The next valid packet (malformed ones are dropped and counted here): 1 with *pkt filled, 0 when
 * none is waiting, -ENOTCONN when the device is gone. One receiver thread per device; it must
 * call netfront_rx_done before the next netfront_rx_next.
 */
int netfront_rx_next(struct netfront *nf, struct netfront_rx *pkt);
void netfront_rx_done(struct netfront *nf);
/*
 * Whether the stack may skip the TCP/UDP checksum check of a received frame (flags from its
 * netfront_rx, frame = its bytes as copied out of the driver's buffers): the backend vouched for
 * it and it is an IPv4 packet that is not a fragment. Frames it refuses are checked as usual;
 * those that are NETFRONT_RX_CSUM_BLANK need their checksum completed first (nf_csum_complete).
 */
int netfront_rx_csum_trusted(unsigned flags, const void *frame, size_t len);
/*
 * Completes the TCP/UDP checksum of an IPv4 frame the backend marked csum_blank (its L4 checksum
 * field holds only a partial sum). Returns 0 when done, 1 when the frame is not IPv4 TCP/UDP
 * (nothing to do), -1 when its headers are malformed (the caller drops it).
 */
int nf_csum_complete(uint8_t *frame, size_t len);

/* Sleeps until a packet may be waiting, the link changes, or timeout_ns passes (0: forever). */
void netfront_rx_wait(struct netfront *nf, uint64_t timeout_ns);

/*
 * Sends one frame given as pieces (copied into the driver's granted buffers, split across ring
 * slots when larger than a page and the backend takes scatter-gather). gso_size non-zero: the
 * frame is an IPv4 TCP super-segment (netfront_gso.h) the backend cuts into segments of that
 * payload size; only when netfront_tx_gso_ok. Waits up to timeout_ns while the ring is full
 * (back-pressure): 0, -EAGAIN when still full, -EMSGSIZE, -ENOTCONN.
 */
int netfront_tx(struct netfront *nf, const struct netfront_frag *frags, unsigned n,
		uint16_t gso_size, uint64_t timeout_ns);
/* Whether the backend takes TCP super-segments (feature-gso-tcpv4 and feature-sg). */
int netfront_tx_gso_ok(const struct netfront *nf);

struct netfront_stats {
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
	uint64_t rx_dropped; /* malformed, oversized, or the backend's errors (sum of the below) */
	uint64_t rx_bad_status, rx_bad_id, rx_bad_bounds, rx_bad_slots, rx_oversize, rx_runt,
	    rx_bad_extra;
	uint64_t rx_multislot; /* packets reassembled from several slots */
	uint64_t rx_csum_blank, rx_csum_bad;
	uint64_t tx_errors;    /* responses with an error status */
	uint64_t tx_bad_rsp;   /* responses naming no request in flight */
	uint64_t tx_ring_full; /* times a sender waited for room */
	uint64_t tx_timeouts;  /* ... and gave up */
	uint64_t tx_multislot;
	uint64_t tx_gso;      /* super-segments sent (each with a GSO extra-info slot) */
	uint64_t ring_errors; /* producer indices that made no sense: the device was stopped */
	uint64_t events;
	unsigned rx_ring_size, tx_ring_size, queues;
	int sg, split_evtchn;
};
void netfront_get_stats(const struct netfront *nf, struct netfront_stats *st);

#endif
