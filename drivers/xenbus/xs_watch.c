/*
 * Xenstore watches: events arrive interleaved with replies, are queued by the reader and run one
 * at a time in the watch thread, so a callback may block and make xenstore calls of its own.
 */
#include "base/fmt.h"
#include "base/string.h"
#include "drivers/xenbus/xs.h"
#include "kernel/heap.h"
#include "kernel/printk.h"
#include "kernel/sched.h"

struct xs_event {
	struct xs_event *next;
	char *path, *token;
	char data[];
};

static spinlock_t lock = SPINLOCK_INIT; /* the watch list, the event queue, running */
static struct xs_watch *watches;
static struct xs_event *ev_head, *ev_tail;
static unsigned ev_count;
static struct waitq ev_wq = WAITQ_INIT;
static struct waitq done_wq = WAITQ_INIT; /* a callback returned */
static struct xs_watch *running;
static struct thread *watch_thread;
static unsigned next_token;

void xs_watch_queue_event(const char *path, const char *token)
{
	size_t pl = strlen(path), tl = strlen(token);
	struct xs_event *e;

	if (__atomic_load_n(&ev_count, __ATOMIC_RELAXED) >= XS_EVENTS_MAX ||
	    !(e = kmalloc(sizeof(*e) + pl + tl + 2))) {
		xs_stats.events_dropped++;
		return;
	}
	e->next = NULL;
	e->path = e->data;
	e->token = e->data + pl + 1;
	memcpy(e->path, path, pl + 1);
	memcpy(e->token, token, tl + 1);

	unsigned long f = spin_lock_irqsave(&lock);
	if (ev_tail)
		ev_tail->next = e;
	else
		ev_head = e;
	ev_tail = e;
	ev_count++;
	xs_stats.events++;
	spin_unlock_irqrestore(&lock, f);
	waitq_wake_all(&ev_wq);
}

static struct xs_event *pop(void)
{
	unsigned long f = spin_lock_irqsave(&lock);
	struct xs_event *e = ev_head;

	if (e) {
		ev_head = e->next;
		if (!ev_head)
			ev_tail = NULL;
		ev_count--;
	}
	spin_unlock_irqrestore(&lock, f);
	return e;
}

static int queued(void)
{
	return __atomic_load_n(&ev_head, __ATOMIC_ACQUIRE) != NULL;
}

static void watch_loop(void *arg)
{
	(void)arg;
	for (;;) {
		WAIT_UNTIL(&ev_wq, queued());
		struct xs_event *e;

		while ((e = pop())) {
			unsigned long f = spin_lock_irqsave(&lock);
			struct xs_watch *w = watches;

			while (w && strcmp(w->token, e->token))
				w = w->next;
			running = w;
			spin_unlock_irqrestore(&lock, f);
			if (w)
				w->fn(w, e->path);
			else
				xs_stats
				    .events_stale++; /* unwatched meanwhile, or a token we never set */
			f = spin_lock_irqsave(&lock);
			running = NULL;
			spin_unlock_irqrestore(&lock, f);
			waitq_wake_all(&done_wq);
			kfree(e);
		}
	}
}

int xs_watch_thread_start(void)
{
	watch_thread = thread_create("xenstore-watch", watch_loop, NULL, 32 * 1024);
	return watch_thread ? 0 : -ENOMEM;
}

int xs_watch(const struct xs_ctx *c, struct xs_watch *w)
{
	if (!w->path || !w->fn || w->active)
		return -EINVAL;
	unsigned long f = spin_lock_irqsave(&lock);
	fmt_snprintf(w->token, sizeof(w->token), "pvhkit-%u", next_token++);
	w->next = watches;
	watches = w;
	w->active = 1;
	spin_unlock_irqrestore(&lock, f);

	struct xs_iov iov[2] = { { w->path, (uint32_t)strlen(w->path) + 1 },
				 { w->token, (uint32_t)strlen(w->token) + 1 } };
	int r = xs_request(c, XS_WATCH, iov, 2, NULL, NULL);

	if (r) {
		/* nothing will fire for a token xenstored refused */
		f = spin_lock_irqsave(&lock);
		for (struct xs_watch **p = &watches; *p; p = &(*p)->next)
			if (*p == w) {
				*p = w->next;
				break;
			}
		w->active = 0;
		spin_unlock_irqrestore(&lock, f);
	}
	return r;
}

static int not_running(struct xs_watch *w)
{
	return __atomic_load_n(&running, __ATOMIC_ACQUIRE) != w;
}

int xs_unwatch(const struct xs_ctx *c, struct xs_watch *w)
{
	int found = 0;
	unsigned long f = spin_lock_irqsave(&lock);

	for (struct xs_watch **p = &watches; *p; p = &(*p)->next)
		if (*p == w) {
			*p = w->next;
			found = 1;
			break;
		}
	w->active = 0;
	spin_unlock_irqrestore(&lock, f);
	if (!found)
		return -ENOENT;
	/* events still queued for it find no watch and are dropped; wait out one that is running */
	int r = 0;
	if (thread_self() != watch_thread)
		r = WAIT_UNTIL_TIMEOUT(&done_wq, not_running(w), xs_timeout_of(c));
	struct xs_iov iov[2] = { { w->path, (uint32_t)strlen(w->path) + 1 },
				 { w->token, (uint32_t)strlen(w->token) + 1 } };
	int u = xs_request(c, XS_UNWATCH, iov, 2, NULL, NULL);

	return r ? r : u;
}

unsigned xs_watch_resume(void)
{
	struct xs_watch *set[64];
	unsigned n = 0, lost = 0;
	unsigned long f = spin_lock_irqsave(&lock);

	for (struct xs_watch *w = watches; w && n < 64; w = w->next)
		set[n++] = w;
	spin_unlock_irqrestore(&lock, f);
	for (unsigned i = 0; i < n; i++) {
		struct xs_iov iov[2] = { { set[i]->path, (uint32_t)strlen(set[i]->path) + 1 },
					 { set[i]->token, (uint32_t)strlen(set[i]->token) + 1 } };
		int r = xs_request(NULL, XS_WATCH, iov, 2, NULL, NULL);

		if (r) {
			lost++;
			pr_err("xenstore: watch on %s not set again after the restore (%d)\n",
			       set[i]->path, r);
		}
	}
	return lost;
}
