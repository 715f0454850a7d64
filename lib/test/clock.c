/* include/pvhkit/test/clock.h (test images only): pvclock arithmetic, per-CPU clock stamps, interrupt and idle steps. */
#include <stddef.h>
#include "arch/x86/apic.h"
#include "arch/x86/cpu.h"
#include "arch/x86/idle_halt.h"
#include "arch/x86/irq.h"
#include "arch/x86/xen.h"
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

void pvh_test_irq_window_nopause(void)
{
	irq_window_nopause();
}

void pvh_test_pause(void)
{
	cpu_relax();
}

int pvh_test_timer_event(struct pvh_test_timer_event *out)
{
	struct cpu *c = this_cpu();
	struct vcpu_info *vi = c->arch.vcpu_info;
	unsigned p = c->timer_port, v = IRQ_VECTOR_EVTCHN;

	if (!xen_shared_info || !vi || !p)
		return -1;
	*out = (struct pvh_test_timer_event){ .port = p, .vector = v };
	out->pending = (xen_shared_info->evtchn_pending[p / 64] >> (p % 64)) & 1;
	out->masked = (xen_shared_info->evtchn_mask[p / 64] >> (p % 64)) & 1;
	out->selector = (vi->evtchn_pending_sel >> (p / 64)) & 1;
	out->upcall_pending = vi->evtchn_upcall_pending;
	out->irr = (lapic_read(0x200 + 0x10 * (v / 32)) >> (v % 32)) & 1;
	out->isr = (lapic_read(0x100 + 0x10 * (v / 32)) >> (v % 32)) & 1;
	out->tpr = lapic_read(0x80);
	for (unsigned w = v / 32; w < 8; w++)
		out->isr_at_or_above |=
		    lapic_read(0x100 + 0x10 * w) & (w == v / 32 ? ~0u << (v % 32) : ~0u);
	return 0;
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
