/* One-shot timers on Xen's VCPUOP_set_singleshot_timer, delivered through VIRQ_TIMER. */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include "kernel/timerq.h"

int timer_init(void);
/* Arms t to call t->fn (interrupts off, must not block) at t->deadline; re-arming moves it. */
void timer_add(struct timer *t);
/* Returns 1 when t was pending and will not fire. */
int timer_cancel(struct timer *t);
/* Timer interrupts taken so far. */
uint64_t timer_irqs(void);

#endif
