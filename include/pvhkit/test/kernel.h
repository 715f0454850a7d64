/* Test images only (not a stable API): kernel threads, semaphores, timers, clocks, pages and panic, white-box. */
#ifndef PVHKIT_TEST_KERNEL_H
#define PVHKIT_TEST_KERNEL_H

#include <stddef.h>
#include <stdint.h>
#include <pvhkit/test/test.h>

/* The kernel's clocks: monotonic (pvclock) and wall-clock ns; 0 without Xen. */
int pvh_test_time_available(void);
uint64_t pvh_test_monotonic_ns(void);
uint64_t pvh_test_wall_ns(void);
/* This vCPU's own pvclock, raw (no cross-CPU clamp); *tsc_stable: Xen set XEN_PVCLOCK_TSC_STABLE_BIT. */
uint64_t pvh_test_vcpu_ns(int *tsc_stable);

/* Whole pages from the page allocator (NULL when out of memory). */
void *pvh_test_page_alloc(uint64_t n);
void pvh_test_page_free(void *p, uint64_t n);

/* Kernel threads, without the C library's per-thread state (fn must not use the libc). */
struct pvh_test_kthread;
struct pvh_test_kthread *pvh_test_kthread_create(const char *name, void (*fn)(void *), void *arg,
						 int cpu /* -1: any */);
int pvh_test_kthread_join(struct pvh_test_kthread *t);
/*
 * The scheduler's blocking steps, for a test that sleeps its own way: mark the caller blocked,
 * then arm what will wake it, then schedule() (it returns once woken; a wake that came between
 * the two steps is not lost); mark it running when done. pvh_test_kthread_wake may be called
 * from interrupt context (a timer's fn).
 */
struct pvh_test_kthread *pvh_test_kthread_self(void);
void pvh_test_sched_set_blocked(void);
void pvh_test_schedule(void);
void pvh_test_sched_set_running(void);
void pvh_test_kthread_wake(struct pvh_test_kthread *t);
/* Threads alive, the kernel's own service threads included. */
unsigned pvh_test_thread_count(void);

/* A counting semaphore (kernel/waitq.h's), storage only. */
struct pvh_test_sem {
	uint64_t opaque[5];
};
void pvh_test_sem_init(struct pvh_test_sem *s, long count);
void pvh_test_sem_down(struct pvh_test_sem *s);
void pvh_test_sem_up(struct pvh_test_sem *s);

/* A one-shot kernel timer: fn(arg) runs in interrupt context once deadline (monotonic ns) passes. */
struct pvh_test_timer {
	uint64_t opaque[8];
};
void pvh_test_timer_add(struct pvh_test_timer *t, uint64_t deadline, void (*fn)(void *arg),
			void *arg);
/* 1 when it was still queued (it will not run), 0 otherwise. */
int pvh_test_timer_cancel(struct pvh_test_timer *t);

/* A kernel panic (register dump, backtrace, CRASH: line), as a kernel bug would raise. */
__attribute__((noreturn, format(printf, 1, 2))) void pvh_test_panic(const char *fmt, ...);

#endif
