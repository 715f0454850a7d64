/* include/pvhkit/test/evtchn.h (test images only): the kernel's event channels under test names. */
#include "kernel/evtchn.h"
#include "pvhkit/test/evtchn.h"

int pvh_test_evtchn_available(void)
{
	return evtchn_available();
}

int pvh_test_evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port)
{
	return evtchn_alloc_unbound(remote, port);
}

int pvh_test_evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port, evtchn_port_t *port)
{
	return evtchn_bind_interdomain(remote, remote_port, port);
}

int pvh_test_evtchn_bind_ipi(uint32_t vcpu, evtchn_port_t *port)
{
	return evtchn_bind_ipi(vcpu, port);
}

int pvh_test_evtchn_bind(evtchn_port_t port, void (*fn)(evtchn_port_t port, void *arg), void *arg)
{
	return evtchn_bind(port, fn, arg);
}

int pvh_test_evtchn_notify(evtchn_port_t port)
{
	return evtchn_notify(port);
}

void pvh_test_evtchn_mask(evtchn_port_t port)
{
	evtchn_mask(port);
}

void pvh_test_evtchn_unmask(evtchn_port_t port)
{
	evtchn_unmask(port);
}

int pvh_test_evtchn_close(evtchn_port_t port)
{
	return evtchn_close(port);
}

uint64_t pvh_test_evtchn_count(evtchn_port_t port)
{
	return evtchn_count(port);
}

unsigned pvh_test_evtchn_bound_count(void)
{
	return evtchn_bound_count();
}
