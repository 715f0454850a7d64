/* apps/https: an HTTPS server (mbed TLS 2.28, TLS 1.2) with its certificate and key from boot module 0. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pvhkit/net.h>
#include <pvhkit/result.h>
#include <pvhkit/thread.h>
#include <pvhkit/tls.h>
#include "http.h"
#include "selftest.h"
#include "tls.h"

/*
 * usage: https [serve [PORT] | selftest [N]] [weak-entropy]
 *   serve     (default) HTTPS on PORT (443): GET / (a page), /stats (JSON), /quit (ends)
 *   selftest  no network: N (20) handshakes with both ends in the guest, checked, timed
 *   weak-entropy  accept timing jitter as the only entropy (a CPU without RDSEED/RDRAND)
 * Module 0 (xl "ramdisk", QEMU -initrd) is a PEM bundle: private key, server certificate, CA.
 */
#define BUNDLE	   "/boot/module/0"
#define CONN_STACK (64 * 1024)
#define MAX_CONNS  64

struct conn {
	pvh_thread_t *t;
	int sock;
	volatile int done;
};
static struct conn conns[MAX_CONNS];

static void *conn_main(void *arg)
{
	struct conn *c = arg;

	https_conn((void *)(intptr_t)c->sock);
	c->done = 1;
	return NULL;
}

/* a free slot, joining finished connection threads (their stacks) on the way */
static struct conn *conn_slot(void)
{
	struct conn *free_slot = NULL;

	for (int i = 0; i < MAX_CONNS; i++) {
		if (conns[i].t && conns[i].done) {
			pvh_thread_join(conns[i].t, NULL);
			conns[i].t = NULL;
		}
		if (!conns[i].t && !free_slot)
			free_slot = &conns[i];
	}
	return free_slot;
}

static void *acceptor(void *arg)
{
	int ls = (int)(intptr_t)arg;

	while (!https_quit) {
		int c = accept(ls, NULL, NULL);
		struct conn *slot;

		if (c < 0) {
			pvh_sleep_ns(10000000);
			continue;
		}
		int one = 1;
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		while (!(slot = conn_slot()))
			pvh_sleep_ns(1000000); /* all busy: the backlog waits */
		slot->sock = c;
		slot->done = 0;
		slot->t = pvh_thread_create("https", conn_main, slot, CONN_STACK);
		if (!slot->t)
			closesocket(c);
	}
	return NULL;
}

static int serve(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, ls;

	if (pvh_net_start(30ull * 1000000000ull) <= 0) {
		fflush(
		    stdout); /* the RESULT line (the result library's) comes after what was printed */
		return pvh_result(PVH_ERROR, "no network");
	}
	ls = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(ls, 64) < 0) {
		fflush(stdout);
		return pvh_result(PVH_ERROR, "cannot listen on :%d (errno %d)", port, errno);
	}
	pvh_thread_create("https-accept", acceptor, (void *)(intptr_t)ls, 0);
	printf("https: serving TLS 1.2 on :%d\n", port);
	fflush(stdout);
	while (!https_quit)
		pvh_sleep_ns(50000000);
	pvh_sleep_ns(200000000); /* let the last response leave */
	printf("https: %llu handshakes, %llu failed, %llu requests\n",
	       (unsigned long long)tls_count.handshakes,
	       (unsigned long long)tls_count.handshake_failures,
	       (unsigned long long)tls_count.requests);
	fflush(stdout);
	return pvh_result(PVH_PASS, "served");
}

int main(int argc, char **argv)
{
	const char *mode = "serve";
	long num = 0;

	https_t_start_ns = https_now_ns();
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "weak-entropy"))
			pvh_tls_allow_weak_entropy(1);
		else if (!strcmp(argv[i], "serve") || !strcmp(argv[i], "selftest"))
			mode = argv[i];
		else
			num = strtol(argv[i], NULL, 10);
	}
	if (tls_setup(BUNDLE)) {
		fflush(stdout);
		return pvh_result(PVH_ERROR, "https: TLS set-up failed");
	}
	if (!strcmp(mode, "selftest")) {
		int r = tls_selftest(num > 0 ? (int)num : 20);
		fflush(stdout);
		return pvh_result(r ? PVH_FAIL : PVH_PASS, "https self-test");
	}
	return serve(num > 0 ? (int)num : 443);
}
