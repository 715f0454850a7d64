/* Wait queues, mutexes and semaphores: waiters mark themselves blocked before testing, so no wake is lost. */
#include "kernel/sched.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/waitq.h"

void waitq_prepare(struct waitq *wq, struct waitq_entry *e)
{
	unsigned long f = spin_lock_irqsave(&wq->lock);

	e->woken = 0;
	if (!e->queued) {
		e->t = thread_self();
		e->next = wq->head;
		wq->head = e;
		e->queued = 1;
	}
	/*
	 * Blocked before the lock is dropped: a waker (who holds it) that picks us then finds us
	 * blocked and really wakes us. Marked blocked after, its wake could land while we still
	 * ran, be dropped, and leave us asleep with "woken" set, so no later wake_one picks us.
	 */
	sched_set_blocked();
	spin_unlock_irqrestore(&wq->lock, f);
}

void waitq_finish(struct waitq *wq, struct waitq_entry *e)
{
	unsigned long f = spin_lock_irqsave(&wq->lock);

	for (struct waitq_entry **p = &wq->head; *p; p = &(*p)->next) {
		if (*p == e) {
			*p = e->next;
			break;
		}
	}
	e->queued = 0;
	spin_unlock_irqrestore(&wq->lock, f);
	sched_set_running();
}

void waitq_wake_all(struct waitq *wq)
{
	unsigned long f = spin_lock_irqsave(&wq->lock);

	for (struct waitq_entry *e = wq->head; e; e = e->next) {
		e->woken = 1;
		sched_wake(e->t);
	}
	spin_unlock_irqrestore(&wq->lock, f);
}

void waitq_wake_one(struct waitq *wq)
{
	unsigned long f = spin_lock_irqsave(&wq->lock);

	/* entries are pushed at the head: the oldest waiter not yet woken is the last such */
	struct waitq_entry *pick = NULL;
	for (struct waitq_entry *e = wq->head; e; e = e->next)
		if (!e->woken)
			pick = e;
	if (pick) {
		pick->woken = 1;
		sched_wake(pick->t);
	}
	spin_unlock_irqrestore(&wq->lock, f);
}

int mutex_trylock(struct mutex *m)
{
	struct thread *none = NULL;

	return __atomic_compare_exchange_n(&m->owner, &none, thread_self(), 0, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

void mutex_lock(struct mutex *m)
{
	while (!mutex_trylock(m))
		WAIT_UNTIL(&m->wq, __atomic_load_n(&m->owner, __ATOMIC_ACQUIRE) == NULL);
}

void mutex_unlock(struct mutex *m)
{
	__atomic_store_n(&m->owner, NULL, __ATOMIC_RELEASE);
	waitq_wake_one(&m->wq);
}

void sem_init(struct semaphore *s, long count)
{
	*s = (struct semaphore){ count, WAITQ_INIT };
}

static int sem_trydown(struct semaphore *s)
{
	long c = __atomic_load_n(&s->count, __ATOMIC_ACQUIRE);

	while (c > 0)
		if (__atomic_compare_exchange_n(&s->count, &c, c - 1, 0, __ATOMIC_ACQUIRE,
						__ATOMIC_ACQUIRE))
			return 1;
	return 0;
}

void sem_down(struct semaphore *s)
{
	while (!sem_trydown(s))
		WAIT_UNTIL(&s->wq, __atomic_load_n(&s->count, __ATOMIC_ACQUIRE) > 0);
}

void sem_up(struct semaphore *s)
{
	__atomic_fetch_add(&s->count, 1, __ATOMIC_RELEASE);
	waitq_wake_one(&s->wq);
}

static void timeout_fired(struct timer *t)
{
	sched_wake(t->arg);
}

void waitq_timeout_start(struct waitq_timeout *to, uint64_t timeout_ns)
{
	*to = (struct waitq_timeout){ 0 };
	if (!time_available())
		return;
	to->timer = (struct timer){ .deadline = time_monotonic_ns() + timeout_ns,
				    .fn = timeout_fired,
				    .arg = thread_self() };
	to->armed = 1;
	timer_add(&to->timer);
}

int waitq_timeout_expired(struct waitq_timeout *to)
{
	return to->armed && time_monotonic_ns() >= to->timer.deadline;
}

void waitq_timeout_stop(struct waitq_timeout *to)
{
	if (to->armed)
		timer_cancel(&to->timer);
}
