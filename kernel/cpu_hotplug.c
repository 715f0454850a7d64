/*
 * Taking a CPU offline and back (Xen only), and the requests that ask for it: a CPU leaves from
 * its own idle loop with VCPUOP_down, holding nothing (its run queue closed and emptied onto the
 * other CPUs, its timers moved to CPU 0), and VCPUOP_up from another CPU brings it back into that
 * loop. A vCPU never started (listed in the MADT, not enabled) is started instead
 * (kernel/cpu_hotadd.c). One change at a time (a mutex); after each, the hooks learn the new
 * online count. The boot CPU never goes offline.
 */
#include <stddef.h>
#include "arch/x86/hypercall.h"
#include "arch/x86/mp.h"
#include "arch/x86/spinlock.h"
#include "arch/x86/tsc.h"
#include "arch/x86/xen.h"
#include "base/errno.h"
#include "kernel/cpu.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/smp.h"
#include "kernel/smp_internal.h"
#include "kernel/timer.h"
#include "kernel/waitq.h"

#define OFFLINE_TIMEOUT_US 5000000ull
#define HOOKS_MAX	   8

static struct mutex hotplug_lock = MUTEX_INIT;
static struct {
	void (*fn)(unsigned online, void *arg);
	void *arg;
} hooks[HOOKS_MAX];
static unsigned nhooks;

int smp_cpu_is_up(unsigned index)
{
	if (index >= __atomic_load_n(&cpu_count, __ATOMIC_ACQUIRE))
		return -ENODEV;
	if (!xen.hypercalls)
		return __atomic_load_n(&cpus[index].online, __ATOMIC_ACQUIRE);
	long r = HYPERVISOR_vcpu_op(VCPUOP_is_up, cpus[index].vcpu_id, NULL);
	return r < 0 ? (int)r : r != 0;
}

unsigned smp_online_count(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < __atomic_load_n(&cpu_count, __ATOMIC_ACQUIRE); i++)
		n += __atomic_load_n(&cpus[i].online, __ATOMIC_ACQUIRE) != 0;
	return n;
}

/* In the idle thread of the CPU going down, interrupts off, nothing else running here. */
void smp_offline_self(void)
{
	struct cpu *c = this_cpu();

	sched_cpu_close(c);
	timer_cpu_offline(c);
	__atomic_store_n(&c->online, 0, __ATOMIC_RELEASE);
	/* VCPUOP_down on ourselves returns once somebody's VCPUOP_up brings us back */
	while (__atomic_load_n(&c->offline_req, __ATOMIC_ACQUIRE))
		HYPERVISOR_vcpu_op(VCPUOP_down, c->vcpu_id, NULL);
	sched_cpu_open(c);
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

static int cpu_down(unsigned index)
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
	if (r) {
		/* still busy (a thread that never yields): the request stands, said once */
		pr_warn("smp: CPU %u did not go offline within %lu ms (it will when idle)\n", index,
			(unsigned long)(OFFLINE_TIMEOUT_US / 1000));
		return r;
	}
	/* online = 0 comes just before the hypercall: wait until Xen agrees */
	for (unsigned i = 0; smp_cpu_is_up(index) > 0; i++) {
		if (i > 100000)
			return -ETIMEDOUT;
		spin_yield_vcpu();
	}
	return 0;
}

static int cpu_up(unsigned index)
{
	struct cpu *c;
	int r = hotplug_target(index, &c);
	if (r)
		return r;
	if (!__atomic_load_n(&c->offline_req, __ATOMIC_ACQUIRE))
		return __atomic_load_n(&c->online, __ATOMIC_ACQUIRE) ? 0 : -EIO;
	if (__atomic_exchange_n(&c->restart, 0, __ATOMIC_ACQ_REL))
		return smp_restart_ap(c);
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

static void notify(unsigned before)
{
	unsigned now = smp_online_count();

	if (now == before)
		return;
	for (unsigned i = 0; i < __atomic_load_n(&nhooks, __ATOMIC_ACQUIRE); i++)
		hooks[i].fn(now, hooks[i].arg);
}

int smp_on_change(void (*fn)(unsigned online, void *arg), void *arg)
{
	mutex_lock(&hotplug_lock);
	int r = nhooks < HOOKS_MAX ? 0 : -ENOSPC;
	if (!r) {
		hooks[nhooks].fn = fn;
		hooks[nhooks].arg = arg;
		__atomic_store_n(&nhooks, nhooks + 1, __ATOMIC_RELEASE);
	}
	mutex_unlock(&hotplug_lock);
	return r;
}

int smp_cpu_down(unsigned index)
{
	mutex_lock(&hotplug_lock);
	unsigned before = smp_online_count();
	int r = cpu_down(index);
	mutex_unlock(&hotplug_lock);
	notify(before);
	return r;
}

int smp_cpu_up(unsigned index)
{
	mutex_lock(&hotplug_lock);
	unsigned before = smp_online_count();
	int r = cpu_up(index);
	mutex_unlock(&hotplug_lock);
	notify(before);
	return r;
}

int smp_vcpu_state(uint32_t vcpu_id)
{
	struct cpu *c = cpu_by_vcpu(vcpu_id);

	if (c)
		return __atomic_load_n(&c->online, __ATOMIC_ACQUIRE) != 0;
	return smp_vcpu_known(vcpu_id) ? 0 : -ENOENT;
}

/* With the lock held: what "online"/"offline" for vCPU vcpu_id needs; messages for refusals. */
static int vcpu_set(uint32_t vcpu_id, int online)
{
	struct cpu *c = cpu_by_vcpu(vcpu_id);
	int r;

	if (!xen.hypercalls)
		return -ENOSYS;
	if (!c && !smp_vcpu_known(vcpu_id)) {
		smp_stats.hotplug_refused++;
		pr_warn("smp: vCPU %u %s refused: the MADT does not list it\n", vcpu_id,
			online ? "online" : "offline");
		return -ENOENT;
	}
	if (!online && c == &cpus[0]) {
		smp_stats.hotplug_refused++;
		pr_warn("smp: vCPU %u offline refused: it is the boot CPU, which stays online\n",
			vcpu_id);
		return -EPERM;
	}
	if (!c) /* listed, never started: offline already, or started now */
		r = online ? smp_hotadd(vcpu_id) : 0;
	else
		r = online ? cpu_up(c->index) : cpu_down(c->index);
	if (r) {
		smp_stats.hotplug_failed++;
		pr_err("smp: vCPU %u %s failed (%d)\n", vcpu_id, online ? "online" : "offline", r);
	}
	return r;
}

int smp_vcpu_set(uint32_t vcpu_id, int online)
{
	mutex_lock(&hotplug_lock);
	unsigned before = smp_online_count();
	int r = vcpu_set(vcpu_id, online);
	mutex_unlock(&hotplug_lock);
	notify(before);
	return r;
}

uint64_t smp_online_mask(void)
{
	uint64_t m = 0;

	for (unsigned i = 0; i < __atomic_load_n(&cpu_count, __ATOMIC_ACQUIRE); i++)
		if (__atomic_load_n(&cpus[i].online, __ATOMIC_ACQUIRE))
			m |= 1ull << i;
	return m;
}

int smp_online_restore(uint64_t mask)
{
	int err = 0;

	mutex_lock(&hotplug_lock);
	unsigned before = smp_online_count();
	for (unsigned i = 1; i < __atomic_load_n(&cpu_count, __ATOMIC_ACQUIRE); i++) {
		int r = (mask >> i) & 1 ? cpu_up(i) : cpu_down(i);
		if (r && !err)
			err = r;
	}
	mutex_unlock(&hotplug_lock);
	notify(before);
	return err;
}
