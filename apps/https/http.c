/* apps/https: one connection: TLS handshake over lwIP's socket, then HTTP/1.1 GET of /, /stats and /quit. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <pvhkit/kernel.h>
#include <pvhkit/net.h>
#include <pvhkit/random.h>
#include "http.h"
#include "tls.h"

volatile int https_quit;
uint64_t https_t_start_ns;

uint64_t https_now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		return 0; /* no clock (no Xen) */
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* mbed TLS's BIO callbacks over the socket (blocking, with the socket's receive timeout) */
static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	ssize_t w = send((int)(intptr_t)ctx, buf, len, 0);

	if (w < 0)
		return errno == EINTR ? MBEDTLS_ERR_SSL_WANT_WRITE : MBEDTLS_ERR_NET_SEND_FAILED;
	return (int)w;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	ssize_t r = recv((int)(intptr_t)ctx, buf, len, 0);

	if (r < 0)
		return errno == EINTR ? MBEDTLS_ERR_SSL_WANT_READ : MBEDTLS_ERR_NET_RECV_FAILED;
	return (int)r; /* 0: the peer closed */
}

static int write_all(mbedtls_ssl_context *ssl, const char *p, size_t n)
{
	while (n) {
		int w = mbedtls_ssl_write(ssl, (const unsigned char *)p, n);

		if (w == MBEDTLS_ERR_SSL_WANT_WRITE || w == MBEDTLS_ERR_SSL_WANT_READ)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int stats_json(char *b, size_t n)
{
	struct pvh_mem_stats m;
	struct pvh_entropy_stats es;

	pvh_mem_stats(&m);
	pvh_entropy_stats(&es);
	int len = snprintf(
	    b, n,
	    "{\"uptime_ms\":%llu,\"tls\":{\"version\":\"TLSv1.2\",\"handshakes\":%llu,"
	    "\"handshake_failures\":%llu,\"requests\":%llu},"
	    "\"entropy\":{\"source\":\"%s\",\"rdseed_words\":%llu,\"rdrand_words\":%llu,"
	    "\"jitter_bytes\":%llu},"
	    "\"memory\":{\"total_bytes\":%llu,\"free_bytes\":%llu,\"heap_in_use\":%llu}}\n",
	    (unsigned long long)((https_now_ns() - https_t_start_ns) / 1000000),
	    (unsigned long long)tls_count.handshakes,
	    (unsigned long long)tls_count.handshake_failures,
	    (unsigned long long)tls_count.requests, pvh_entropy_source(),
	    (unsigned long long)es.rdseed_words, (unsigned long long)es.rdrand_words,
	    (unsigned long long)es.jitter_bytes, (unsigned long long)(m.total_pages * 4096),
	    (unsigned long long)(m.free_pages * 4096), (unsigned long long)m.heap_bytes_in_use);
	return len < (int)n ? len : (int)n - 1;
}

static const char page[] =
    "<!DOCTYPE html>\n<html><head><title>pvhkit</title></head><body>\n"
    "<h1>Hello from pvhkit over TLS</h1>\n<p>mbed TLS on a Xen PVH unikernel.</p>\n"
    "<p><a href=\"/stats\">/stats</a></p>\n</body></html>\n";

static int respond(mbedtls_ssl_context *ssl, int code, const char *type, const char *body,
		   size_t blen, int keep)
{
	char h[256];
	int hl = snprintf(h, sizeof(h),
			  "HTTP/1.1 %d %s\r\nServer: pvhkit\r\nContent-Type: %s\r\n"
			  "Content-Length: %u\r\nConnection: %s\r\n\r\n",
			  code,
			  code == 200	? "OK"
			  : code == 404 ? "Not Found"
					: "Bad Request",
			  type, (unsigned)blen, keep ? "keep-alive" : "close");

	if (write_all(ssl, h, (size_t)hl))
		return -1;
	return blen ? write_all(ssl, body, blen) : 0;
}

/* one request's header, up to the blank line, into req (NUL-terminated): 0, or -1 */
static int read_request(mbedtls_ssl_context *ssl, char *req, size_t cap)
{
	size_t have = 0;

	req[0] = '\0';
	while (!strstr(req, "\r\n\r\n")) {
		if (have >= cap - 1)
			return -1;
		int r = mbedtls_ssl_read(ssl, (unsigned char *)req + have, cap - 1 - have);

		if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE)
			continue;
		if (r <= 0)
			return -1;
		have += (size_t)r;
		req[have] = '\0';
	}
	return 0;
}

/* answers one request: 1 to keep the connection, 0 to close it */
static int serve_request(mbedtls_ssl_context *ssl, const char *req)
{
	char method[8], path[256], ver[16];

	tls_count_add(&tls_count.requests);
	if (sscanf(req, "%7s %255s %15s", method, path, ver) != 3 || strcmp(method, "GET")) {
		respond(ssl, 400, "text/plain", "GET only\n", 9, 0);
		return 0;
	}
	int keep = !strcmp(ver, "HTTP/1.1") && !strstr(req, "Connection: close");

	if (!strcmp(path, "/"))
		return !respond(ssl, 200, "text/html", page, sizeof(page) - 1, keep) && keep;
	if (!strcmp(path, "/stats")) {
		char js[768];
		int n = stats_json(js, sizeof(js));
		return !respond(ssl, 200, "application/json", js, (size_t)n, keep) && keep;
	}
	if (!strcmp(path, "/quit")) {
		respond(ssl, 200, "text/plain", "bye\n", 4, 0);
		https_quit = 1;
		return 0;
	}
	return !respond(ssl, 404, "text/plain", "not found\n", 10, keep) && keep;
}

static int handshake(mbedtls_ssl_context *ssl)
{
	int ret;

	while ((ret = mbedtls_ssl_handshake(ssl)) != 0)
		if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE)
			break;
	tls_count_add(ret ? &tls_count.handshake_failures : &tls_count.handshakes);
	if (ret && ret != MBEDTLS_ERR_NET_RECV_FAILED && ret != MBEDTLS_ERR_SSL_CONN_EOF)
		printf("https: handshake failed: %s\n", tls_err(ret));
	return ret;
}

void *https_conn(void *arg)
{
	int s = (int)(intptr_t)arg;
	struct timeval tv = { .tv_sec = 30 };
	mbedtls_ssl_context ssl;
	char req[2048];

	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	mbedtls_ssl_init(&ssl);
	if (mbedtls_ssl_setup(&ssl, tls_server_conf()) == 0) {
		mbedtls_ssl_set_bio(&ssl, (void *)(intptr_t)s, bio_send, bio_recv, NULL);
		if (handshake(&ssl) == 0) {
			while (read_request(&ssl, req, sizeof(req)) == 0 &&
			       serve_request(&ssl, req))
				;
			mbedtls_ssl_close_notify(&ssl);
		}
	}
	mbedtls_ssl_free(&ssl);
	closesocket(s);
	return NULL;
}
