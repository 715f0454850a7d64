/* The app thread API (include/pvhkit/thread.h) on the kernel's threads, with the C library's per-thread state. */
#include "kernel/heap.h"
#include "kernel/sched.h"
#include "lib/api/api.h"
#include "lib/sys/sys.h"
#include "pvhkit/smp.h"
#include "pvhkit/thread.h"

#define APP_STACK_DEFAULT (64 * 1024)

struct pvh_thread {
	struct thread *t;
	void *(*fn)(void *);
	void *arg, *ret;
};

_Static_assert(sizeof(struct sys_lock) <= sizeof(pvh_mutex_t), "pvh_mutex_t must hold a sys_lock");

static void start(void *arg)
{
	struct pvh_thread *pt = arg;

	libc_thread_start();
	pt->ret = pt->fn(pt->arg);
	libc_thread_end();
}

pvh_thread_t *pvh_thread_create_on(const char *name, void *(*fn)(void *), void *arg,
				   size_t stack_size, int cpu)
{
	struct pvh_thread *pt = kzalloc(sizeof(*pt));

	if (!pt)
		return NULL;
	pt->fn = fn;
	pt->arg = arg;
	pt->t = thread_create_on(name ? name : "app", start, pt,
				 stack_size ? stack_size : APP_STACK_DEFAULT, cpu);
	if (!pt->t) {
		kfree(pt);
		return NULL;
	}
	return pt;
}

pvh_thread_t *pvh_thread_create(const char *name, void *(*fn)(void *), void *arg, size_t stack_size)
{
	return pvh_thread_create_on(name, fn, arg, stack_size, -1);
}

struct thread *pvh_thread_kernel(pvh_thread_t *pt)
{
	return pt->t;
}

int pvh_thread_join(pvh_thread_t *pt, void **ret)
{
	if (!pt || thread_join(pt->t))
		return -1;
	if (ret)
		*ret = pt->ret;
	kfree(pt);
	return 0;
}

void pvh_thread_yield(void)
{
	sched_yield();
}

int pvh_thread_id(void)
{
	return thread_self()->id;
}

void pvh_mutex_init(pvh_mutex_t *m)
{
	*m = (pvh_mutex_t)PVH_MUTEX_INIT;
}

void pvh_mutex_lock(pvh_mutex_t *m)
{
	sys_lock_acquire((struct sys_lock *)m, 0);
}

int pvh_mutex_trylock(pvh_mutex_t *m)
{
	return sys_lock_try((struct sys_lock *)m, 0);
}

void pvh_mutex_unlock(pvh_mutex_t *m)
{
	sys_lock_release((struct sys_lock *)m, 0);
}

int pvh_sleep_ns(uint64_t ns)
{
	return sys_sleep_ns(ns) ? -1 : 0;
}
