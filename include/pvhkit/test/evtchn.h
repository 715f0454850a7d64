/* Test images only (not a stable API): the kernel's event channels, to test Xen's (EVTCHNOP_*). */
#ifndef PVHKIT_TEST_EVTCHN_H
#define PVHKIT_TEST_EVTCHN_H

#include <stdint.h>
#include <pvhkit/test/test.h>

/* Ports and domain ids are Xen's evtchn_port_t (uint32_t) and domid_t (uint16_t). */

/* 1 once the kernel set event channels up (Xen with an upcall vector). */
int pvh_test_evtchn_available(void);
/* Each returns 0 or a negative errno. */
int pvh_test_evtchn_alloc_unbound(uint16_t remote, uint32_t *port);
int pvh_test_evtchn_bind_interdomain(uint16_t remote, uint32_t remote_port, uint32_t *port);
int pvh_test_evtchn_bind_ipi(uint32_t vcpu, uint32_t *port);
/* Runs fn(port, arg) in interrupt context on every event on port. */
int pvh_test_evtchn_bind(uint32_t port, void (*fn)(uint32_t port, void *arg), void *arg);
int pvh_test_evtchn_notify(uint32_t port);
/* Masked, the port's events stay pending (no upcall) until unmasked. */
void pvh_test_evtchn_mask(uint32_t port);
void pvh_test_evtchn_unmask(uint32_t port);
int pvh_test_evtchn_close(uint32_t port);
/* How many times port's handler has run. */
uint64_t pvh_test_evtchn_count(uint32_t port);
/* Ports with a handler bound now (the suspend test's leak check). */
unsigned pvh_test_evtchn_bound_count(void);

#endif
