/* apps/https: the TLS side: credentials from a PEM bundle, a seeded DRBG, server and client configs. */
#ifndef APPS_HTTPS_TLS_H
#define APPS_HTTPS_TLS_H

#include <stddef.h>
#include <stdint.h>
#include <mbedtls/ssl.h>

/*
 * Seeds the DRBG (from pvh_entropy through mbed TLS's entropy pool), reads the PEM bundle at path
 * (private key, server certificate, then the chain up to the CA: the last certificate is the
 * trust anchor the self-test's client uses) and makes the server configuration. 0, or -1 after
 * printing why.
 */
int tls_setup(const char *path);
const mbedtls_ssl_config *tls_server_conf(void);
/* a client configuration that trusts only the bundle's last certificate (for the self-test) */
const mbedtls_ssl_config *tls_client_conf(void);
/* mbed TLS's message for an error code, in a static buffer */
const char *tls_err(int ret);

struct tls_counters {
	uint64_t handshakes, handshake_failures, requests;
};
extern struct tls_counters tls_count;
void tls_count_add(uint64_t *c);

#endif
