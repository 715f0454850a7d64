/* A deadline-ordered timer queue: pure list logic, locked and armed by kernel/timer.c. */
#ifndef KERNEL_TIMERQ_H
#define KERNEL_TIMERQ_H

#include <stdint.h>

struct timer;
typedef void (*timer_fn)(struct timer *t);

struct timer {
	uint64_t deadline; /* monotonic ns */
	timer_fn fn;
	void *arg;
	struct timer *next;
	int queued;
	void *owner; /* kernel/timer.c: the CPU whose queue holds it (NULL: none yet) */
};

struct timerq {
	struct timer *head;
};

/* Inserts in deadline order; equal deadlines keep insertion order. A queued timer is moved. */
void timerq_add(struct timerq *q, struct timer *t);
/* Returns 1 if t was queued and is now removed. */
int timerq_remove(struct timerq *q, struct timer *t);
/* Removes and returns the first timer with deadline <= now, or NULL. */
struct timer *timerq_pop_expired(struct timerq *q, uint64_t now);
/* Earliest deadline, or UINT64_MAX when empty. */
uint64_t timerq_next(const struct timerq *q);

#endif
