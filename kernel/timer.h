/* One-shot timers on Xen's VCPUOP_set_singleshot_timer, delivered through VIRQ_TIMER. */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include "kernel/timerq.h"

/* On the boot CPU: binds its VIRQ_TIMER; 0 or -ENODEV without Xen's clock and events. */
int timer_init(void);
/* On each AP: stops Xen's periodic tick, binds this vCPU's VIRQ_TIMER. */
int timer_cpu_init(void);
struct cpu;
/* On a CPU going offline: its timers move to the boot CPU. */
void timer_cpu_offline(struct cpu *c);
/* Runs this CPU's expired timers and re-arms its one-shot timer. */
void timer_poke(void);
/*
 * Arms t on this CPU to call t->fn (interrupts off, must not block) at t->deadline; re-arming
 * moves it. Any CPU may cancel it; a cancel waits for a callback running on another CPU.
 */
void timer_add(struct timer *t);
/* Returns 1 when t was pending and will not fire. */
int timer_cancel(struct timer *t);
/* Timer interrupts taken so far. */
uint64_t timer_irqs(void);

#endif
