/* Tests the deadline-ordered timer queue (kernel/timerq.c): order, FIFO ties, moves, expiry. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>
#include "kernel/timerq.h"

static void timer_at(struct timer *t, uint64_t deadline)
{
	memset(t, 0, sizeof(*t));
	t->deadline = deadline;
}

/* The queue as a list, checked for order and for a queued flag on every member. */
static unsigned walk(const struct timerq *q, struct timer **out, unsigned max)
{
	unsigned n = 0;

	for (struct timer *t = q->head; t; t = t->next) {
		cr_assert_lt(n, max, "list too long (a cycle?)");
		cr_assert(t->queued);
		if (n)
			cr_assert_leq(out[n - 1]->deadline, t->deadline);
		out[n++] = t;
	}
	return n;
}

Test(timerq, empty)
{
	struct timerq q = { 0 };

	cr_assert_eq(timerq_next(&q), UINT64_MAX);
	cr_assert_null(timerq_pop_expired(&q, 0));
	cr_assert_null(timerq_pop_expired(&q, UINT64_MAX));
}

Test(timerq, ordered_by_deadline)
{
	struct timerq q = { 0 };
	struct timer t[5], *got[5];
	static const uint64_t d[5] = { 50, 10, 40, 20, 30 };

	for (int i = 0; i < 5; i++) {
		timer_at(&t[i], d[i]);
		timerq_add(&q, &t[i]);
	}
	cr_assert_eq(timerq_next(&q), 10);
	cr_assert_eq(walk(&q, got, 5), 5);
	cr_assert_eq(got[0], &t[1]);
	cr_assert_eq(got[1], &t[3]);
	cr_assert_eq(got[2], &t[4]);
	cr_assert_eq(got[3], &t[2]);
	cr_assert_eq(got[4], &t[0]);
}

Test(timerq, equal_deadlines_fifo)
{
	struct timerq q = { 0 };
	struct timer t[4];

	timer_at(&t[0], 7);
	timer_at(&t[1], 7);
	timer_at(&t[2], 3);
	timer_at(&t[3], 7);
	for (int i = 0; i < 4; i++)
		timerq_add(&q, &t[i]);
	cr_assert_eq(timerq_pop_expired(&q, 100), &t[2]);
	cr_assert_eq(timerq_pop_expired(&q, 100), &t[0]);
	cr_assert_eq(timerq_pop_expired(&q, 100), &t[1]);
	cr_assert_eq(timerq_pop_expired(&q, 100), &t[3]);
	cr_assert_null(timerq_pop_expired(&q, 100));
}

Test(timerq, re_add_moves)
{
	struct timerq q = { 0 };
	struct timer a, b, c, *got[3];

	timer_at(&a, 10);
	timer_at(&b, 20);
	timer_at(&c, 30);
	timerq_add(&q, &a);
	timerq_add(&q, &b);
	timerq_add(&q, &c);
	a.deadline = 25; /* re-armed later: moves between b and c, and is not in the list twice */
	timerq_add(&q, &a);
	cr_assert_eq(walk(&q, got, 3), 3);
	cr_assert_eq(got[0], &b);
	cr_assert_eq(got[1], &a);
	cr_assert_eq(got[2], &c);
	c.deadline = 1; /* earlier: to the head */
	timerq_add(&q, &c);
	cr_assert_eq(walk(&q, got, 3), 3);
	cr_assert_eq(got[0], &c);
	cr_assert_eq(timerq_next(&q), 1);
	b.deadline = 25; /* an equal deadline re-added goes behind the one already there */
	timerq_add(&q, &b);
	cr_assert_eq(walk(&q, got, 3), 3);
	cr_assert_eq(got[1], &a);
	cr_assert_eq(got[2], &b);
}

Test(timerq, remove)
{
	struct timerq q = { 0 };
	struct timer a, b, c, idle, *got[3];

	timer_at(&a, 1);
	timer_at(&b, 2);
	timer_at(&c, 3);
	timer_at(&idle, 2);
	timerq_add(&q, &a);
	timerq_add(&q, &b);
	timerq_add(&q, &c);
	cr_assert_eq(timerq_remove(&q, &idle), 0, "never queued");
	cr_assert_eq(timerq_remove(&q, &b), 1);
	cr_assert_eq(b.queued, 0);
	cr_assert_null(b.next);
	cr_assert_eq(timerq_remove(&q, &b), 0, "already removed");
	cr_assert_eq(walk(&q, got, 3), 2);
	cr_assert_eq(got[0], &a);
	cr_assert_eq(got[1], &c);
	cr_assert_eq(timerq_remove(&q, &a), 1, "the head");
	cr_assert_eq(timerq_next(&q), 3);
	cr_assert_eq(timerq_remove(&q, &c), 1, "the last");
	cr_assert_eq(timerq_next(&q), UINT64_MAX);

	/* a stale flag (the timer is not in the list) is corrected, not trusted */
	idle.queued = 1;
	cr_assert_eq(timerq_remove(&q, &idle), 0);
	cr_assert_eq(idle.queued, 0);
}

Test(timerq, pop_expired_boundary)
{
	struct timerq q = { 0 };
	struct timer a, b;

	timer_at(&a, 100);
	timer_at(&b, 101);
	timerq_add(&q, &a);
	timerq_add(&q, &b);
	cr_assert_null(timerq_pop_expired(&q, 99));
	cr_assert_eq(timerq_pop_expired(&q, 100), &a, "deadline == now has expired");
	cr_assert_eq(a.queued, 0);
	cr_assert_null(a.next);
	cr_assert_null(timerq_pop_expired(&q, 100));
	cr_assert_eq(timerq_next(&q), 101);
	cr_assert_eq(timerq_pop_expired(&q, UINT64_MAX), &b);
	cr_assert_eq(timerq_remove(&q, &b), 0, "popped: no longer queued");

	struct timer m;
	timer_at(&m, UINT64_MAX);
	timerq_add(&q, &m);
	cr_assert_eq(timerq_next(&q), UINT64_MAX,
		     "indistinguishable from empty, but popped at the end");
	cr_assert_null(timerq_pop_expired(&q, UINT64_MAX - 1));
	cr_assert_eq(timerq_pop_expired(&q, UINT64_MAX), &m);
}

#define NT 64

Test(timerq, random_against_model)
{
	struct timerq q = { 0 };
	struct timer t[NT], *got[NT];
	/* the model: per timer, queued or not, and its insertion sequence for the FIFO order */
	int queued[NT] = { 0 };
	uint64_t seq[NT], next_seq = 0, now = 0, x = 2024;

	for (int i = 0; i < NT; i++)
		timer_at(&t[i], 0);
	for (int step = 0; step < 50000; step++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		uint64_t r = x >> 24;
		int i = (int)(r % NT);

		switch ((r >> 8) % 4) {
		case 0:
		case 1: /* add or move; small deadlines so ties are common */
			t[i].deadline = now + (r >> 16) % 16;
			timerq_add(&q, &t[i]);
			queued[i] = 1;
			seq[i] = next_seq++;
			break;
		case 2:
			cr_assert_eq(timerq_remove(&q, &t[i]), queued[i], "step %d", step);
			queued[i] = 0;
			break;
		case 3: { /* time passes; everything due comes out in (deadline, insertion) order */
			now += (r >> 16) % 4;
			for (;;) {
				int best = -1;

				for (int j = 0; j < NT; j++)
					if (queued[j] && t[j].deadline <= now &&
					    (best < 0 || t[j].deadline < t[best].deadline ||
					     (t[j].deadline == t[best].deadline &&
					      seq[j] < seq[best])))
						best = j;
				struct timer *p = timerq_pop_expired(&q, now);

				if (best < 0) {
					cr_assert_null(p, "step %d", step);
					break;
				}
				cr_assert_eq(p, &t[best], "step %d", step);
				queued[best] = 0;
			}
			break;
		}
		}
		unsigned n = walk(&q, got, NT), want = 0;
		uint64_t min = UINT64_MAX;

		for (int j = 0; j < NT; j++) {
			want += (unsigned)queued[j];
			cr_assert_eq(t[j].queued, queued[j]);
			if (queued[j] && t[j].deadline < min)
				min = t[j].deadline;
		}
		cr_assert_eq(n, want, "step %d", step);
		cr_assert_eq(timerq_next(&q), min);
		for (unsigned k = 1; k < n; k++)
			if (got[k - 1]->deadline == got[k]->deadline)
				cr_assert_lt(seq[got[k - 1] - t], seq[got[k] - t],
					     "FIFO among ties");
	}
}
