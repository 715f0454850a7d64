/*
 * The Xen PV console ring. Output waits for room (never drops); the backend's indices are
 * checked, and a ring whose indices make no sense is abandoned with a message on port 0xE9.
 * Until the backend has connected (Xen 4.21's connection byte, drivers/console/xencons_conn.h)
 * output goes to port 0xE9 instead, so nothing waits for a reader that is not there yet and
 * nothing is lost.
 */
#include "arch/x86/hypercall.h"
#include "arch/x86/spinlock.h"
#include "arch/x86/xen.h"
#include "base/errno.h"
#include "drivers/console/early.h"
#include "drivers/console/xencons.h"
#include "drivers/console/xencons_conn.h"
#include "drivers/console/xencons_in.h"
#include "kernel/console.h"
#include "kernel/evtchn.h"
#include "kernel/initcall.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/suspend.h"
#include "kernel/time.h"
#include "kernel/waitq.h"
#include <xen/io/console.h>

#define IN_BUF 1024

static volatile struct xencons_interface *ring;
static evtchn_port_t port;
static struct xencons_stats stats;
static char in_buf[IN_BUF];
static struct xencons_in in = { in_buf, IN_BUF, 0, 0 };
static spinlock_t in_lock = SPINLOCK_INIT;
static struct waitq in_wq = WAITQ_INIT; /* readers waiting for input */

static struct suspend_hook xencons_hook;

/* between a suspend and the console's resume the port number may mean another channel */
static int port_stale;

static void notify(void)
{
	struct evtchn_send s = { .port = port };

	if (!__atomic_load_n(&port_stale, __ATOMIC_ACQUIRE))
		HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
}

/* The backend owns out_cons: it may only move forward, and never past what we produced. */
static int out_used(XENCONS_RING_IDX prod, XENCONS_RING_IDX *used)
{
	XENCONS_RING_IDX cons = __atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE);

	*used = prod - cons;
	return *used <= sizeof(ring->out);
}

static void ring_broken(void)
{
	stats.ring_errors++;
	ring = NULL;
	early_emergency("xencons: backend moved out_cons outside the ring; PV console abandoned\n");
}

static void xencons_write(const char *s, size_t n)
{
	XENCONS_RING_IDX prod, used;

	if (!ring)
		return;
	if (!xencons_backend_connected(ring)) {
		stats.bytes_before_connect += n;
		early_debugcon_write(s, n);
		return;
	}
	prod = ring->out_prod;
	while (n) {
		if (!out_used(prod, &used)) {
			ring_broken();
			return;
		}
		if (used == sizeof(ring->out)) {
			/* full: let xenconsoled run, never drop */
			stats.full_waits++;
			notify();
			HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
			continue;
		}
		XENCONS_RING_IDX start = prod;

		for (; n && used < sizeof(ring->out); n--, used++, s++, prod++)
			ring->out[MASK_XENCONS_IDX(prod, ring->out)] = *s;
		stats.bytes_out += prod - start;
		__atomic_store_n(&ring->out_prod, prod, __ATOMIC_RELEASE);
		notify();
	}
}

static int xencons_flush(uint64_t timeout_ns);
/* flush: the last lines must reach xenconsoled before the domain is gone (kernel/shutdown.c) */
static struct console_sink xencons_sink = { .name = "xencons",
					    .write = xencons_write,
					    .flush = xencons_flush };

/*
 * Moves input from the ring into in_buf while in_buf has room; what does not fit stays in the
 * ring (xenconsoled then holds the rest), so nothing typed is dropped. Runs in the upcall and
 * in readers: in_lock keeps the two from taking the same bytes.
 */
static void pull_input(void)
{
	unsigned long f = spin_lock_irqsave(&in_lock);

	if (!ring) {
		spin_unlock_irqrestore(&in_lock, f);
		return;
	}
	XENCONS_RING_IDX cons = ring->in_cons;
	XENCONS_RING_IDX prod = __atomic_load_n(&ring->in_prod, __ATOMIC_ACQUIRE);
	int got = xencons_in_take(&in, ring->in, sizeof(ring->in), &cons, prod);

	if (got < 0)
		stats.ring_errors++; /* a producer index beyond the ring */
	else
		stats.bytes_in += (unsigned)got;
	__atomic_store_n(&ring->in_cons, cons, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&in_lock, f);
	if (got > 0)
		notify(); /* room in the ring again */
}

static void xencons_input(evtchn_port_t p, void *arg)
{
	(void)p;
	(void)arg;
	pull_input();
	waitq_wake_all(&in_wq);
}

static int xencons_init(void)
{
	uint64_t pfn, evtchn;
	int r;

	if (!xen.hypercalls)
		return 0;
	if (xen.initial_domain) {
		pr_info("PV console: none for the initial domain\n");
		return 0;
	}
	if ((r = xen_hvm_get_param(HVM_PARAM_CONSOLE_PFN, &pfn)) ||
	    (r = xen_hvm_get_param(HVM_PARAM_CONSOLE_EVTCHN, &evtchn)))
		return r;
	if (!pfn || evtchn >= (1u << 12))
		return -ENODEV;
	ring = (volatile struct xencons_interface *)(uintptr_t)(pfn << 12);
	port = (evtchn_port_t)evtchn;
	if (evtchn_available())
		evtchn_bind(port, xencons_input, NULL);
	console_register(&xencons_sink);
	suspend_hook_register(&xencons_hook);
	early_console_emergency_only();
	if (!xencons_backend_connected(ring))
		pr_info("PV console: the backend has not connected yet (XENCONSOLE_DISCONNECTED): "
			"output goes to port 0xE9 until it does\n");
	return 0;
}

/*
 * Suspend: the ring's page stays where it is (HVM_PARAM_CONSOLE_PFN), but a new domain has a new
 * event channel to xenconsoled, read again from its HVM param. Output written meanwhile is in the
 * ring; the notify after the rebind makes xenconsoled take it.
 */
static int xencons_suspend(void)
{
	xencons_flush(100ull * 1000000ull);
	__atomic_store_n(&port_stale, 1, __ATOMIC_RELEASE);
	return 0;
}

static void xencons_resume(bool new_domain)
{
	uint64_t evtchn;

	if (new_domain) {
		if (xen_hvm_get_param(HVM_PARAM_CONSOLE_EVTCHN, &evtchn) || evtchn >= (1u << 12)) {
			__atomic_store_n(&ring, NULL, __ATOMIC_RELEASE);
			early_emergency("xencons: no console event channel after the restore; PV "
					"console abandoned\n");
			return;
		}
		port = (evtchn_port_t)evtchn;
		evtchn_bind(port, xencons_input, NULL);
	}
	__atomic_store_n(&port_stale, 0, __ATOMIC_RELEASE);
	notify();
}

static struct suspend_hook xencons_hook = { "PV console", SUSPEND_LEVEL_CONSOLE, xencons_suspend,
					    xencons_resume, NULL };

/* Waits until the backend has consumed everything written, or timeout_ns passed: 0 or -ETIMEDOUT. */
static int xencons_flush(uint64_t timeout_ns)
{
	uint64_t start = time_monotonic_ns();
	XENCONS_RING_IDX used;

	/* the yield bound covers the case of no clock at all; unconnected, nothing is in the ring */
	for (unsigned long i = 0;
	     ring && xencons_backend_connected(ring) && out_used(ring->out_prod, &used) && used;
	     i++) {
		if (i > 1000000 || (time_available() && time_monotonic_ns() - start > timeout_ns))
			return -ETIMEDOUT;
		notify();
		HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
	}
	return 0;
}
INITCALL(INIT_XEN_CONSOLE, xencons_init, "PV console");

int xencons_connection_byte(void)
{
	return ring ? xencons_connection(ring) : -1;
}

static size_t take_input(char *buf, size_t n)
{
	unsigned long f = spin_lock_irqsave(&in_lock);
	size_t got = xencons_in_read(&in, buf, n > UINT32_MAX ? UINT32_MAX : (uint32_t)n);

	spin_unlock_irqrestore(&in_lock, f);
	return got;
}

static int input_waiting(void)
{
	return !ring || in.tail != __atomic_load_n(&in.head, __ATOMIC_ACQUIRE) ||
	       ring->in_cons != __atomic_load_n(&ring->in_prod, __ATOMIC_ACQUIRE);
}

size_t xencons_read(char *buf, size_t n, int block)
{
	size_t got;

	for (;;) {
		pull_input(); /* also what stayed in the ring while in_buf was full */
		got = take_input(buf, n);
		if (got || !block || !ring || !sched_running())
			break;
		WAIT_UNTIL(&in_wq, input_waiting());
	}
	if (got)
		pull_input();
	return got;
}

void xencons_get_stats(struct xencons_stats *st)
{
	*st = stats;
}
