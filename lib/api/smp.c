/* The CPU API for apps (include/pvhkit/smp.h) on the kernel's per-CPU data, scheduler and mp.c. */
#include "arch/x86/cpu.h"
#include "arch/x86/spinlock.h"
#include "arch/x86/tsc.h"
#include "arch/x86/xen.h"
#include "kernel/cpu.h"
#include "kernel/sched.h"
#include "kernel/smp.h"
#include "lib/api/api.h"
#include "pvhkit/smp.h"

_Static_assert(sizeof(pvh_spinlock_t) == sizeof(spinlock_t), "pvh_spinlock_t must be a spinlock_t");

unsigned pvh_cpu_count(void)
{
	return __atomic_load_n(&cpu_count, __ATOMIC_ACQUIRE);
}

unsigned pvh_cpu_online_count(void)
{
	return smp_online_count();
}

uint64_t pvh_cpu_online_mask(void)
{
	return smp_online_mask();
}

int pvh_cpu_on_change(void (*fn)(unsigned online, void *arg), void *arg)
{
	return smp_on_change(fn, arg) ? -1 : 0;
}

unsigned pvh_cpu_self(void)
{
	return sched_cpu();
}

int pvh_cpu_info(unsigned cpu, struct pvh_cpu_info *out)
{
	if (cpu >= pvh_cpu_count())
		return -1;
	const struct cpu *c = &cpus[cpu];
	uint64_t mhz = tsc_hz() / 1000000;

	*out = (struct pvh_cpu_info){
		.online = __atomic_load_n(&c->online, __ATOMIC_ACQUIRE),
		.vcpu_id = c->vcpu_id,
		.apic_id = c->arch.apic_id,
		.bringup_us = mhz ? c->boot_ticks / mhz : 0,
		.ipis = c->ipis,
		.upcalls = c->upcalls,
		.switches = c->switches,
		.timer_irqs = c->timer_irqs,
	};
	return 0;
}

void pvh_smp_info(struct pvh_smp_info *out)
{
	*out = (struct pvh_smp_info){
		.madt_cpus = smp_stats.possible,
		.madt_disabled = smp_stats.disabled,
		.failed = smp_stats.failed,
		.tsc_hz = tsc_hz(),
		.can_offline = xen.hypercalls,
		.hotplug_refused = smp_stats.hotplug_refused,
		.hotplug_failed = smp_stats.hotplug_failed,
	};
}

int pvh_thread_pin(pvh_thread_t *t, int cpu)
{
	return sched_pin(t ? pvh_thread_kernel(t) : NULL, cpu) ? -1 : 0;
}

int pvh_cpu_call(unsigned cpu, void (*fn)(void *), void *arg)
{
	return smp_call(cpu, fn, arg) ? -1 : 0;
}

int pvh_cpu_offline(unsigned cpu)
{
	return smp_cpu_down(cpu) ? -1 : 0;
}

int pvh_cpu_online(unsigned cpu)
{
	return smp_cpu_up(cpu) ? -1 : 0;
}

int pvh_cpu_is_up(unsigned cpu)
{
	int r = smp_cpu_is_up(cpu);

	return r < 0 ? -1 : r;
}

uint64_t pvh_tsc(void)
{
	return rdtsc();
}

void pvh_spin_lock(pvh_spinlock_t *l)
{
	spin_lock((spinlock_t *)l);
}

void pvh_spin_unlock(pvh_spinlock_t *l)
{
	spin_unlock((spinlock_t *)l);
}
