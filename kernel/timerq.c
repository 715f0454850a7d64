/* Timer queue as a sorted singly linked list: timers are few, and the head is what matters. */
#include <stddef.h>
#include "kernel/timerq.h"

int timerq_remove(struct timerq *q, struct timer *t)
{
	if (!t->queued)
		return 0;
	for (struct timer **p = &q->head; *p; p = &(*p)->next) {
		if (*p == t) {
			*p = t->next;
			t->next = NULL;
			t->queued = 0;
			return 1;
		}
	}
	t->queued = 0; /* flagged but not found: the flag was stale */
	return 0;
}

void timerq_add(struct timerq *q, struct timer *t)
{
	struct timer **p = &q->head;

	timerq_remove(q, t);
	while (*p && (*p)->deadline <= t->deadline)
		p = &(*p)->next;
	t->next = *p;
	*p = t;
	t->queued = 1;
}

struct timer *timerq_pop_expired(struct timerq *q, uint64_t now)
{
	struct timer *t = q->head;

	if (!t || t->deadline > now)
		return NULL;
	q->head = t->next;
	t->next = NULL;
	t->queued = 0;
	return t;
}

uint64_t timerq_next(const struct timerq *q)
{
	return q->head ? q->head->deadline : UINT64_MAX;
}
