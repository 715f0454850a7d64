/*
 * Taking an AP offline and back (Xen only): the CPU leaves from its own idle loop with
 * VCPUOP_down, holding nothing, and VCPUOP_up from another CPU brings it back into that loop.
 */
#include <stddef.h>
#include "arch/x86/hypercall.h"
#include "arch/x86/mp.h"
#include "arch/x86/spinlock.h"
#include "arch/x86/xen.h"
#include "base/errno.h"
#include "kernel/cpu.h"
#include "kernel/smp.h"
#include "kernel/smp_internal.h"
#include "kernel/timer.h"

#define OFFLINE_TIMEOUT_US 5000000ull

int smp_cpu_is_up(unsigned index)
{
	if (index >= __atomic_load_n(&cpu_count, __ATOMIC_ACQUIRE))
		return -ENODEV;
	if (!xen.hypercalls)
		return __atomic_load_n(&cpus[index].online, __ATOMIC_ACQUIRE);
	long r = HYPERVISOR_vcpu_op(VCPUOP_is_up, cpus[index].vcpu_id, NULL);
	return r < 0 ? (int)r : r != 0;
}

/* In the idle thread of the CPU going down, interrupts off, nothing else running here. */
void smp_offline_self(void)
{
	struct cpu *c = this_cpu();

	timer_cpu_offline(c);
	__atomic_store_n(&c->online, 0, __ATOMIC_RELEASE);
	/* VCPUOP_down on ourselves returns once somebody's VCPUOP_up brings us back */
	while (__atomic_load_n(&c->offline_req, __ATOMIC_ACQUIRE))
		HYPERVISOR_vcpu_op(VCPUOP_down, c->vcpu_id, NULL);
	__atomic_store_n(&c->online, 1, __ATOMIC_RELEASE);
}

/* The AP that VCPUOP_down/up may act on: Xen only, never the boot CPU. */
static int hotplug_target(unsigned index, struct cpu **c)
{
	if (!xen.hypercalls)
		return -ENOSYS;
	if (index == 0 || index >= __atomic_load_n(&cpu_count, __ATOMIC_ACQUIRE))
		return -EINVAL;
	*c = &cpus[index];
	return 0;
}

int smp_cpu_down(unsigned index)
{
	struct cpu *c;
	int r = hotplug_target(index, &c);
	if (r)
		return r;
	if (!__atomic_load_n(&c->online, __ATOMIC_ACQUIRE))
		return 0;
	if (c == this_cpu())
		return -EBUSY;
	__atomic_store_n(&c->offline_req, 1, __ATOMIC_RELEASE);
	ipi_send(c, IPI_RESCHED);
	r = smp_wait_flag(&c->online, 0, OFFLINE_TIMEOUT_US);
	if (r)
		return r;
	/* online = 0 comes just before the hypercall: wait until Xen agrees */
	for (unsigned i = 0; smp_cpu_is_up(index) > 0; i++) {
		if (i > 100000)
			return -ETIMEDOUT;
		spin_yield_vcpu();
	}
	return 0;
}

int smp_cpu_up(unsigned index)
{
	struct cpu *c;
	int r = hotplug_target(index, &c);
	if (r)
		return r;
	if (!__atomic_load_n(&c->offline_req, __ATOMIC_ACQUIRE))
		return 0;
	__atomic_store_n(&c->offline_req, 0, __ATOMIC_RELEASE);
	/* an up that overtook the AP's own down is lost: ask again until it is back */
	for (int i = 0; i < 50; i++) {
		long rc = mp_vcpu_up(c->vcpu_id);
		if (rc)
			return (int)rc;
		if (!smp_wait_flag(&c->online, 1, AP_ARRIVE_TIMEOUT_US / 50))
			return 0;
	}
	return -ETIMEDOUT;
}
