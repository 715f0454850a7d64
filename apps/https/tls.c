/* apps/https: mbed TLS set-up: the DRBG seeded from the guest's entropy, the credentials from a boot module. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/debug.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>
#include <pvhkit/random.h>
#include <pvhkit/thread.h>
#include "tls.h"

struct tls_counters tls_count;
static pvh_mutex_t count_lock = PVH_MUTEX_INIT;

static mbedtls_entropy_context entropy;
static mbedtls_ctr_drbg_context drbg;
static mbedtls_x509_crt chain, anchor;
static mbedtls_pk_context key;
static mbedtls_ssl_config srv, cli;

void tls_count_add(uint64_t *c)
{
	pvh_mutex_lock(&count_lock);
	(*c)++;
	pvh_mutex_unlock(&count_lock);
}

const char *tls_err(int ret)
{
	static char buf[128];

	mbedtls_strerror(ret, buf, sizeof(buf));
	return buf;
}

/* the whole file, NUL-terminated (mbed TLS's PEM parser wants the terminator in the length) */
static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			unsigned char *nb = realloc(buf, cap = n + 65536);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, 4096, f);
		n += r;
	} while (r > 0);
	fclose(f);
	buf[n] = '\0';
	*len = n + 1;
	return buf;
}

static int seed(void)
{
	static const char pers[] = "pvhkit-https";
	int ret;

	printf("https: entropy source %s\n", pvh_entropy_source());
	mbedtls_entropy_init(&entropy);
	mbedtls_ctr_drbg_init(&drbg);
	ret = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy,
				    (const unsigned char *)pers, sizeof(pers) - 1);
	if (ret)
		printf("https: cannot seed the DRBG: %s\n", tls_err(ret));
	return ret ? -1 : 0;
}

/* the bundle's certificates (all of them, in order) and its private key, checked to match */
static int load_creds(const char *path)
{
	size_t len;
	unsigned char *pem = read_file(path, &len);
	int ret;

	if (!pem) {
		printf("https: cannot read %s (boot the image with the PEM bundle as module 0)\n",
		       path);
		return -1;
	}
	mbedtls_x509_crt_init(&chain);
	mbedtls_x509_crt_init(&anchor);
	mbedtls_pk_init(&key);
	ret = mbedtls_x509_crt_parse(&chain, pem, len);
	if (ret < 0 || !chain.raw.len) {
		printf("https: %s: no certificate parsed (%s)\n", path, tls_err(ret));
		goto out;
	}
	ret = mbedtls_pk_parse_key(&key, pem, len, NULL, 0);
	if (ret) {
		printf("https: %s: no private key parsed (%s)\n", path, tls_err(ret));
		goto out;
	}
	ret = mbedtls_pk_check_pair(&chain.pk, &key);
	if (ret) {
		printf("https: %s: the key does not belong to the first certificate\n", path);
		goto out;
	}
	const mbedtls_x509_crt *last = &chain;
	int n = 1;
	while (last->next && last->next->raw.len) {
		last = last->next;
		n++;
	}
	ret = mbedtls_x509_crt_parse_der(&anchor, last->raw.p, last->raw.len);
	char subj[128];
	mbedtls_x509_dn_gets(subj, sizeof(subj), &chain.subject);
	printf("https: %s: %d certificate(s), subject %s, key %s\n", path, n, subj,
	       mbedtls_pk_get_name(&key));
out:
	free(pem);
	return ret ? -1 : 0;
}

/*
 * The client's certificate check. Without Xen (QEMU's PVH loader) the guest has no wall clock and
 * time() is near 1970: every certificate would be "not yet valid", so the date checks are dropped
 * then, and said so. With a clock (Xen's) they stand.
 */
static int verify_dates(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
	static int said;

	(void)ctx, (void)crt, (void)depth;
	if (time(NULL) < 946684800 /* 2000-01-01 */) {
		if (!said++)
			printf(
			    "https: no wall clock (time() = %lld): certificate dates not checked\n",
			    (long long)time(NULL));
		*flags &= ~(uint32_t)(MBEDTLS_X509_BADCERT_FUTURE | MBEDTLS_X509_BADCERT_EXPIRED);
	}
	return 0;
}

static int make_conf(mbedtls_ssl_config *c, int endpoint)
{
	int ret;

	mbedtls_ssl_config_init(c);
	ret = mbedtls_ssl_config_defaults(c, endpoint, MBEDTLS_SSL_TRANSPORT_STREAM,
					  MBEDTLS_SSL_PRESET_DEFAULT);
	if (ret)
		return ret;
	mbedtls_ssl_conf_rng(c, mbedtls_ctr_drbg_random, &drbg);
	/* TLS 1.2 only: the one version this mbed TLS serves (1.3 is a prototype in 2.28) */
	mbedtls_ssl_conf_min_version(c, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
	/* P-256 first: with MBEDTLS_ECP_NIST_OPTIM the cheapest key exchange here */
	static const mbedtls_ecp_group_id curves[] = { MBEDTLS_ECP_DP_SECP256R1,
						       MBEDTLS_ECP_DP_CURVE25519,
						       MBEDTLS_ECP_DP_SECP384R1,
						       MBEDTLS_ECP_DP_NONE };
	mbedtls_ssl_conf_curves(c, curves);
	if (endpoint == MBEDTLS_SSL_IS_SERVER)
		return mbedtls_ssl_conf_own_cert(c, &chain, &key);
	mbedtls_ssl_conf_authmode(c, MBEDTLS_SSL_VERIFY_REQUIRED);
	mbedtls_ssl_conf_ca_chain(c, &anchor, NULL);
	mbedtls_ssl_conf_verify(c, verify_dates, NULL);
	return 0;
}

int tls_setup(const char *path)
{
	int ret;

	if (seed() || load_creds(path))
		return -1;
	if ((ret = make_conf(&srv, MBEDTLS_SSL_IS_SERVER)) ||
	    (ret = make_conf(&cli, MBEDTLS_SSL_IS_CLIENT))) {
		printf("https: TLS configuration: %s\n", tls_err(ret));
		return -1;
	}
	return 0;
}

const mbedtls_ssl_config *tls_server_conf(void)
{
	return &srv;
}

const mbedtls_ssl_config *tls_client_conf(void)
{
	return &cli;
}
