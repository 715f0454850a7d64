/* pvhkit's port of mbed TLS (lib/mbedtls): its settings an app may change; the rest is mbed TLS's API. */
#ifndef PVHKIT_TLS_H
#define PVHKIT_TLS_H

/*
 * mbed TLS's entropy pool takes seed material only from RDSEED/RDRAND (see <pvhkit/random.h>).
 * On a CPU without both, seeding a DRBG fails unless the app calls this with 1: the weak timing
 * jitter then counts as entropy. Keys and handshakes made that way are not fit for production.
 */
void pvh_tls_allow_weak_entropy(int allow);

#endif
