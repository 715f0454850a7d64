/* include/pvhkit/test/kernel.h (test images only): kernel threads, semaphores, timers, clocks, pages, panic. */
#include <stdarg.h>
#include "kernel/pmem.h"
#include "kernel/sched.h"
#include "kernel/shutdown.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/waitq.h"
#include "base/fmt.h"
#include "pvhkit/test/kernel.h"

/* the test's callback behind the kernel's timer (which passes the timer itself) */
struct test_timer {
	struct timer t;
	void (*fn)(void *arg);
	void *arg;
};

_Static_assert(sizeof(struct semaphore) <= sizeof(struct pvh_test_sem), "pvh_test_sem too small");
_Static_assert(sizeof(struct test_timer) <= sizeof(struct pvh_test_timer),
	       "pvh_test_timer too small");

int pvh_test_time_available(void)
{
	return time_available();
}

uint64_t pvh_test_monotonic_ns(void)
{
	return time_monotonic_ns();
}

uint64_t pvh_test_wall_ns(void)
{
	return time_wall_ns();
}

uint64_t pvh_test_vcpu_ns(int *tsc_stable)
{
	return time_vcpu_ns(tsc_stable);
}

void *pvh_test_page_alloc(uint64_t n)
{
	return page_alloc(n);
}

void pvh_test_page_free(void *p, uint64_t n)
{
	page_free(p, n);
}

struct pvh_test_kthread *pvh_test_kthread_create(const char *name, void (*fn)(void *), void *arg,
						 int cpu)
{
	return (struct pvh_test_kthread *)thread_create_on(name, fn, arg, 0, cpu);
}

int pvh_test_kthread_join(struct pvh_test_kthread *t)
{
	return thread_join((struct thread *)t);
}

struct pvh_test_kthread *pvh_test_kthread_self(void)
{
	return (struct pvh_test_kthread *)thread_self();
}

void pvh_test_sched_set_blocked(void)
{
	sched_set_blocked();
}

void pvh_test_schedule(void)
{
	schedule();
}

void pvh_test_sched_set_running(void)
{
	sched_set_running();
}

void pvh_test_kthread_wake(struct pvh_test_kthread *t)
{
	sched_wake((struct thread *)t);
}

unsigned pvh_test_thread_count(void)
{
	return thread_count();
}

void pvh_test_sem_init(struct pvh_test_sem *s, long count)
{
	sem_init((struct semaphore *)s, count);
}

void pvh_test_sem_down(struct pvh_test_sem *s)
{
	sem_down((struct semaphore *)s);
}

void pvh_test_sem_up(struct pvh_test_sem *s)
{
	sem_up((struct semaphore *)s);
}

static void timer_fired(struct timer *t)
{
	struct test_timer *tt = t->arg;

	tt->fn(tt->arg);
}

void pvh_test_timer_add(struct pvh_test_timer *t, uint64_t deadline, void (*fn)(void *arg),
			void *arg)
{
	struct test_timer *tt = (struct test_timer *)t;

	*tt = (struct test_timer){ .t = { .deadline = deadline, .fn = timer_fired, .arg = tt },
				   .fn = fn,
				   .arg = arg };
	timer_add(&tt->t);
}

int pvh_test_timer_cancel(struct pvh_test_timer *t)
{
	return timer_cancel(&((struct test_timer *)t)->t);
}

void pvh_test_panic(const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	panic("%s", msg);
}
