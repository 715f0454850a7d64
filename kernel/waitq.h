/* Wait queues, mutexes and semaphores built on the scheduler's block/wake. */
#ifndef KERNEL_WAITQ_H
#define KERNEL_WAITQ_H

#include "arch/x86/spinlock.h"
#include "base/errno.h"
#include "kernel/timerq.h"

struct thread;
void schedule(void);

struct waitq_entry {
	struct thread *t;
	struct waitq_entry *next;
	int queued;
	int woken; /* a wake is on its way: wake_one picks another waiter */
};

struct waitq {
	spinlock_t lock;
	struct waitq_entry *head;
};

#define WAITQ_INIT                                                                                 \
	{                                                                                          \
		SPINLOCK_INIT, 0                                                                   \
	}

/* Queues e for the current thread and marks it blocked; then test the condition. */
void waitq_prepare(struct waitq *wq, struct waitq_entry *e);
/* Dequeues e and marks the current thread running again. */
void waitq_finish(struct waitq *wq, struct waitq_entry *e);
void waitq_wake_all(struct waitq *wq);
void waitq_wake_one(struct waitq *wq);

/* Blocks until cond holds; safe against a wake between the test and the block. */
#define WAIT_UNTIL(wq, cond)                                                                       \
	do {                                                                                       \
		struct waitq_entry __e = { 0 };                                                    \
		for (;;) {                                                                         \
			waitq_prepare((wq), &__e);                                                 \
			if (cond)                                                                  \
				break;                                                             \
			schedule();                                                                \
		}                                                                                  \
		waitq_finish((wq), &__e);                                                          \
	} while (0)

/*
 * Like WAIT_UNTIL, but gives up after timeout_ns of monotonic time: evaluates to 0 when cond
 * held, -ETIMEDOUT otherwise. Without a clock it cannot time out and behaves like WAIT_UNTIL.
 */
#define WAIT_UNTIL_TIMEOUT(wq, cond, timeout_ns)                                                   \
	({                                                                                         \
		struct waitq_entry __e = { 0 };                                                    \
		struct waitq_timeout __to;                                                         \
		int __r = 0;                                                                       \
		waitq_timeout_start(&__to, (timeout_ns));                                          \
		for (;;) {                                                                         \
			waitq_prepare((wq), &__e);                                                 \
			if (cond)                                                                  \
				break;                                                             \
			if (waitq_timeout_expired(&__to)) {                                        \
				__r = -ETIMEDOUT;                                                  \
				break;                                                             \
			}                                                                          \
			schedule();                                                                \
		}                                                                                  \
		waitq_timeout_stop(&__to);                                                         \
		waitq_finish((wq), &__e);                                                          \
		__r;                                                                               \
	})

/* the timer behind WAIT_UNTIL_TIMEOUT: wakes the waiting thread at the deadline */
struct waitq_timeout {
	struct timer timer;
	int armed; /* 0 without a clock: never expires */
};
void waitq_timeout_start(struct waitq_timeout *to, uint64_t timeout_ns);
int waitq_timeout_expired(struct waitq_timeout *to);
void waitq_timeout_stop(struct waitq_timeout *to);

struct mutex {
	struct thread *owner;
	struct waitq wq;
};
#define MUTEX_INIT                                                                                 \
	{                                                                                          \
		0, WAITQ_INIT                                                                      \
	}
void mutex_lock(struct mutex *m);
int mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);

struct semaphore {
	long count;
	struct waitq wq;
};
void sem_init(struct semaphore *s, long count);
void sem_down(struct semaphore *s);
void sem_up(struct semaphore *s);

#endif
