/* Networking for apps: bring up netfront + lwIP from the command line (ip=, gw=, dns=), BSD sockets, link state and counters. */
#ifndef PVHKIT_NET_H
#define PVHKIT_NET_H

#include <stddef.h>
#include <stdint.h>
/* the BSD sockets API: socket, bind, listen, accept, connect, send, recv, select, poll,
 * getaddrinfo, ...; sockets are closed with closesocket() (close() is the libc's, for files) */
#include <lwip/sockets.h>
#include <lwip/netdb.h>
#include <lwip/inet.h>

/*
 * Starts the network: the vif driver, lwIP's thread, one interface per vif configured from the
 * kernel options (before " -- "): ip=dhcp | ip=ADDR/PREFIX[,ADDR/PREFIX|dhcp ...] (one entry per
 * vif; none given: DHCP everywhere), gw=GW, dns=DNS. Waits up to timeout_ns for every interface
 * to have an address (DHCP). Returns the number of interfaces with an address, -1 when there is
 * no network at all (no Xen, no vif, bad options). Calling it again returns the same.
 */
int pvh_net_start(uint64_t timeout_ns);

struct pvh_net_if {
	char name[16]; /* "vif/0" */
	uint8_t mac[6];
	int link_up;
	int dhcp;
	uint32_t addr, netmask, gw; /* network byte order; 0 while there is none */
};
/* 0, or -1 past the last interface */
int pvh_net_if_get(unsigned i, struct pvh_net_if *out);
/* Waits until interface i's link is up (up=1) or down (up=0): 0, or -1 on timeout. */
int pvh_net_wait_link(unsigned i, int up, uint64_t timeout_ns);

struct pvh_net_stats {
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
	uint64_t rx_dropped, tx_errors, tx_ring_full, ring_errors, rx_csum_blank, rx_multislot;
	uint64_t tcp_rx, tcp_tx, udp_rx, udp_tx, icmp_rx, ip_drop, tcp_drop;
	uint64_t events;	      /* event-channel notifications from the backend */
	uint64_t tx_gso, tx_gso_segs; /* TCP super-segments sent, and the segments they carried */
};
/* The interface's driver counters plus lwIP's protocol counters (those are stack-wide). */
int pvh_net_stats(unsigned i, struct pvh_net_stats *st);

#endif
