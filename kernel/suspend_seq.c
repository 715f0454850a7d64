/* The suspend sequence's pure logic (kernel/suspend_seq.h), free of Xen so the host tests run it. */
#include <stddef.h>
#include "base/errno.h"
#include "kernel/suspend_seq.h"

void suspend_seq_add(struct suspend_hook **list, struct suspend_hook *h)
{
	struct suspend_hook **p = list;

	/* a hook is in the list once, however often its driver starts (the list would loop) */
	for (struct suspend_hook *q = *list; q; q = q->next)
		if (q == h)
			return;
	/* after every hook of the same level: registration order inside a level */
	while (*p && (*p)->level <= h->level)
		p = &(*p)->next;
	h->next = *p;
	*p = h;
}

/* The list as an array (ascending), at most SUSPEND_HOOKS_MAX entries: walked both ways. */
static unsigned to_array(struct suspend_hook *list, struct suspend_hook **a)
{
	unsigned n = 0;

	for (struct suspend_hook *h = list; h && n < SUSPEND_HOOKS_MAX; h = h->next)
		a[n++] = h;
	return n;
}

int suspend_seq_prepare(struct suspend_hook *list, const char **who)
{
	struct suspend_hook *a[SUSPEND_HOOKS_MAX];
	unsigned n = to_array(list, a);

	for (unsigned i = n; i-- > 0;) {
		int r = a[i]->prepare ? a[i]->prepare() : 0;

		if (!r)
			continue;
		if (who)
			*who = a[i]->name;
		/* the ones that prepared are those above i: back up, lowest first as on resume */
		for (unsigned k = i + 1; k < n; k++)
			if (a[k]->resume)
				a[k]->resume(false);
		return r < 0 ? r : -EIO;
	}
	return 0;
}

void suspend_seq_resume(struct suspend_hook *list, bool new_domain)
{
	for (struct suspend_hook *h = list; h; h = h->next)
		if (h->resume)
			h->resume(new_domain);
}

int suspend_gate_enter(int *gate)
{
	int want = SUSPEND_GATE_READY;

	if (__atomic_compare_exchange_n(gate, &want, SUSPEND_GATE_BUSY, 0, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		return 0;
	return want == SUSPEND_GATE_BUSY ? -EBUSY : -EAGAIN;
}

void suspend_gate_leave(int *gate)
{
	__atomic_store_n(gate, SUSPEND_GATE_READY, __ATOMIC_RELEASE);
}

void suspend_gate_open(int *gate)
{
	int want = SUSPEND_GATE_BOOTING;

	__atomic_compare_exchange_n(gate, &want, SUSPEND_GATE_READY, 0, __ATOMIC_ACQ_REL,
				    __ATOMIC_ACQUIRE);
}
