/* Xen event channels (2-level ABI): binding, handlers, masking, notification. */
#ifndef KERNEL_EVTCHN_H
#define KERNEL_EVTCHN_H

#include <stdint.h>
#include <xen/xen.h>
#include <xen/event_channel.h>

typedef void (*evtchn_handler_t)(evtchn_port_t port, void *arg);

/* Masks every port and hooks the upcall; 0 or a negative errno (-ENODEV without Xen). */
int evtchn_init(void);
int evtchn_available(void);

/* Attaches a handler (run with interrupts off, must not block) and unmasks the port. */
int evtchn_bind(evtchn_port_t port, evtchn_handler_t fn, void *arg);
/* Masks the port and detaches its handler; the port stays open. */
void evtchn_unbind(evtchn_port_t port);
void evtchn_mask(evtchn_port_t port);
void evtchn_unmask(evtchn_port_t port);
int evtchn_notify(evtchn_port_t port);

int evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port);
int evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port, evtchn_port_t *port);
int evtchn_bind_virq(uint32_t virq, uint32_t vcpu, evtchn_port_t *port);
int evtchn_bind_ipi(uint32_t vcpu, evtchn_port_t *port);
/* EVTCHNOP_bind_vcpu: the port's events go to CPU cpu_index from now on (interdomain/unbound). */
int evtchn_bind_vcpu(evtchn_port_t port, unsigned cpu_index);
struct cpu;
/* On each AP: its upcall vector (when Xen delivers per vCPU). */
void evtchn_cpu_init(struct cpu *c);
/* Unbinds and closes the port. */
int evtchn_close(evtchn_port_t port);

/*
 * After a suspend (kernel/suspend.c), on the boot CPU, interrupts off: on a new domain every port
 * is masked and forgotten (handlers, vCPU bindings) and the upcall is hooked again; a cancelled
 * suspend changes nothing. Owners of ports bind again with new numbers.
 */
int evtchn_resume(int new_domain);
/* Ports with a handler now (for the suspend test's leak check). */
unsigned evtchn_bound_count(void);

/* Events delivered to a handler on this port so far. */
uint64_t evtchn_count(evtchn_port_t port);

#endif
