/* apps/https: one HTTPS connection: the TLS handshake, then HTTP/1.1 requests for /, /stats, /quit. */
#ifndef APPS_HTTPS_HTTP_H
#define APPS_HTTPS_HTTP_H

#include <stdint.h>

/* set by GET /quit: main stops serving */
extern volatile int https_quit;
extern uint64_t https_t_start_ns;

/* serves the connected socket s (closes it); the thread entry is (void *)(intptr_t)s */
void *https_conn(void *arg);
uint64_t https_now_ns(void);

#endif
