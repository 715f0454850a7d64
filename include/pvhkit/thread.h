/* Threads for apps: create/join/yield, mutexes and sleeps over the kernel scheduler (cooperative). */
#ifndef PVHKIT_THREAD_H
#define PVHKIT_THREAD_H

#include <stddef.h>
#include <stdint.h>

typedef struct pvh_thread pvh_thread_t;

/*
 * Starts fn(arg) in a new thread with its own C library state (errno, newlib's reent); stack_size 0
 * takes the default (64 KiB: printf needs room). NULL when out of memory.
 */
pvh_thread_t *pvh_thread_create(const char *name, void *(*fn)(void *), void *arg,
				size_t stack_size);
/* Waits for t to end, stores fn's return value in *ret (if ret is not NULL) and frees t: 0 or -1. */
int pvh_thread_join(pvh_thread_t *t, void **ret);
/* Lets the other runnable threads run. */
void pvh_thread_yield(void);
/* A small number naming the calling thread (the main thread's is 0). */
int pvh_thread_id(void);

/* A sleeping mutex; PVH_MUTEX_INIT (all zero) is an unlocked one, no destroy needed. */
typedef struct {
	uint64_t opaque[7];
} pvh_mutex_t;
#define PVH_MUTEX_INIT                                                                             \
	{                                                                                          \
		{                                                                                  \
			0                                                                          \
		}                                                                                  \
	}
void pvh_mutex_init(pvh_mutex_t *m);
void pvh_mutex_lock(pvh_mutex_t *m);
/* 1 when taken, 0 when another thread holds it */
int pvh_mutex_trylock(pvh_mutex_t *m);
void pvh_mutex_unlock(pvh_mutex_t *m);

/* Sleeps at least ns nanoseconds: 0, or -1 when there is no clock (no Xen). */
int pvh_sleep_ns(uint64_t ns);

#endif
