/* Attaching one vCPU to Xen: the one routine run at boot, at AP start, at hot-plug and at resume. */
#ifndef KERNEL_VCPU_ATTACH_H
#define KERNEL_VCPU_ATTACH_H

#include <stdint.h>

struct cpu;

/*
 * Everything Xen keeps per vCPU for us, set up on that vCPU itself (c == this_cpu()), interrupts
 * off: vcpu_attach_areas (the memory Xen writes: vcpu_info, the pvclock area, the run-state area)
 * then vcpu_attach_events (the upcall vector, VIRQ_TIMER, the IPI and spinlock-kick channels;
 * without Xen's event channels only the local APIC is enabled). Each step is skipped when it is
 * already done (a registered vcpu_info survives VCPUOP_down/up), so calling it again is harmless;
 * a failed step is reported and the rest goes on. The boot CPU runs vcpu_attach_areas from
 * kernel/main.c before time_init; its events are attached by evtchn_init, timer_init and
 * smp_init's boot-CPU step, which make the domain-wide choices on it first.
 */
void vcpu_attach(struct cpu *c);
void vcpu_attach_areas(struct cpu *c);
void vcpu_attach_events(struct cpu *c);

/*
 * After a resume Xen knows none of this domain's registrations: forget them for c, so the next
 * vcpu_attach registers them again instead of skipping them.
 */
void vcpu_attach_forget(struct cpu *c);

/* The boot log's line on how the first n CPUs' areas are registered (after they are up). */
void vcpu_attach_report(unsigned n);

#endif
