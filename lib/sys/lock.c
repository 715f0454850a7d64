/* Locks for the C library and apps: kernel mutexes, with an owner and a depth for recursive use. */
#include "kernel/sched.h"
#include "kernel/shutdown.h"
#include "kernel/waitq.h"
#include "lib/sys/sys.h"

_Static_assert(sizeof(struct mutex) <= sizeof(((struct sys_lock *)0)->mutex),
	       "struct sys_lock must hold a struct mutex");
_Static_assert(_Alignof(struct mutex) <= _Alignof(uint64_t), "struct mutex alignment");

static struct mutex *mx(struct sys_lock *l)
{
	/* all-zero is MUTEX_INIT: no owner, an unlocked spinlock, no waiters */
	return (struct mutex *)l->mutex;
}

void sys_lock_acquire(struct sys_lock *l, int recursive)
{
	struct thread *self = thread_self();

	if (recursive && __atomic_load_n(&l->owner, __ATOMIC_RELAXED) == self) {
		l->depth++;
		return;
	}
	mutex_lock(mx(l));
	l->owner = self;
	l->depth = 1;
}

int sys_lock_try(struct sys_lock *l, int recursive)
{
	struct thread *self = thread_self();

	if (recursive && __atomic_load_n(&l->owner, __ATOMIC_RELAXED) == self) {
		l->depth++;
		return 1;
	}
	if (!mutex_trylock(mx(l)))
		return 0;
	l->owner = self;
	l->depth = 1;
	return 1;
}

void sys_lock_release(struct sys_lock *l, int recursive)
{
	if (l->owner != thread_self())
		kernel_crash("libc lock released by a thread that does not hold it");
	if (recursive && --l->depth)
		return;
	l->depth = 0;
	__atomic_store_n(&l->owner, NULL, __ATOMIC_RELAXED);
	mutex_unlock(mx(l));
}
