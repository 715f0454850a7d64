/* mbed TLS's mutex type over pvhkit's sleeping mutex (MBEDTLS_THREADING_ALT; set up in port.c). */
#ifndef PVHKIT_MBEDTLS_THREADING_ALT_H
#define PVHKIT_MBEDTLS_THREADING_ALT_H

#include <pvhkit/thread.h>

typedef struct mbedtls_threading_mutex_t {
	pvh_mutex_t m;
	char is_valid; /* mbed TLS's own tests look at it; set by init, cleared by free */
} mbedtls_threading_mutex_t;

#endif
