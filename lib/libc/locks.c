/*
 * The retargetable-lock functions both libcs call (newlib's misc/lock.c interface, which picolibc
 * kept): all of them, so the libc's own no-op lock.o is never linked. The named static locks each
 * libc expects are defined in newlib.c / picolibc.c.
 */
#include <stdlib.h>
#include <sys/lock.h>
#include "lib/libc/locks.h"

static void lock_new(_LOCK_T *lock)
{
	/* a NULL lock (out of memory) would crash in acquire: better to say so now */
	*lock = calloc(1, sizeof(struct __lock));
	if (!*lock)
		sys_crash("no memory for a libc lock");
}

void __retarget_lock_init(_LOCK_T *lock)
{
	lock_new(lock);
}

void __retarget_lock_init_recursive(_LOCK_T *lock)
{
	lock_new(lock);
}

void __retarget_lock_close(_LOCK_T lock)
{
	free(lock);
}

void __retarget_lock_close_recursive(_LOCK_T lock)
{
	free(lock);
}

void __retarget_lock_acquire(_LOCK_T lock)
{
	sys_lock_acquire(&lock->l, 0);
}

void __retarget_lock_acquire_recursive(_LOCK_T lock)
{
	sys_lock_acquire(&lock->l, 1);
}

int __retarget_lock_try_acquire(_LOCK_T lock)
{
	return sys_lock_try(&lock->l, 0);
}

int __retarget_lock_try_acquire_recursive(_LOCK_T lock)
{
	return sys_lock_try(&lock->l, 1);
}

void __retarget_lock_release(_LOCK_T lock)
{
	sys_lock_release(&lock->l, 0);
}

void __retarget_lock_release_recursive(_LOCK_T lock)
{
	sys_lock_release(&lock->l, 1);
}
