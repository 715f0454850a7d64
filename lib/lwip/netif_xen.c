/* lwIP's network interfaces on netfront: one netif and one receive thread per vif, configuration from ip=/gw=/dns=, link state from the backend. */
#include <stdlib.h>
#include <string.h>
#include "drivers/netfront/netfront.h"
#include "drivers/netfront/netfront_gso.h"
#include "lib/lwip/include/arch/lwip_os.h"
#include "lib/lwip/netcfg.h"
#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/etharp.h"
#include "lwip/stats.h"
#include "lwip/tcpip.h"
#include "netif/ethernet.h"
#include <pvhkit/net.h>
#include <pvhkit/thread.h>

#define TX_TIMEOUT_NS (2000ull * 1000000ull)
/* the backend vouched for the frame's TCP/UDP sum (netfront_rx_csum_trusted): those checks skipped */
#define CSUM_TRUSTED                                                                               \
	(NETIF_CHECKSUM_ENABLE_ALL & ~(NETIF_CHECKSUM_CHECK_TCP | NETIF_CHECKSUM_CHECK_UDP))

struct xnetif {
	struct netif netif;
	struct netfront *nf;
	struct nf_gso
	    gso; /* TCP segments held until the core lock is released (gso.buf: NULL if off) */
	uint64_t gso_segs;
	pvh_thread_t *rx_thread;
	int dhcp, added;
	volatile int link;
};

static struct xnetif ifs[NETCFG_MAX_IFS];
static unsigned nifs;
static int started, start_result;
static pvh_mutex_t start_lock = PVH_MUTEX_INIT;

/* Sends the super-segment (or single segment) being built, if any. */
static void gso_flush(struct xnetif *x)
{
	struct nf_gso *g = &x->gso;

	if (!g->len)
		return;
	uint16_t size = nf_gso_finish(g);
	struct netfront_frag fr = { g->buf, g->len };

	/* a loss TCP recovers from, as lwIP's send already returned */
	if (netfront_tx(x->nf, &fr, 1, size, TX_TIMEOUT_NS)) {
		LINK_STATS_INC(link.err);
	} else {
		LINK_STATS_INC(link.xmit);
		if (size)
			x->gso_segs += g->segs;
	}
	nf_gso_reset(g);
}

/*
 * lwIP's core lock is released (lwipopts.h: UNLOCK_TCPIP_CORE): whatever output ran under it has
 * sent its burst, so the segments held back for coalescing go now.
 */
void pvh_lwip_core_unlock(void)
{
	for (unsigned i = 0; i < nifs; i++)
		gso_flush(&ifs[i]);
	sys_mutex_unlock(&lock_tcpip_core);
}

/* Holds the frame for a super-segment if it can be one (1), else it is to be sent as it is (0). */
static int gso_take(struct xnetif *x, const struct netfront_frag *fr, unsigned n)
{
	if (!x->gso.buf)
		return 0;
	if (nf_gso_add(&x->gso, fr, n))
		return 1;
	gso_flush(x); /* it does not continue what is held: that goes first */
	return nf_gso_add(&x->gso, fr, n);
}

static err_t xen_linkoutput(struct netif *netif, struct pbuf *p)
{
	struct xnetif *x = netif->state;
	struct netfront_frag fr[18];
	unsigned n = 0;
	uint8_t *flat = NULL;

	for (struct pbuf *q = p; q; q = q->next) {
		if (n == 18) {
			n = 0;
			break;
		}
		fr[n].data = q->payload;
		fr[n].len = q->len;
		n++;
	}
	if (n == 0) {
		/* a chain longer than the slots we gather from: flatten it */
		flat = mem_malloc(p->tot_len);
		if (!flat)
			return ERR_MEM;
		pbuf_copy_partial(p, flat, p->tot_len, 0);
		fr[0].data = flat;
		fr[0].len = p->tot_len;
		n = 1;
	}
	int held = gso_take(x, fr, n);
	int r = held ? 0 : netfront_tx(x->nf, fr, n, 0, TX_TIMEOUT_NS);

	if (flat)
		mem_free(flat);
	if (r) {
		LINK_STATS_INC(link.err);
		return ERR_IF;
	}
	if (!held)
		LINK_STATS_INC(link.xmit);
	return ERR_OK;
}

static err_t xen_netif_init(struct netif *netif)
{
	struct xnetif *x = netif->state;

	netif->name[0] = 'e';
	netif->name[1] = 'n';
	netif->output = etharp_output;
	netif->linkoutput = xen_linkoutput;
	netif->mtu = 1500;
	netif->hwaddr_len = 6;
	memcpy(netif->hwaddr, netfront_mac(x->nf), 6);
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	return ERR_OK;
}

static struct pbuf *to_pbuf(const struct netfront_rx *pkt)
{
	/* csum_blank packets may get their checksum completed in place: those need one piece */
	int flat = (pkt->flags & NETFRONT_RX_CSUM_BLANK) != 0;
	struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)pkt->len, flat ? PBUF_RAM : PBUF_POOL);
	uint32_t off = 0;

	if (!p)
		return NULL;
	for (unsigned i = 0; i < pkt->nfrags; i++) {
		pbuf_take_at(p, pkt->frag[i].data, (u16_t)pkt->frag[i].len, (u16_t)off);
		off += pkt->frag[i].len;
	}
	return p;
}

static void set_link(struct xnetif *x, int up)
{
	x->link = up;
	LOCK_TCPIP_CORE();
	if (up)
		netif_set_link_up(&x->netif);
	else
		netif_set_link_down(&x->netif);
	UNLOCK_TCPIP_CORE();
}

static void *rx_loop(void *arg)
{
	struct xnetif *x = arg;
	struct netfront_rx pkt;

	for (;;) {
		int r = netfront_rx_next(x->nf, &pkt);

		if (r < 0)
			break;
		if (r == 0) {
			netfront_rx_wait(x->nf, 0);
			continue;
		}
		struct pbuf *p = to_pbuf(&pkt);

		/* the bytes are ours now: the slots go back to the backend before lwIP runs */
		netfront_rx_done(x->nf);
		if (!p) {
			LINK_STATS_INC(link.memerr);
			LINK_STATS_INC(link.drop);
			continue;
		}
		int trusted = netfront_rx_csum_trusted(pkt.flags, p->payload, p->len);

		/* a partial sum is only worth completing when someone is going to check it */
		if (!trusted && (pkt.flags & NETFRONT_RX_CSUM_BLANK) &&
		    nf_csum_complete(p->payload, p->len) < 0) {
			LINK_STATS_INC(link.chkerr);
			pbuf_free(p);
			continue;
		}
		LINK_STATS_INC(link.recv);
		/*
		 * What tcpip_input does with LWIP_TCPIP_CORE_LOCKING_INPUT, plus lwIP's per-netif
		 * checksum switches flipped for this one frame: it is processed to the end (TCP/UDP
		 * input, or the reassembly it completes) before the lock is released, and the switches
		 * are back to "check everything" for anything else (loopback, other threads).
		 */
		LOCK_TCPIP_CORE();
		if (trusted)
			NETIF_SET_CHECKSUM_CTRL(&x->netif, CSUM_TRUSTED);
		err_t e = ethernet_input(p, &x->netif);
		if (trusted)
			NETIF_SET_CHECKSUM_CTRL(&x->netif, NETIF_CHECKSUM_ENABLE_ALL);
		UNLOCK_TCPIP_CORE();
		if (e != ERR_OK)
			pbuf_free(p);
	}
	lwip_os_diag("net: %s: link down (backend gone)\n", netfront_name(x->nf));
	set_link(x, 0);
	return NULL;
}

/*
 * After a restore or a migration the switch ports and the peers' ARP caches still point where
 * the domain was: a gratuitous ARP (our address, our MAC, broadcast) tells them where it is now.
 */
static void announce(struct xnetif *x)
{
	LOCK_TCPIP_CORE();
	if (netif_is_up(&x->netif) && !ip4_addr_isany_val(*netif_ip4_addr(&x->netif))) {
		etharp_gratuitous(&x->netif);
		lwip_os_diag("net: %s: moved: gratuitous ARP sent\n", netfront_name(x->nf));
	}
	UNLOCK_TCPIP_CORE();
}

static void listener(struct netfront *nf, int up, void *arg)
{
	(void)arg;
	for (unsigned i = 0; i < nifs; i++) {
		if (ifs[i].nf == nf && !up)
			ifs[i].link = 0; /* the receiver thread tells lwIP as it leaves */
		if (ifs[i].nf == nf && up == NETFRONT_MOVED && ifs[i].added)
			announce(&ifs[i]);
	}
}

static void tcpip_ready(void *arg)
{
	sys_sem_signal((sys_sem_t *)arg);
}

static void print_if(struct xnetif *x)
{
	const ip4_addr_t *a = netif_ip4_addr(&x->netif), *m = netif_ip4_netmask(&x->netif),
			 *g = netif_ip4_gw(&x->netif);
	char as[16], ms[16], gs[16];

	ip4addr_ntoa_r(a, as, sizeof(as));
	ip4addr_ntoa_r(m, ms, sizeof(ms));
	ip4addr_ntoa_r(g, gs, sizeof(gs));
	lwip_os_diag("net: %s: %s netmask %s gw %s%s\n", netfront_name(x->nf), as, ms, gs,
		     x->dhcp ? " (dhcp)" : "");
}

/* TCP super-segments when the backend takes them and the command line did not say gso=0. */
static void gso_setup(struct xnetif *x)
{
	const char *opt = lwip_os_option("gso");

	if (!netfront_tx_gso_ok(x->nf) || (opt && !strcmp(opt, "0")))
		return;
	x->gso.cap =
	    0xffff; /* XEN_NETIF_MAX_TX_SIZE: at most 16 pages, within netback's 18 slots */
	x->gso.buf = malloc(x->gso.cap);
	nf_gso_reset(&x->gso);
}

static int has_addr(struct xnetif *x)
{
	return !ip4_addr_isany_val(*netif_ip4_addr(&x->netif));
}

static int do_start(uint64_t timeout_ns)
{
	struct netcfg cfg;
	const char *err = NULL;

	if (netcfg_parse(lwip_os_option("ip"), lwip_os_option("gw"), lwip_os_option("dns"), &cfg,
			 &err)) {
		lwip_os_diag("net: %s\n", err);
		return -1;
	}
	int r = netfront_init();

	if (r) {
		lwip_os_diag("net: no network (netfront: %d)\n", r);
		return -1;
	}
	netfront_set_listener(listener, NULL);

	sys_sem_t ready;
	sys_sem_new(&ready, 0);
	tcpip_init(tcpip_ready, &ready);
	sys_arch_sem_wait(&ready, 0);
	sys_sem_free(&ready);

	if (cfg.dns) {
		ip_addr_t d;

		ip_addr_set_ip4_u32_val(d, lwip_htonl(cfg.dns));
		dns_setserver(0, &d);
	}
	struct netfront *nf;
	for (nifs = 0; nifs < NETCFG_MAX_IFS && (nf = netfront_get(nifs)); nifs++) {
		struct xnetif *x = &ifs[nifs];
		ip4_addr_t a, m, g;

		x->nf = nf;
		gso_setup(x);
		x->dhcp = nifs >= cfg.nifs || cfg.ifs[nifs].dhcp;
		ip4_addr_set_zero(&a);
		ip4_addr_set_zero(&m);
		ip4_addr_set_zero(&g);
		if (!x->dhcp) {
			ip4_addr_set_u32(&a, lwip_htonl(cfg.ifs[nifs].addr));
			ip4_addr_set_u32(&m, lwip_htonl(netcfg_mask(cfg.ifs[nifs].prefix)));
			if (nifs == 0)
				ip4_addr_set_u32(&g, lwip_htonl(cfg.gw));
		}
		LOCK_TCPIP_CORE();
		struct netif *ok = netif_add(&x->netif, &a, &m, &g, x, xen_netif_init, tcpip_input);
		if (ok) {
			if (nifs == 0)
				netif_set_default(&x->netif);
			netif_set_up(&x->netif);
		}
		UNLOCK_TCPIP_CORE();
		if (!ok) {
			lwip_os_diag("net: %s: netif_add failed\n", netfront_name(nf));
			break;
		}
		x->added = 1;
		set_link(x, netfront_link_up(nf));
		x->rx_thread = pvh_thread_create("net-rx", rx_loop, x, 32 * 1024);
		if (x->dhcp) {
			LOCK_TCPIP_CORE();
			dhcp_start(&x->netif);
			UNLOCK_TCPIP_CORE();
		}
	}
	if (nifs == 0) {
		lwip_os_diag("net: no vif\n");
		return -1;
	}
	uint64_t end = lwip_os_now_ns() + timeout_ns;
	int have;
	for (;;) {
		have = 0;
		for (unsigned i = 0; i < nifs; i++)
			have += has_addr(&ifs[i]);
		if (have == (int)nifs || lwip_os_now_ns() >= end)
			break;
		pvh_sleep_ns(20 * 1000000ull);
	}
	for (unsigned i = 0; i < nifs; i++)
		print_if(&ifs[i]);
	if (cfg.dns || !ip_addr_isany(dns_getserver(0))) {
		char ds[16];

		ip4addr_ntoa_r(ip_2_ip4(dns_getserver(0)), ds, sizeof(ds));
		lwip_os_diag("net: dns %s\n", ds);
	}
	return have;
}

int pvh_net_start(uint64_t timeout_ns)
{
	pvh_mutex_lock(&start_lock);
	if (!started) {
		start_result = do_start(timeout_ns);
		started = 1;
	}
	pvh_mutex_unlock(&start_lock);
	return start_result;
}

int pvh_net_if_get(unsigned i, struct pvh_net_if *out)
{
	if (i >= nifs)
		return -1;
	struct xnetif *x = &ifs[i];

	memset(out, 0, sizeof(*out));
	strncpy(out->name, netfront_name(x->nf), sizeof(out->name) - 1);
	memcpy(out->mac, netfront_mac(x->nf), 6);
	out->link_up = x->link && netfront_link_up(x->nf);
	out->dhcp = x->dhcp;
	out->addr = ip4_addr_get_u32(netif_ip4_addr(&x->netif));
	out->netmask = ip4_addr_get_u32(netif_ip4_netmask(&x->netif));
	out->gw = ip4_addr_get_u32(netif_ip4_gw(&x->netif));
	return 0;
}

int pvh_net_wait_link(unsigned i, int up, uint64_t timeout_ns)
{
	if (i >= nifs)
		return -1;
	uint64_t end = lwip_os_now_ns() + timeout_ns;

	while ((netfront_link_up(ifs[i].nf) && ifs[i].link) != !!up) {
		if (lwip_os_now_ns() >= end)
			return -1;
		pvh_sleep_ns(10 * 1000000ull);
	}
	return 0;
}

int pvh_net_stats(unsigned i, struct pvh_net_stats *st)
{
	struct netfront_stats ns;

	if (i >= nifs)
		return -1;
	netfront_get_stats(ifs[i].nf, &ns);
	memset(st, 0, sizeof(*st));
	st->rx_packets = ns.rx_packets;
	st->rx_bytes = ns.rx_bytes;
	st->tx_packets = ns.tx_packets;
	st->tx_bytes = ns.tx_bytes;
	st->rx_dropped = ns.rx_dropped;
	st->tx_errors = ns.tx_errors;
	st->tx_ring_full = ns.tx_ring_full;
	st->ring_errors = ns.ring_errors;
	st->rx_csum_blank = ns.rx_csum_blank;
	st->rx_multislot = ns.rx_multislot;
	st->events = ns.events;
	st->tx_gso = ns.tx_gso;
	st->tx_gso_segs = ifs[i].gso_segs;
	st->tcp_rx = lwip_stats.tcp.recv;
	st->tcp_tx = lwip_stats.tcp.xmit;
	st->udp_rx = lwip_stats.udp.recv;
	st->udp_tx = lwip_stats.udp.xmit;
	st->icmp_rx = lwip_stats.icmp.recv;
	st->ip_drop = lwip_stats.ip.drop;
	st->tcp_drop = lwip_stats.tcp.drop;
	return 0;
}
