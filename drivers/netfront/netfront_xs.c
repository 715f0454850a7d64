/* Netfront's xenbus side: what the shared handshake (xenbus_front.c) asks of a vif: MAC, features, rings, keys; probe and remove. */
#include "base/errno.h"
#include "base/fmt.h"
#include "base/string.h"
#include "drivers/netfront/netfront_mac.h"
#include "drivers/netfront/netfront_priv.h"
#include "drivers/xenbus/xenbus.h"
#include "kernel/evtchn.h"
#include "kernel/heap.h"
#include "kernel/pmem.h"
#include "kernel/printk.h"

static spinlock_t list_lock = SPINLOCK_INIT;
static struct netfront *devices;
static void (*listener)(struct netfront *nf, int up, void *arg);
static void *listener_arg;

void netfront_set_listener(void (*fn)(struct netfront *nf, int up, void *arg), void *arg)
{
	listener_arg = arg;
	__atomic_store_n(&listener, fn, __ATOMIC_RELEASE);
}

void nf_notify_listener(struct netfront *nf, int up)
{
	void (*fn)(struct netfront *, int, void *) = __atomic_load_n(&listener, __ATOMIC_ACQUIRE);

	if (fn)
		fn(nf, up, listener_arg);
}

struct netfront *netfront_get(unsigned i)
{
	unsigned long f = spin_lock_irqsave(&list_lock);
	struct netfront *nf = devices;

	while (nf && i--)
		nf = nf->next;
	spin_unlock_irqrestore(&list_lock, f);
	return nf;
}

struct netfront *nf_devices(void)
{
	return __atomic_load_n(&devices, __ATOMIC_ACQUIRE);
}

static uint64_t be_uint(struct xenbus_device *dev, const char *key, uint64_t def)
{
	return xenbus_front_backend_uint(dev, key, def);
}

/* Our half of the connection in one transaction, so the backend sees all of it or none. */
static int write_keys(struct xenbus_front *f, const struct xs_ctx *tx)
{
	struct netfront *nf = f->priv;
	int r;

#define W(key, fmt, val)                                                                           \
	do {                                                                                       \
		if ((r = xenbus_front_printf(f, tx, key, fmt, val)))                               \
			return r;                                                                  \
	} while (0)
	W("tx-ring-ref", "%u", nf->tx_ring_ref);
	W("rx-ring-ref", "%u", nf->rx_ring_ref);
	if (nf->split) {
		W("event-channel-tx", "%u", nf->evtchn_tx);
		W("event-channel-rx", "%u", nf->evtchn_rx);
	} else {
		W("event-channel", "%u", nf->evtchn_rx);
	}
	W("request-rx-copy", "%u", 1u);
	W("feature-rx-notify", "%u", 1u);
	W("feature-sg", "%u", (unsigned)nf->sg);
	/*
	 * No RX GSO: we accept only frames (see NF_MAX_FRAME). Taking 64 KiB super-segments whole
	 * (lwIP can) was built and measured on the rig: no gain (dom0, whose CPU is the limit there,
	 * sized them at ~7 segments at these rates), so not kept. TX super-segments are another
	 * matter (netfront_gso.h): sent whenever the backend offers its feature-gso-tcpv4.
	 */
	W("feature-gso-tcpv4", "%u", 0u);
	/* csum_blank packets are taken: with data_validated nobody needs their sum (netif_xen.c),
	 * without it netfront_ring.c completes the sum before lwIP checks it */
	W("feature-no-csum-offload", "%u", 0u);
#undef W
	return 0;
}

/* The backend is at InitWait: our MAC, its features, our shares (two rings, their buffers). */
static int negotiate(struct xenbus_front *f)
{
	struct netfront *nf = f->priv;
	struct xenbus_device *dev = f->dev;
	char mac[32], path[96];
	uint8_t before[6];

	memcpy(before, nf->mac, sizeof(before));

	fmt_snprintf(path, sizeof(path), "%s/mac", dev->nodename);
	if (xs_read(NULL, path, mac, sizeof(mac)) < 0 || nf_parse_mac(mac, nf->mac)) {
		fmt_snprintf(path, sizeof(path), "%s/mac", dev->otherend);
		if (xs_read(NULL, path, mac, sizeof(mac)) < 0 || nf_parse_mac(mac, nf->mac)) {
			pr_warn("netfront: %s: no valid mac\n", nf->name);
			return -EINVAL;
		}
	}
	if (!nf_mac_unicast(nf->mac)) {
		/* a group or all-zero address is no station's: frames from it are dropped or worse */
		pr_warn("netfront: %s: mac %s is not a station's address: refused\n", nf->name,
			mac);
		return -EINVAL;
	}
	if (nf->resuming && memcmp(before, nf->mac, sizeof(before))) {
		/* the stack and every peer's ARP cache know the old one: a move keeps it */
		pr_warn("netfront: %s: the toolstack gives a new mac %s after the resume: keeping "
			"ours\n",
			nf->name, mac);
		memcpy(nf->mac, before, sizeof(before));
	}
	if (!be_uint(dev, "feature-rx-copy", 0)) {
		/* page flipping is gone from Linux and never implemented here */
		pr_warn("netfront: %s: backend lacks feature-rx-copy: refused\n", nf->name);
		return -ENODEV;
	}
	nf->sg = be_uint(dev, "feature-sg", 0) != 0;
	nf->gso_tcpv4 = be_uint(dev, "feature-gso-tcpv4", 0) != 0;
	nf->csum_offload = !be_uint(dev, "feature-no-csum-offload", 0);
	nf->split = be_uint(dev, "feature-split-event-channels", 0) != 0;
	nf->max_queues = (int)be_uint(dev, "multi-queue-max-queues", 1);
	/*
	 * One queue, whatever the backend offers: lwIP runs under one core lock, so a second queue
	 * would only add rings, grants and a thread without any parallelism to use them.
	 */
	f->nports = nf->split ? 2 : 1;
	/* in enum nf_share's order; the backend only reads what we send */
	xenbus_front_add_share(f, NULL, &nf->tx_ring_ref, 1, 0, 0);
	xenbus_front_add_share(f, NULL, &nf->rx_ring_ref, 1, 0, 0);
	/* the buffers: as many as the memory free now allows (nf_bufs_for), the rings' size at most */
	nf->rx_n = nf_bufs_for(kernel_pmem.free_pages, NF_RX_RING_SIZE);
	nf->tx_n = nf_bufs_for(kernel_pmem.free_pages, NF_TX_RING_SIZE);
	xenbus_front_add_share(f, nf->tx_buf, nf->tx_gref, nf->tx_n, 0, 1);
	xenbus_front_add_share(f, nf->rx_buf, nf->rx_gref, nf->rx_n, 0, 0);
	return 0;
}

/* Rings laid out and RX buffers posted before the keys; the ports bound to our handler. */
static int prepare(struct xenbus_front *f)
{
	struct netfront *nf = f->priv;

	nf->tx_sring = xenbus_front_block(f, NF_SHARE_TX_RING, 0);
	nf->rx_sring = xenbus_front_block(f, NF_SHARE_RX_RING, 0);
	nf_init_rings(nf);
	nf->evtchn_rx = f->port[0];
	nf->evtchn_tx = nf->split ? f->port[1] : f->port[0];
	evtchn_bind(nf->evtchn_rx, nf_event, nf);
	if (nf->split)
		evtchn_bind(nf->evtchn_tx, nf_event, nf);
	return 0;
}

static const struct xenbus_front_ops netfront_ops = {
	.negotiate = negotiate, .prepare = prepare, .write_keys = write_keys,
	/* no connect: nothing of the backend's is needed; the data path starts once listed */
};

static int netfront_probe(struct xenbus_device *dev)
{
	struct netfront *nf = kzalloc(sizeof(*nf));
	int r;

	if (!nf)
		return -ENOMEM;
	fmt_snprintf(nf->name, sizeof(nf->name), "vif/%s", dev->id);
	nf->backend = (domid_t)dev->otherend_id;
	nf->dev = dev;
	nf->state = NF_NEW;
	nf->wq = (struct waitq)WAITQ_INIT;
	nf->tx_lock = (spinlock_t)SPINLOCK_INIT;

	/* netif: we write Connected with the keys, then wait for the backend's */
	xenbus_front_init(&nf->front, dev, &netfront_ops, nf, "netfront", XenbusStateConnected);
	if ((r = xenbus_front_connect(&nf->front))) {
		kfree(nf);
		return r;
	}
	dev->priv = nf;
	unsigned long f = spin_lock_irqsave(&list_lock);
	struct netfront **p = &devices;
	while (*p)
		p = &(*p)->next;
	*p = nf;
	spin_unlock_irqrestore(&list_lock, f);
	pr_info("netfront: %s: %02x:%02x:%02x:%02x:%02x:%02x, buffers %u/%u, sg %d, "
		"csum offload %d, gso %d, split evtchn %d, queues 1 of %d\n",
		nf->name, nf->mac[0], nf->mac[1], nf->mac[2], nf->mac[3], nf->mac[4], nf->mac[5],
		nf->tx_n, nf->rx_n, nf->sg, nf->csum_offload, nf->gso_tcpv4, nf->split,
		nf->max_queues);
	nf_connected(nf);
	return 0;
}

static void netfront_remove(struct xenbus_device *dev)
{
	struct netfront *nf = dev->priv;

	if (!nf)
		return;
	pr_info("netfront: %s: backend closed: link down\n", nf->name);
	if (__atomic_load_n(&dev->failed, __ATOMIC_ACQUIRE)) {
		/* we are the ones leaving: the backend unmaps once it sees us Closed */
		xenbus_switch_state(dev, XenbusStateClosed);
		if (xenbus_front_wait_closed(dev, XENBUS_FRONT_CLOSE_NS))
			pr_warn("netfront: %s: the backend did not close\n", nf->name);
	} else {
		xenbus_switch_state(dev, XenbusStateClosing);
	}
	nf_teardown(nf);
	dev->priv = NULL;
}

static struct xenbus_driver netfront_driver = {
	.type = "vif",
	.probe = netfront_probe,
	.remove = netfront_remove,
};

int netfront_init(void)
{
	static int done;

	if (__atomic_exchange_n(&done, 1, __ATOMIC_ACQ_REL))
		return 0;
	if (!xs_available())
		return -ENODEV;
	nf_suspend_init();
	return xenbus_register_driver(&netfront_driver);
}
