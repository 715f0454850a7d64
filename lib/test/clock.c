/* include/pvhkit/test/clock.h (test images only): pvclock arithmetic, per-CPU clock stamps, interrupt and idle steps. */
#include <stddef.h>
#include "arch/x86/cpu.h"
#include "arch/x86/idle_halt.h"
#include "arch/x86/irq.h"
#include "kernel/cpu.h"
#include "kernel/pvclock.h"
#include "kernel/time.h"
#include "pvhkit/test/clock.h"

_Static_assert(sizeof(struct pvh_test_pvclock) == sizeof(struct pvclock_snapshot) &&
		   offsetof(struct pvh_test_pvclock, system_time) ==
		       offsetof(struct pvclock_snapshot, system_time) &&
		   offsetof(struct pvh_test_pvclock, mul) ==
		       offsetof(struct pvclock_snapshot, mul) &&
		   offsetof(struct pvh_test_pvclock, shift) ==
		       offsetof(struct pvclock_snapshot, shift),
	       "pvh_test_pvclock is the kernel's pvclock_snapshot");

uint64_t pvh_test_pvclock_scale(uint64_t delta, uint32_t mul, int8_t shift)
{
	return pvclock_scale(delta, mul, shift);
}

uint64_t pvh_test_pvclock_ns(const struct pvh_test_pvclock *s, uint64_t tsc)
{
	return pvclock_ns((const struct pvclock_snapshot *)s, tsc);
}

int pvh_test_stamp(struct pvh_test_stamp *st)
{
	unsigned long f = irq_save();
	struct cpu *c = this_cpu();

	if (!c->arch.vcpu_info) {
		irq_restore(f);
		return -1;
	}
	volatile struct vcpu_time_info *t = &c->arch.vcpu_info->time;
	uint32_t v;

	do {
		v = t->version;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		st->s.tsc_timestamp = t->tsc_timestamp;
		st->s.system_time = t->system_time;
		st->s.mul = t->tsc_to_system_mul;
		st->s.shift = t->tsc_shift;
		st->tsc = rdtsc();
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((v & 1) || v != t->version);
	st->version = v;
	st->raw = pvh_test_pvclock_ns(&st->s, st->tsc);
	st->mono = time_monotonic_ns();
	st->timer_irqs = c->timer_irqs;
	st->upcalls = c->upcalls;
	st->cpu = c->index;
	st->vcpu_id = c->vcpu_id;
	irq_restore(f);
	return 0;
}

uint64_t pvh_test_timer_irqs(void)
{
	return __atomic_load_n(&this_cpu()->timer_irqs, __ATOMIC_ACQUIRE);
}

uint64_t pvh_test_upcalls(void)
{
	return __atomic_load_n(&this_cpu()->upcalls, __ATOMIC_ACQUIRE);
}

void pvh_test_irq_disable(void)
{
	irq_disable();
}

void pvh_test_irq_enable(void)
{
	irq_enable();
}

void pvh_test_irq_window(void)
{
	irq_window();
}

void pvh_test_idle_halt(void)
{
	cpu_idle_halt();
}

uint64_t pvh_test_idle_halt_skips(void)
{
	return __atomic_load_n(&idle_halt_skips, __ATOMIC_RELAXED);
}

void pvh_test_time_skew(uint64_t *count, uint64_t *max_ns)
{
	time_skew_stats(count, max_ns);
}
