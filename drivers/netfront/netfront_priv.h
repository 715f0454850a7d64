/* Netfront's device state, shared by the data path (netfront.c) and the handshake (netfront_xs.c). */
#ifndef DRIVERS_NETFRONT_NETFRONT_PRIV_H
#define DRIVERS_NETFRONT_NETFRONT_PRIV_H

#include <stdint.h>
#include "arch/x86/spinlock.h"
#include "drivers/netfront/netfront.h"
#include "drivers/netfront/netfront_ring.h"
#include "drivers/xenbus/xenbus_front.h"
#include "kernel/waitq.h"
#include <xen/event_channel.h>

/* ring.h's barriers: x86 keeps stores and loads in order, the one exception needs a full fence */
#ifndef xen_mb
#define xen_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#endif
#include <xen/io/ring.h>

#define NF_TX_RING_SIZE __CONST_RING_SIZE(netif_tx, NF_PAGE_SIZE)
#define NF_RX_RING_SIZE __CONST_RING_SIZE(netif_rx, NF_PAGE_SIZE)

/* SUSPENDED: the link stays up for the stack, but nothing moves (netfront_suspend.c) */
enum nf_state { NF_NEW, NF_UP, NF_DOWN, NF_SUSPENDED };
/* the handshake's shares (xenbus_front.h), in the order negotiate declares them */
enum nf_share { NF_SHARE_TX_RING, NF_SHARE_RX_RING, NF_SHARE_TX_BUF, NF_SHARE_RX_BUF };

struct netfront {
	char name[24];
	uint8_t mac[6];
	domid_t backend;
	struct xenbus_device *dev; /* NULL once removed */
	struct xenbus_front front; /* the handshake's state: every grant, the ports */
	volatile enum nf_state state;
	int sg, csum_offload, gso_tcpv4, split, max_queues;

	evtchn_port_t evtchn_tx, evtchn_rx; /* the same port unless split */
	struct waitq wq;		    /* events, link changes */

	spinlock_t tx_lock;
	struct netif_tx_sring *tx_sring;
	struct netif_tx_front_ring tx;
	grant_ref_t tx_ring_ref;
	void *tx_buf[NF_TX_RING_SIZE];
	grant_ref_t tx_gref[NF_TX_RING_SIZE];
	uint16_t tx_free[NF_TX_RING_SIZE];
	unsigned tx_nfree;
	uint8_t tx_inflight[NF_TX_RING_SIZE];

	struct netif_rx_sring *rx_sring;
	struct netif_rx_front_ring rx;
	grant_ref_t rx_ring_ref;
	void *rx_buf[NF_RX_RING_SIZE];
	grant_ref_t rx_gref[NF_RX_RING_SIZE];
	unsigned rx_held; /* slots of the packet handed out, reposted by rx_done */
	/* buffers posted / usable (powers of two, at most the ring: nf_bufs_for), set at negotiate */
	unsigned rx_n, tx_n;

	struct netfront_stats st;
	const char *broken; /* why the backend cannot be trusted any more (set under tx_lock) */
	int fail_reported;
	int resuming; /* the handshake runs again after a new domain: the MAC is kept */
	struct netfront *next;
};

/* netfront.c */
void nf_init_rings(struct netfront *nf);
void nf_connected(struct netfront *nf);
void nf_teardown(struct netfront *nf);
void nf_event(evtchn_port_t port, void *arg);
void nf_notify_listener(struct netfront *nf, int up);
void nf_check_broken(struct netfront *nf);
/* netfront_xs.c */
struct netfront *nf_devices(void);
/* netfront_suspend.c */
void nf_suspend_init(void);

#endif
