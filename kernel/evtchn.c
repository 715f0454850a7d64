/*
 * Xen event channels: all ports masked at start, one upcall vector on every vCPU, handlers per port.
 *
 * An event channel is Xen's doorbell: a port number at each end, one bit of state, no payload
 * (the data travels in shared rings; the event only says "look"). In the 2-level ABI the
 * state lives in the shared-info page as two bitmaps indexed by port: pending (Xen sets a bit
 * when the other end sends) and mask (we set a bit to say "do not interrupt me for this one").
 * A second level keeps the scan short: each vCPU's vcpu_info has a selector word with one bit
 * per 64-port word of pending, and an upcall_pending flag. Xen raises an event by setting the
 * pending bit and, if the port is unmasked, the selector bit and upcall_pending, then injects
 * our upcall vector. We unwind in the opposite order, always clearing a flag before acting on
 * what it announced (upcall_pending, then the selector word by exchange, then each pending bit
 * by an atomic and-not before its handler runs), so an event that arrives meanwhile sets the
 * flag again and is seen on the next pass instead of being lost.
 * To stop a port we mask first and only then drop its handler: an event in between stays
 * pending for whoever binds next instead of reaching a handler that is going away. Unmasking
 * goes through Xen (EVTCHNOP_unmask): an event that became pending while the port was masked
 * must be raised now, and Xen sets the selector and upcall flags of whichever vCPU owns it.
 * Each port belongs to the vCPU Xen notifies for it (vCPU 0 unless bound to another one:
 * per-vCPU VIRQs, IPIs, EVTCHNOP_bind_vcpu); a vCPU's upcall scans only its own ports, so a
 * timer VIRQ or an IPI is always handled on the CPU it is meant for.
 */
#include "arch/x86/apic.h"
#include "arch/x86/hypercall.h"
#include "arch/x86/irq.h"
#include "arch/x86/xen.h"
#include "base/errno.h"
#include "kernel/cpu.h"
#include "kernel/evtchn.h"
#include "kernel/evtchn_scan.h"
#include "kernel/heap.h"
#include "kernel/printk.h"
#include <xen/arch-x86/cpuid.h>

struct port_info {
	evtchn_handler_t fn;
	void *arg;
	uint64_t count;
	uint16_t cpu;	 /* index of the CPU whose vCPU Xen notifies */
	uint8_t cpu_set; /* cpu was set by a binding; else it is vCPU 0's CPU */
};

#define PORT_WORDS (EVTCHN_2L_PORTS / EVTCHN_WORD_BITS)

static struct port_info *ports;		  /* EVTCHN_2L_PORTS entries, from the heap */
static uint64_t (*cpu_ports)[PORT_WORDS]; /* per CPU: a bit per port it scans */
static int percpu_vector;		  /* delivered through the LAPIC: needs an EOI */
static uint64_t unbound_events;		  /* pending on a port nobody handles */

int evtchn_available(void)
{
	return ports != NULL;
}

static void dispatch(unsigned port, void *ctx)
{
	struct port_info *p = &ports[port];
	evtchn_handler_t fn = __atomic_load_n(&p->fn, __ATOMIC_ACQUIRE);

	(void)ctx;
	if (!fn) {
		__atomic_fetch_add(&unbound_events, 1, __ATOMIC_RELAXED);
		return;
	}
	__atomic_fetch_add(&p->count, 1, __ATOMIC_RELAXED);
	fn(port, p->arg);
}

static void upcall(void *arg)
{
	struct cpu *c = this_cpu();
	struct vcpu_info *vi = c->arch.vcpu_info;

	(void)arg;
	c->upcalls++;
	/* cleared before the scan, so an event arriving during it raises a new upcall */
	do {
		__atomic_store_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
		evtchn_scan_cpu(&vi->evtchn_pending_sel, xen_shared_info->evtchn_pending,
				xen_shared_info->evtchn_mask, cpu_ports[c->index], dispatch, NULL);
	} while (__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_ACQUIRE));
	if (percpu_vector)
		lapic_eoi();
}

/* The per-vCPU vector is set for each vCPU, on it, after its LAPIC is enabled. */
static int set_upcall_vector(struct cpu *c)
{
	struct xen_hvm_evtchn_upcall_vector v = { .vcpu = c->vcpu_id, .vector = IRQ_VECTOR_EVTCHN };

	lapic_enable();
	return (int)HYPERVISOR_hvm_op(HVMOP_set_evtchn_upcall_vector, &v);
}

void evtchn_cpu_init(struct cpu *c)
{
	/* the domain-wide callback vector reaches every vCPU without anything more */
	if (percpu_vector && set_upcall_vector(c))
		pr_err("evtchn: CPU %u: per-vCPU upcall vector refused\n", c->index);
}

static int set_callback_irq(uint64_t value)
{
	struct xen_hvm_param p = { .domid = DOMID_SELF,
				   .index = HVM_PARAM_CALLBACK_IRQ,
				   .value = value };

	return (int)HYPERVISOR_hvm_op(HVMOP_set_param, &p);
}

/* Per-vCPU vector through the LAPIC where Xen offers it, else the domain-wide callback vector. */
static int hook_upcall(void)
{
	if (xen.hvm_features & XEN_HVM_CPUID_UPCALL_VECTOR) {
		if (set_upcall_vector(this_cpu()) == 0) {
			percpu_vector = 1;
			/*
			 * libxl asks a PVH guest to suspend through control/shutdown only when
			 * HVM_PARAM_CALLBACK_IRQ is non-zero (libxl__domain_pvcontrol_available):
			 * say GSI 1, as Linux does. Xen never raises it: a vCPU with its own upcall
			 * vector gets its events there (hvm_assert_evtchn_irq looks at that first).
			 */
			if (set_callback_irq(1))
				pr_warn(
				    "evtchn: HVM_PARAM_CALLBACK_IRQ not set: the toolstack will "
				    "not ask for suspend\n");
			return 0;
		}
	}
	return set_callback_irq((2ull << 56) | IRQ_VECTOR_EVTCHN);
}

int evtchn_resume(int new_domain)
{
	if (!ports)
		return -ENODEV;
	if (!new_domain)
		return 0; /* every binding is still there */
	/*
	 * Xen kept no event channel: every port is closed and the numbers will be handed out
	 * afresh, so no handler, vCPU binding or count may survive (a stale handler would run for
	 * whatever the number means now). Each owner binds again from its resume hook.
	 */
	for (unsigned w = 0; w < PORT_WORDS; w++)
		__atomic_store_n(&xen_shared_info->evtchn_mask[w], ~0ull, __ATOMIC_SEQ_CST);
	for (unsigned i = 0; i < EVTCHN_2L_PORTS; i++) {
		__atomic_store_n(&ports[i].fn, NULL, __ATOMIC_RELEASE);
		ports[i].arg = NULL;
		ports[i].cpu_set = 0;
	}
	for (unsigned c = 0; c < CPU_MAX; c++)
		for (unsigned w = 0; w < PORT_WORDS; w++)
			__atomic_store_n(&cpu_ports[c][w], 0, __ATOMIC_SEQ_CST);
	/* the upcall vector, or the callback, is per domain state too */
	return hook_upcall();
}

unsigned evtchn_bound_count(void)
{
	unsigned n = 0;

	for (unsigned i = 0; ports && i < EVTCHN_2L_PORTS; i++)
		n += __atomic_load_n(&ports[i].fn, __ATOMIC_RELAXED) != NULL;
	return n;
}

int evtchn_init(void)
{
	if (!xen_shared_info)
		return -ENODEV;
	for (unsigned w = 0; w < EVTCHN_2L_PORTS / EVTCHN_WORD_BITS; w++)
		__atomic_store_n(&xen_shared_info->evtchn_mask[w], ~0ull, __ATOMIC_SEQ_CST);
	ports = kzalloc(EVTCHN_2L_PORTS * sizeof(*ports));
	cpu_ports = kzalloc(CPU_MAX * sizeof(*cpu_ports));
	if (!ports || !cpu_ports) {
		kfree(ports);
		kfree(cpu_ports);
		ports = NULL;
		return -ENOMEM;
	}
	int r = irq_register(IRQ_VECTOR_EVTCHN, upcall, NULL);
	if (!r)
		r = hook_upcall();
	if (r) {
		kfree(ports);
		kfree(cpu_ports);
		ports = NULL;
		return r;
	}
	pr_info("evtchn: 2-level, upcall vector %#x (%s)\n", IRQ_VECTOR_EVTCHN,
		percpu_vector ? "per vCPU, through the LAPIC" : "domain-wide callback");
	return 0;
}

static int port_ok(evtchn_port_t port)
{
	return ports && port < EVTCHN_2L_PORTS;
}

void evtchn_mask(evtchn_port_t port)
{
	if (port_ok(port))
		__atomic_fetch_or(&xen_shared_info->evtchn_mask[port / 64], 1ull << (port % 64),
				  __ATOMIC_SEQ_CST);
}

void evtchn_unmask(evtchn_port_t port)
{
	if (!port_ok(port))
		return;
	/* Xen re-raises an event that became pending while the port was masked */
	struct evtchn_unmask u = { .port = port };
	HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &u);
}

/* Makes port part of CPU index's scan (and no other CPU's). */
static void port_set_cpu(evtchn_port_t port, unsigned index)
{
	uint64_t bit = 1ull << (port % 64);

	for (unsigned i = 0; i < CPU_MAX; i++)
		if (i != index)
			__atomic_fetch_and(&cpu_ports[i][port / 64], ~bit, __ATOMIC_SEQ_CST);
	__atomic_fetch_or(&cpu_ports[index][port / 64], bit, __ATOMIC_SEQ_CST);
	ports[port].cpu = (uint16_t)index;
	ports[port].cpu_set = 1;
}

/* The CPU of the vCPU with this id (the boot CPU when there is none yet). */
static unsigned vcpu_index(uint32_t vcpu)
{
	struct cpu *c = cpu_by_vcpu(vcpu);

	return c ? c->index : 0;
}

int evtchn_bind(evtchn_port_t port, evtchn_handler_t fn, void *arg)
{
	if (!port_ok(port) || !fn)
		return -EINVAL;
	evtchn_mask(port);
	/* not bound to a vCPU by us: Xen notifies vCPU 0 */
	if (!ports[port].cpu_set)
		port_set_cpu(port, vcpu_index(0));
	ports[port].arg = arg;
	ports[port].count = 0;
	__atomic_store_n(&ports[port].fn, fn, __ATOMIC_RELEASE);
	evtchn_unmask(port);
	return 0;
}

void evtchn_unbind(evtchn_port_t port)
{
	if (!port_ok(port))
		return;
	evtchn_mask(port);
	__atomic_store_n(&ports[port].fn, NULL, __ATOMIC_RELEASE);
}

int evtchn_notify(evtchn_port_t port)
{
	struct evtchn_send s = { .port = port };

	if (!ports)
		return -ENODEV;
	return (int)HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
}

int evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port)
{
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = remote };

	if (!ports)
		return -ENODEV;
	int r = (int)HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a);
	if (!r)
		*port = a.port;
	return r;
}

int evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port, evtchn_port_t *port)
{
	struct evtchn_bind_interdomain b = { .remote_dom = remote, .remote_port = remote_port };

	if (!ports)
		return -ENODEV;
	int r = (int)HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &b);
	if (!r)
		*port = b.local_port;
	return r;
}

int evtchn_bind_virq(uint32_t virq, uint32_t vcpu, evtchn_port_t *port)
{
	struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu };

	if (!ports)
		return -ENODEV;
	int r = (int)HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &b);
	if (!r && port_ok(b.port)) {
		*port = b.port;
		port_set_cpu(b.port, vcpu_index(vcpu));
	}
	return r;
}

int evtchn_bind_ipi(uint32_t vcpu, evtchn_port_t *port)
{
	struct evtchn_bind_ipi b = { .vcpu = vcpu };

	if (!ports)
		return -ENODEV;
	int r = (int)HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &b);
	if (!r && port_ok(b.port)) {
		*port = b.port;
		port_set_cpu(b.port, vcpu_index(vcpu));
	}
	return r;
}

int evtchn_bind_vcpu(evtchn_port_t port, unsigned cpu_index)
{
	if (!port_ok(port) || cpu_index >= cpu_count)
		return -EINVAL;
	struct evtchn_bind_vcpu b = { .port = port, .vcpu = cpus[cpu_index].vcpu_id };
	int r = (int)HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &b);
	if (!r)
		port_set_cpu(port, cpu_index);
	return r;
}

int evtchn_close(evtchn_port_t port)
{
	struct evtchn_close c = { .port = port };

	if (!port_ok(port))
		return -EINVAL;
	evtchn_unbind(port);
	int r = (int)HYPERVISOR_event_channel_op(EVTCHNOP_close, &c);
	if (!r) {
		/* the number may come back for another binding: it starts on vCPU 0 again */
		__atomic_fetch_and(&cpu_ports[ports[port].cpu][port / 64], ~(1ull << (port % 64)),
				   __ATOMIC_SEQ_CST);
		ports[port].cpu_set = 0;
	}
	return r;
}

uint64_t evtchn_count(evtchn_port_t port)
{
	return port_ok(port) ? __atomic_load_n(&ports[port].count, __ATOMIC_ACQUIRE) : 0;
}
