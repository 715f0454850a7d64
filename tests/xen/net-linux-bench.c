/*
 * net-linux-bench: apps/net's benchmark modes (client, sink, serve) for Linux's netfront in the rig's
 * self-test guest (tests/xen/net-bench builds it static and puts it in a ramdisk), so the dom0
 * side of tests/xen/net-bench-* meets the same behaviour in both guests: 64 KiB writes then a
 * half-close, reads to EOF, and the same HTTP page with the same headers. The dom0 scripts time
 * the transfers; the lines printed here are the guest's own view, for the log.
 *   net-linux-bench client HOST PORT MIB | sink PORT | serve PORT
 */
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static char buf[65536];

static int send_all(int s, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = send(s, c, n, MSG_NOSIGNAL);

		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int listen_on(int port)
{
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };

	if (s < 0)
		return -1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	a.sin_addr.s_addr = htonl(INADDR_ANY);
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 64) < 0) {
		close(s);
		return -1;
	}
	return s;
}

/* as apps/net's client_send: MIB MiB in 64 KiB writes, half-close, wait for the peer's close */
static int client(const char *host, int port, unsigned mb)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int s = -1;

	if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
		return 64;
	/* the dom0 listener may not be up yet */
	for (int tries = 0; tries < 200; tries++) {
		s = socket(AF_INET, SOCK_STREAM, 0);
		if (s >= 0 && connect(s, (struct sockaddr *)&a, sizeof(a)) == 0)
			break;
		if (s >= 0)
			close(s);
		s = -1;
		usleep(100000);
	}
	if (s < 0) {
		printf("RESULT: FAIL cannot connect to %s:%d\n", host, port);
		return 1;
	}
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)('a' + i % 26);
	uint64_t total = (uint64_t)mb << 20, sent = 0, t0 = now_ns();

	while (sent < total) {
		size_t n = total - sent < sizeof(buf) ? (size_t)(total - sent) : sizeof(buf);

		if (send_all(s, buf, n))
			break;
		sent += n;
	}
	shutdown(s, SHUT_WR);
	while (recv(s, buf, sizeof(buf), 0) > 0)
		;
	uint64_t dt = now_ns() - t0;

	close(s);
	printf("bench: guest->dom0 %llu bytes in %llu ms: %llu Mbit/s\n", (unsigned long long)sent,
	       (unsigned long long)(dt / 1000000),
	       (unsigned long long)(sent * 8000 / (dt ? dt : 1)));
	printf("RESULT: %s client sent %llu bytes\n", sent == total ? "PASS" : "FAIL",
	       (unsigned long long)sent);
	return sent == total ? 0 : 1;
}

/* as apps/net's sink: one connection read to EOF in 64 KiB reads */
static int sink(int port)
{
	int ls = listen_on(port);

	if (ls < 0)
		return 1;
	printf("net: sink listening on :%d\n", port);
	fflush(stdout);
	int s = accept(ls, NULL, NULL);
	uint64_t got = 0, t0 = 0;
	ssize_t r;

	while ((r = recv(s, buf, sizeof(buf), 0)) > 0) {
		if (!t0)
			t0 = now_ns();
		got += (uint64_t)r;
	}
	uint64_t dt = now_ns() - t0;

	close(s);
	close(ls);
	printf("bench: dom0->guest %llu bytes in %llu ms: %llu Mbit/s\n", (unsigned long long)got,
	       (unsigned long long)(dt / 1000000),
	       (unsigned long long)(got * 8000 / (dt ? dt : 1)));
	printf("RESULT: PASS sink got %llu bytes\n", (unsigned long long)got);
	return 0;
}

/* apps/net's page and headers, byte for byte, so both servers send the same amount */
static const char page[] =
    "<!DOCTYPE html>\n<html><head><title>pvhkit</title></head><body>\n"
    "<h1>Hello from pvhkit</h1>\n<p>A unikernel on Xen PVH: netfront + lwIP.</p>\n"
    "<p><a href=\"/stats\">/stats</a></p>\n</body></html>\n";

static int respond(int s, const char *body, size_t blen, int keep)
{
	char h[256];
	int hl = snprintf(h, sizeof(h),
			  "HTTP/1.1 200 OK\r\nServer: pvhkit\r\nContent-Type: text/html\r\n"
			  "Content-Length: %u\r\nConnection: %s\r\n\r\n",
			  (unsigned)blen, keep ? "keep-alive" : "close");

	if (send_all(s, h, (size_t)hl))
		return -1;
	return send_all(s, body, blen);
}

/*
 * One connection: requests until the client closes or asks to (HTTP/1.1 keep-alive as apps/net);
 * returns 1 after GET /quit. Connections are served one after the other: the dom0 benchmark is
 * sequential, and a process per connection would charge Linux a fork apps/net does not pay.
 */
static int http_conn(int s)
{
	char req[2048];
	size_t have = 0;
	int quit = 0;

	for (;;) {
		char *end;

		req[have] = '\0';
		while (!(end = strstr(req, "\r\n\r\n"))) {
			if (have >= sizeof(req) - 1)
				goto out;
			ssize_t r = recv(s, req + have, sizeof(req) - 1 - have, 0);

			if (r <= 0)
				goto out;
			have += (size_t)r;
			req[have] = '\0';
		}
		*end = '\0';
		size_t used = (size_t)(end - req) + 4;
		char method[8], path[256], ver[16];

		if (sscanf(req, "%7s %255s %15s", method, path, ver) != 3)
			goto out;
		int keep = !strcmp(ver, "HTTP/1.1")
			       ? !strcasestr(req, "Connection: close")
			       : strcasestr(req, "Connection: keep-alive") != NULL;

		if (!strcmp(path, "/quit")) {
			respond(s, "bye\n", 4, 0);
			quit = 1;
			break;
		}
		if (respond(s, page, sizeof(page) - 1, keep) || !keep)
			break;
		memmove(req, req + used, have - used);
		have -= used;
	}
out:
	close(s);
	return quit;
}

static int serve(int port)
{
	int ls = listen_on(port);
	unsigned long n = 0;

	if (ls < 0) {
		printf("RESULT: ERROR cannot listen on :%d\n", port);
		return 1;
	}
	printf("net: serving http :%d\n", port);
	fflush(stdout);
	for (;;) {
		int c = accept(ls, NULL, NULL), one = 1;

		if (c < 0)
			continue;
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		n++;
		if (http_conn(c))
			break;
	}
	close(ls);
	printf("RESULT: PASS served %lu connections\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 4 && !strcmp(argv[1], "client"))
		return client(argv[2], atoi(argv[3]), (unsigned)atoi(argv[4]));
	if (argc > 2 && !strcmp(argv[1], "sink"))
		return sink(atoi(argv[2]));
	if (argc > 2 && !strcmp(argv[1], "serve"))
		return serve(atoi(argv[2]));
	fprintf(stderr, "usage: net-linux-bench client HOST PORT MIB | sink PORT | serve PORT\n");
	return 64;
}
