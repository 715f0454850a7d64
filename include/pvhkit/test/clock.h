/* Test images only (not a stable API): the clock and timer interrupts seen from inside, for timing tests. */
#ifndef PVHKIT_TEST_CLOCK_H
#define PVHKIT_TEST_CLOCK_H

#include <stdint.h>
#include <pvhkit/test/test.h>

/* The fields of a vCPU's vcpu_time_info that matter (Xen's pvclock), copied under its version. */
struct pvh_test_pvclock {
	uint64_t tsc_timestamp, system_time;
	uint32_t mul;
	int8_t shift;
};
/* The kernel's pvclock arithmetic (kernel/pvclock.c): ((delta << shift) * mul) >> 32 ... */
uint64_t pvh_test_pvclock_scale(uint64_t delta, uint32_t mul, int8_t shift);
/* ... and system time at TSC value tsc (tsc - tsc_timestamp a signed difference). */
uint64_t pvh_test_pvclock_ns(const struct pvh_test_pvclock *s, uint64_t tsc);

/* Everything about "now" on this CPU, read with interrupts off so it all comes from one vCPU. */
struct pvh_test_stamp {
	struct pvh_test_pvclock s; /* this vCPU's snapshot */
	uint32_t version;	   /* its version (even) */
	uint64_t tsc;		   /* the TSC read inside the snapshot's version lock */
	uint64_t raw;		   /* pvh_test_pvclock_ns(&s, tsc), as the kernel computes it */
	uint64_t mono;		   /* the kernel's monotonic time */
	uint64_t timer_irqs, upcalls;
	unsigned cpu;
	uint32_t vcpu_id;
};
/* 0, or -1 without Xen (no vcpu_info). */
int pvh_test_stamp(struct pvh_test_stamp *st);

/* This CPU's VIRQ_TIMER interrupts and event-channel upcalls so far (interrupts off or not). */
uint64_t pvh_test_timer_irqs(void);
uint64_t pvh_test_upcalls(void);

/* Interrupts off / on on this CPU. */
void pvh_test_irq_disable(void);
void pvh_test_irq_enable(void);
/* With interrupts off: lets one pending interrupt in (sti; pause; cli). */
void pvh_test_irq_window(void);
/* The same without PAUSE (sti; nop; cli), and a PAUSE alone (interrupts as they are). */
void pvh_test_irq_window_nopause(void);
void pvh_test_pause(void);

/*
 * Where this CPU's VIRQ_TIMER event stands: its port's pending and mask bits, the selector bit,
 * upcall_pending, and the local APIC's IRR/ISR bits for the upcall vector, anything in service
 * at or above it, TPR. 0, or -1 without event channels.
 */
struct pvh_test_timer_event {
	uint32_t port, vector;
	uint8_t pending, masked, selector, upcall_pending, irr, isr;
	uint32_t isr_at_or_above, tpr;
};
int pvh_test_timer_event(struct pvh_test_timer_event *out);
/* With interrupts off: the kernel's idle halt (enable and halt until an interrupt was handled). */
void pvh_test_idle_halt(void);
/* Interrupts that arrived between the idle path's check and its hlt (the hlt was skipped). */
uint64_t pvh_test_idle_halt_skips(void);
/* Reads where a CPU's own pvclock was behind the monotonic time already handed out, and by how much. */
void pvh_test_time_skew(uint64_t *count, uint64_t *max_ns);

#endif
