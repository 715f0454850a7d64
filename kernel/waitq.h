/* Wait queues, mutexes and semaphores built on the scheduler's block/wake. */
#ifndef KERNEL_WAITQ_H
#define KERNEL_WAITQ_H

#include "arch/x86/spinlock.h"

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

#define WAITQ_INIT { SPINLOCK_INIT, 0 }

/* Queues e for the current thread and marks it blocked; then test the condition. */
void waitq_prepare(struct waitq *wq, struct waitq_entry *e);
/* Dequeues e and marks the current thread running again. */
void waitq_finish(struct waitq *wq, struct waitq_entry *e);
void waitq_wake_all(struct waitq *wq);
void waitq_wake_one(struct waitq *wq);

/* Blocks until cond holds; safe against a wake between the test and the block. */
#define WAIT_UNTIL(wq, cond)                                                                  \
	do {                                                                                  \
		struct waitq_entry __e = { 0 };                                               \
		for (;;) {                                                                    \
			waitq_prepare((wq), &__e);                                            \
			if (cond)                                                             \
				break;                                                        \
			schedule();                                                           \
		}                                                                             \
		waitq_finish((wq), &__e);                                                     \
	} while (0)

struct mutex {
	struct thread *owner;
	struct waitq wq;
};
#define MUTEX_INIT { 0, WAITQ_INIT }
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
