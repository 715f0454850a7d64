/* apps/net: TCP and UDP echo on port 7, an HTTP/1.1 server on port 80 (threads, keep-alive, /stats), and client modes for throughput tests. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pvhkit/kernel.h>
#include <pvhkit/net.h>
#include <pvhkit/result.h>
#include <pvhkit/smp.h>
#include <pvhkit/thread.h>
#include "suspend.h"

#define ECHO_PORT      7
#define HTTP_PORT      80
#define CONN_STACK     (32 * 1024)
#define NET_TIMEOUT_NS (30ull * 1000000000ull)

static volatile int quit;
static uint64_t t_start;
static uint64_t http_requests, echo_conns, udp_datagrams;
static pvh_mutex_t count_lock = PVH_MUTEX_INIT;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void count(uint64_t *c)
{
	pvh_mutex_lock(&count_lock);
	(*c)++;
	pvh_mutex_unlock(&count_lock);
}

static int send_all(int s, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t w = send(s, p, n, 0);

		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int listen_on(int type, int port)
{
	int s = socket(AF_INET, type, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1;

	if (s < 0)
		return -1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	a.sin_addr.s_addr = htonl(INADDR_ANY);
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    (type == SOCK_STREAM && listen(s, 64) < 0)) {
		closesocket(s);
		return -1;
	}
	return s;
}

/* ---- TCP echo: everything back until the peer closes its side ---- */
static void *echo_conn(void *arg)
{
	int s = (int)(intptr_t)arg;
	char *buf = malloc(16384);

	if (buf) {
		ssize_t r;

		while ((r = recv(s, buf, 16384, 0)) > 0)
			if (send_all(s, buf, (size_t)r))
				break;
		free(buf);
	}
	closesocket(s);
	return NULL;
}

/*
 * Connection threads, joined once finished: an exited thread keeps its stack until joined, so a
 * server that never joined would run out of memory after a few hundred connections.
 */
#define MAX_CONNS 96
struct conn {
	pvh_thread_t *t;
	int sock;
	volatile int done;
	void *(*fn)(void *);
};
static struct conn conns[2][MAX_CONNS];

static void *conn_main(void *arg)
{
	struct conn *c = arg;

	c->fn((void *)(intptr_t)c->sock);
	c->done = 1;
	return NULL;
}

/* a free slot, joining finished threads on the way; NULL when all are busy */
static struct conn *conn_slot(struct conn *tab)
{
	struct conn *free_slot = NULL;

	for (int i = 0; i < MAX_CONNS; i++) {
		if (tab[i].t && tab[i].done) {
			pvh_thread_join(tab[i].t, NULL);
			tab[i].t = NULL;
		}
		if (!tab[i].t && !free_slot)
			free_slot = &tab[i];
	}
	return free_slot;
}

static void *acceptor(void *arg)
{
	int ls = (int)((intptr_t)arg >> 8);
	int kind = (int)((intptr_t)arg & 0xff);
	void *(*fn)(void *) = echo_conn;
	extern void *http_conn(void *);

	if (kind == 1)
		fn = http_conn;
	while (!quit) {
		int c = accept(ls, NULL, NULL);

		if (c < 0) {
			pvh_sleep_ns(10000000);
			continue;
		}
		int one = 1;
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (kind == 0)
			count(&echo_conns);
		struct conn *slot;

		while (!(slot = conn_slot(conns[kind])))
			pvh_sleep_ns(1000000); /* all busy: the backlog waits */
		slot->sock = c;
		slot->fn = fn;
		slot->done = 0;
		slot->t = pvh_thread_create(kind ? "http" : "echo", conn_main, slot, CONN_STACK);
		if (!slot->t)
			closesocket(c); /* out of memory: refuse rather than fail later */
	}
	return NULL;
}

/* ---- UDP echo ---- */
static void *udp_echo(void *arg)
{
	int s = (int)(intptr_t)arg;
	char buf[2048];

	while (!quit) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t r = recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);

		if (r < 0)
			continue;
		count(&udp_datagrams);
		sendto(s, buf, (size_t)r, 0, (struct sockaddr *)&from, fl);
	}
	return NULL;
}

/* ---- HTTP/1.1 ---- */
static int stats_json(char *b, size_t n)
{
	struct pvh_mem_stats m;
	struct pvh_net_stats ns = { 0 };
	struct pvh_net_if ni = { 0 };
	uint64_t up = now_ns() - t_start;
	int len;

	pvh_mem_stats(&m);
	pvh_net_stats(0, &ns);
	pvh_net_if_get(0, &ni);
	len = snprintf(
	    b, n,
	    "{\"uptime_ms\":%llu,\"cpus\":%u,"
	    "\"memory\":{\"total_bytes\":%llu,\"free_bytes\":%llu,\"heap_in_use\":%llu},"
	    "\"net\":{\"link_up\":%d,\"rx_packets\":%llu,\"tx_packets\":%llu,"
	    "\"rx_bytes\":%llu,\"tx_bytes\":%llu,\"rx_dropped\":%llu,\"tx_errors\":%llu,"
	    "\"tx_ring_full\":%llu,\"rx_csum_blank\":%llu,\"tcp_rx\":%llu,\"tcp_tx\":%llu,"
	    "\"udp_rx\":%llu,\"icmp_rx\":%llu},"
	    "\"http_requests\":%llu,\"echo_connections\":%llu,\"udp_datagrams\":%llu}\n",
	    (unsigned long long)(up / 1000000), pvh_cpu_online_count(),
	    (unsigned long long)(m.total_pages * 4096), (unsigned long long)(m.free_pages * 4096),
	    (unsigned long long)m.heap_bytes_in_use, ni.link_up, (unsigned long long)ns.rx_packets,
	    (unsigned long long)ns.tx_packets, (unsigned long long)ns.rx_bytes,
	    (unsigned long long)ns.tx_bytes, (unsigned long long)ns.rx_dropped,
	    (unsigned long long)ns.tx_errors, (unsigned long long)ns.tx_ring_full,
	    (unsigned long long)ns.rx_csum_blank, (unsigned long long)ns.tcp_rx,
	    (unsigned long long)ns.tcp_tx, (unsigned long long)ns.udp_rx,
	    (unsigned long long)ns.icmp_rx, (unsigned long long)http_requests,
	    (unsigned long long)echo_conns, (unsigned long long)udp_datagrams);
	return len < (int)n ? len : (int)n - 1;
}

static const char page[] =
    "<!DOCTYPE html>\n<html><head><title>pvhkit</title></head><body>\n"
    "<h1>Hello from pvhkit</h1>\n<p>A unikernel on Xen PVH: netfront + lwIP.</p>\n"
    "<p><a href=\"/stats\">/stats</a></p>\n</body></html>\n";

static int respond(int s, int code, const char *type, const char *body, size_t blen, int keep)
{
	char h[256];
	const char *reason = code == 200   ? "OK"
			     : code == 404 ? "Not Found"
			     : code == 405 ? "Method Not Allowed"
					   : "Bad Request";
	int hl = snprintf(h, sizeof(h),
			  "HTTP/1.1 %d %s\r\nServer: pvhkit\r\nContent-Type: %s\r\n"
			  "Content-Length: %u\r\nConnection: %s\r\n\r\n",
			  code, reason, type, (unsigned)blen, keep ? "keep-alive" : "close");

	if (send_all(s, h, (size_t)hl))
		return -1;
	return blen ? send_all(s, body, blen) : 0;
}

static int has_token(const char *hdrs, const char *name, const char *tok)
{
	const char *p = hdrs;
	size_t nl = strlen(name);

	while ((p = strchr(p, '\n'))) {
		p++;
		if (!strncasecmp(p, name, nl) && p[nl] == ':') {
			const char *e = strchr(p, '\r');
			size_t len = e ? (size_t)(e - p) : strlen(p);

			for (size_t i = nl + 1; i + strlen(tok) <= len; i++)
				if (!strncasecmp(p + i, tok, strlen(tok)))
					return 1;
		}
	}
	return 0;
}

void *http_conn(void *arg)
{
	int s = (int)(intptr_t)arg;
	char req[2048];
	size_t have = 0;
	struct timeval tv = { .tv_sec = 30 };

	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (;;) {
		char *end;

		req[have] = '\0';
		while (!(end = strstr(req, "\r\n\r\n"))) {
			if (have >= sizeof(req) - 1)
				goto out; /* a header larger than we take */
			ssize_t r = recv(s, req + have, sizeof(req) - 1 - have, 0);

			if (r <= 0)
				goto out;
			have += (size_t)r;
			req[have] = '\0';
		}
		*end = '\0';
		size_t used = (size_t)(end - req) + 4;
		char method[8], path[256], ver[16];
		int keep;

		count(&http_requests);
		if (sscanf(req, "%7s %255s %15s", method, path, ver) != 3) {
			respond(s, 400, "text/plain", "bad request\n", 12, 0);
			goto out;
		}
		/* HTTP/1.1 keeps the connection unless told otherwise; 1.0 only when asked */
		if (!strcmp(ver, "HTTP/1.1"))
			keep = !has_token(req, "Connection", "close");
		else
			keep = has_token(req, "Connection", "keep-alive");
		if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
			respond(s, 405, "text/plain", "GET only\n", 9, 0);
			goto out;
		}
		int head = !strcmp(method, "HEAD");
		int r;
		if (!strcmp(path, "/")) {
			r = respond(s, 200, "text/html", page, head ? 0 : sizeof(page) - 1, keep);
		} else if (!strcmp(path, "/stats")) {
			char js[1024];
			int n = stats_json(js, sizeof(js));
			r = respond(s, 200, "application/json", js, head ? 0 : (size_t)n, keep);
		} else if (!strcmp(path, "/quit")) {
			r = respond(s, 200, "text/plain", "bye\n", 4, 0);
			quit = 1;
			keep = 0;
		} else {
			r = respond(s, 404, "text/plain", "not found\n", 10, keep);
		}
		if (r || !keep)
			break;
		/* pipelined bytes after this request stay for the next round */
		memmove(req, req + used, have - used);
		have -= used;
	}
out:
	closesocket(s);
	return NULL;
}

static void print_stats(void)
{
	struct pvh_net_stats ns;

	for (unsigned i = 0; pvh_net_stats(i, &ns) == 0; i++)
		printf(
		    "net: if%u rx %llu pkts %llu B, tx %llu pkts %llu B, rx dropped %llu, "
		    "tx errors %llu, ring full %llu, csum_blank %llu, multislot %llu, events %llu, "
		    "tx super-segments %llu of %llu segments\n",
		    i, (unsigned long long)ns.rx_packets, (unsigned long long)ns.rx_bytes,
		    (unsigned long long)ns.tx_packets, (unsigned long long)ns.tx_bytes,
		    (unsigned long long)ns.rx_dropped, (unsigned long long)ns.tx_errors,
		    (unsigned long long)ns.tx_ring_full, (unsigned long long)ns.rx_csum_blank,
		    (unsigned long long)ns.rx_multislot, (unsigned long long)ns.events,
		    (unsigned long long)ns.tx_gso, (unsigned long long)ns.tx_gso_segs);
	printf("net: http requests %llu, echo connections %llu, udp datagrams %llu\n",
	       (unsigned long long)http_requests, (unsigned long long)echo_conns,
	       (unsigned long long)udp_datagrams);
}

static int serve(int linkwatch)
{
	int te = listen_on(SOCK_STREAM, ECHO_PORT), ue = listen_on(SOCK_DGRAM, ECHO_PORT);
	int hs = listen_on(SOCK_STREAM, HTTP_PORT);
	/* also on 53: busybox's nslookup is the one UDP client in the rig's dom0 (an echoed query
	 * counts as an answer there) */
	int ud = listen_on(SOCK_DGRAM, 53);

	if (te < 0 || ue < 0 || hs < 0 || ud < 0) {
		fflush(stdout);
		return pvh_result(PVH_ERROR, "cannot listen (%d %d %d, errno %d)", te, ue, hs,
				  errno);
	}
	pvh_thread_create("echo-accept", acceptor, (void *)(intptr_t)(te << 8 | 0), 0);
	pvh_thread_create("http-accept", acceptor, (void *)(intptr_t)(hs << 8 | 1), 0);
	pvh_thread_create("udp-echo", udp_echo, (void *)(intptr_t)ue, 0);
	pvh_thread_create("udp-echo53", udp_echo, (void *)(intptr_t)ud, 0);
	printf("net: serving tcp echo :%d, udp echo :%d, http :%d\n", ECHO_PORT, ECHO_PORT,
	       HTTP_PORT);
	fflush(stdout);
	while (!quit) {
		if (linkwatch) {
			struct pvh_net_if ni;

			if (pvh_net_if_get(0, &ni) == 0 && !ni.link_up) {
				printf("net: the app saw the link go down\n");
				break;
			}
		}
		pvh_sleep_ns(50000000);
	}
	pvh_sleep_ns(200000000); /* let the last response leave */
	print_stats();
	fflush(stdout);
	return pvh_result(PVH_PASS, "served");
}

static int connect_to(const char *host, const char *port)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *ai = NULL;
	int r = getaddrinfo(host, port, &hints, &ai);

	if (r || !ai) {
		printf("net: getaddrinfo(%s) failed (%d)\n", host, r);
		return -1;
	}
	/* the peer may not listen yet: retry for a while */
	for (int tries = 0; tries < 200; tries++) {
		int s = socket(AF_INET, SOCK_STREAM, 0);

		if (s < 0)
			break;
		if (connect(s, ai->ai_addr, ai->ai_addrlen) == 0) {
			freeaddrinfo(ai);
			return s;
		}
		closesocket(s);
		pvh_sleep_ns(100000000);
	}
	freeaddrinfo(ai);
	return -1;
}

/* client HOST PORT MBYTES: sends MBYTES MiB, prints the rate */
static int client_send(const char *host, const char *port, unsigned mb)
{
	int s = connect_to(host, port);
	/* the buffers of the client modes come from malloc: no image bytes for serve's small domains */
	const size_t bufsz = 65536;
	char *buf = malloc(bufsz);

	if (s < 0 || !buf) {
		fflush(stdout);
		return pvh_result(PVH_FAIL, "cannot connect to %s:%s", host, port);
	}
	for (size_t i = 0; i < bufsz; i++)
		buf[i] = (char)('a' + i % 26);
	uint64_t total = (uint64_t)mb << 20, sent = 0, t0 = now_ns();

	while (sent < total) {
		size_t n = total - sent < bufsz ? (size_t)(total - sent) : bufsz;

		if (send_all(s, buf, n))
			break;
		sent += n;
	}
	shutdown(s, SHUT_WR);
	char tmp[64];
	while (recv(s, tmp, sizeof(tmp), 0) > 0)
		;
	uint64_t dt = now_ns() - t0;
	closesocket(s);
	printf("bench: guest->dom0 %llu bytes in %llu ms: %llu Mbit/s\n", (unsigned long long)sent,
	       (unsigned long long)(dt / 1000000),
	       (unsigned long long)(sent * 8000 / (dt ? dt : 1)));
	print_stats();
	fflush(stdout);
	return pvh_result(sent == total ? PVH_PASS : PVH_FAIL, "client sent %llu bytes",
			  (unsigned long long)sent);
}

/* sink PORT: takes one connection, reads to EOF, prints the rate */
static int sink(int port)
{
	int ls = listen_on(SOCK_STREAM, port);
	const size_t bufsz = 65536;
	char *buf = malloc(bufsz);

	if (ls < 0 || !buf)
		return 1;
	printf("net: sink listening on :%d\n", port);
	int s = accept(ls, NULL, NULL);
	uint64_t got = 0, t0 = 0;
	ssize_t r;

	while ((r = recv(s, buf, bufsz, 0)) > 0) {
		if (!t0)
			t0 = now_ns();
		got += (uint64_t)r;
	}
	uint64_t dt = now_ns() - t0;
	closesocket(s);
	closesocket(ls);
	printf("bench: dom0->guest %llu bytes in %llu ms: %llu Mbit/s\n", (unsigned long long)got,
	       (unsigned long long)(dt / 1000000),
	       (unsigned long long)(got * 8000 / (dt ? dt : 1)));
	print_stats();
	fflush(stdout);
	return pvh_result(PVH_PASS, "sink got %llu bytes", (unsigned long long)got);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "serve";

	t_start = now_ns();
	int n = pvh_net_start(NET_TIMEOUT_NS);
	if (n <= 0) {
		fflush(stdout);
		return pvh_result(PVH_ERROR, "no network (%d interfaces with an address)", n);
	}
	if (!strcmp(mode, "serve")) {
		net_suspend_plan(argc > 2 ? argv[2] : NULL); /* tests/xen/net-suspend */
		return serve(0);
	}
	if (!strcmp(mode, "linkwatch"))
		return serve(1);
	if (!strcmp(mode, "client") && argc > 4)
		return client_send(argv[2], argv[3], (unsigned)atoi(argv[4]));
	if (!strcmp(mode, "sink") && argc > 2)
		return sink(atoi(argv[2]));
	printf("usage: net [serve [suspend=save|cancel|migrate] | linkwatch | client HOST PORT MIB "
	       "| sink PORT]\n");
	return 64;
}
