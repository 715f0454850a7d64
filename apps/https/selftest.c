/* apps/https: TLS self-test and handshake benchmark with both ends in the guest, over memory pipes. */
#include <stdio.h>
#include <string.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include "http.h"
#include "selftest.h"
#include "tls.h"

/* one direction of the in-memory connection */
struct pipe {
	unsigned char buf[32768];
	size_t len;
};
/* one end: it writes into out and reads from in */
struct end {
	struct pipe *out, *in;
};

static int end_send(void *ctx, const unsigned char *p, size_t n)
{
	struct pipe *q = ((struct end *)ctx)->out;

	if (n > sizeof(q->buf) - q->len)
		n = sizeof(q->buf) - q->len;
	if (!n)
		return MBEDTLS_ERR_SSL_WANT_WRITE;
	memcpy(q->buf + q->len, p, n);
	q->len += n;
	return (int)n;
}

static int end_recv(void *ctx, unsigned char *p, size_t n)
{
	struct pipe *q = ((struct end *)ctx)->in;

	if (!q->len)
		return MBEDTLS_ERR_SSL_WANT_READ;
	if (n > q->len)
		n = q->len;
	memcpy(p, q->buf, n);
	memmove(q->buf, q->buf + n, q->len - n);
	q->len -= n;
	return (int)n;
}

static struct pipe c2s, s2c;
static struct end client_end = { &c2s, &s2c }, server_end = { &s2c, &c2s };

static int pending(int r)
{
	return r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE;
}

/* steps both handshakes in turn until both are done: 0, or the first hard error */
static int handshake_pair(mbedtls_ssl_context *c, mbedtls_ssl_context *s)
{
	int rc = 1, rs = 1;

	for (int i = 0; i < 1000 && (rc || rs); i++) {
		if (rc && (rc = mbedtls_ssl_handshake(c)) && !pending(rc))
			return rc;
		if (rs && (rs = mbedtls_ssl_handshake(s)) && !pending(rs))
			return rs;
	}
	return rc ? rc : rs;
}

/* a message from the client to the server and back through the record layer: 0 or -1 */
static int exchange(mbedtls_ssl_context *c, mbedtls_ssl_context *s)
{
	static const char msg[] = "GET / HTTP/1.1\r\n\r\n";
	unsigned char got[64];

	if (mbedtls_ssl_write(c, (const unsigned char *)msg, sizeof(msg)) != sizeof(msg) ||
	    mbedtls_ssl_read(s, got, sizeof(got)) != sizeof(msg) || memcmp(got, msg, sizeof(msg)))
		return -1;
	if (mbedtls_ssl_write(s, got, sizeof(msg)) != sizeof(msg) ||
	    mbedtls_ssl_read(c, got, sizeof(got)) != sizeof(msg) || memcmp(got, msg, sizeof(msg)))
		return -1;
	return 0;
}

static uint32_t last_flags; /* the client's certificate verification result, last handshake */

/* one handshake between fresh contexts, the client expecting hostname: 0, or an mbed TLS error */
static int one(const char *hostname, int with_data)
{
	mbedtls_ssl_context c, s;
	int ret;

	c2s.len = s2c.len = 0;
	mbedtls_ssl_init(&c);
	mbedtls_ssl_init(&s);
	if (!(ret = mbedtls_ssl_setup(&c, tls_client_conf())) &&
	    !(ret = mbedtls_ssl_setup(&s, tls_server_conf())) &&
	    !(ret = mbedtls_ssl_set_hostname(&c, hostname))) {
		mbedtls_ssl_set_bio(&c, &client_end, end_send, end_recv, NULL);
		mbedtls_ssl_set_bio(&s, &server_end, end_send, end_recv, NULL);
		ret = handshake_pair(&c, &s);
		last_flags = mbedtls_ssl_get_verify_result(&c);
		if (ret && last_flags && with_data) {
			char info[256];
			mbedtls_x509_crt_verify_info(info, sizeof(info), "  ", last_flags);
			printf("https: certificate check failed:\n%s", info);
		}
		if (!ret && with_data) {
			printf("https: self-test: %s, %s\n", mbedtls_ssl_get_version(&c),
			       mbedtls_ssl_get_ciphersuite(&c));
			ret = exchange(&c, &s) ? -1 : 0;
		}
	}
	mbedtls_ssl_free(&c);
	mbedtls_ssl_free(&s);
	return ret;
}

int tls_selftest(int n)
{
	int fails = 0, ret;

	printf("TAP version 13\n1..3\n");
	ret = one("pvhkit-https", 1);
	fails += ret != 0;
	printf("%sok 1 - handshake verifying the chain and the name, data both ways%s%s\n",
	       ret ? "not " : "", ret ? " # " : "", ret ? tls_err(ret) : "");
	/* the client must refuse a certificate that does not name the host it asked for */
	ret = one("not-pvhkit-https", 0);
	int ok2 = ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED &&
		  last_flags == MBEDTLS_X509_BADCERT_CN_MISMATCH;
	fails += !ok2;
	printf("%sok 2 - a wrong host name fails verification, for that reason only # flags 0x%x\n",
	       ok2 ? "" : "not ", (unsigned)last_flags);
	uint64_t t0 = https_now_ns();
	int done = 0;
	for (int i = 0; i < n; i++)
		done += one("pvhkit-https", 0) == 0;
	uint64_t dt = https_now_ns() - t0;
	fails += done != n;
	printf("%sok 3 - %d of %d handshakes\n", done == n ? "" : "not ", done, n);
	if (!t0 || !dt)
		printf("# no clock (no Xen): handshakes not timed\n");
	else
		printf("bench: tls.handshake.in-guest %d handshakes (both ends in one vCPU) in "
		       "%llu ms: "
		       "%llu.%01llu/s\n",
		       n, (unsigned long long)(dt / 1000000),
		       (unsigned long long)(n * 1000000000ull / (dt ? dt : 1)),
		       (unsigned long long)(n * 10000000000ull / (dt ? dt : 1) % 10));
	return fails ? -1 : 0;
}
