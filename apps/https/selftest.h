/* apps/https: TLS without a network: client and server in one thread over an in-memory pipe. */
#ifndef APPS_HTTPS_SELFTEST_H
#define APPS_HTTPS_SELFTEST_H

/*
 * n full handshakes (the client verifies the chain against the bundle's last certificate and the
 * name "pvhkit-https"), then one application-data round trip and a bad-name handshake that must
 * fail; prints TAP lines and the handshake rate. 0 when all held.
 */
int tls_selftest(int n);

#endif
