/* Grant-reference free list with a state per ref, so double frees and reuse of busy refs are caught. */
#include "base/errno.h"
#include "kernel/gnttab_refs.h"

void gnttab_refs_init(struct gnttab_refs *r, uint32_t *next, uint8_t *state, uint32_t nr,
		      uint32_t reserved)
{
	*r = (struct gnttab_refs){ .next = next, .state = state, .nr = nr, .head = nr };
	/* build the list backwards so the lowest ref comes out first */
	for (uint32_t i = nr; i-- > 0;) {
		if (i < reserved) {
			state[i] = REF_RESERVED;
			continue;
		}
		state[i] = REF_FREE;
		next[i] = r->head;
		r->head = i;
		r->nfree++;
	}
}

int gnttab_refs_alloc(struct gnttab_refs *r)
{
	uint32_t ref = r->head;

	if (ref >= r->nr)
		return -ENOSPC;
	r->head = r->next[ref];
	r->state[ref] = REF_USED;
	r->nfree--;
	return (int)ref;
}

int gnttab_refs_free(struct gnttab_refs *r, uint32_t ref)
{
	if (ref >= r->nr || r->state[ref] != REF_USED) {
		r->bad_frees++;
		return -EINVAL;
	}
	r->state[ref] = REF_FREE;
	r->next[ref] = r->head;
	r->head = ref;
	r->nfree++;
	return 0;
}

int gnttab_refs_park(struct gnttab_refs *r, uint32_t ref)
{
	if (ref >= r->nr || r->state[ref] != REF_USED)
		return -EINVAL;
	r->state[ref] = REF_BUSY;
	r->busy++;
	return 0;
}
