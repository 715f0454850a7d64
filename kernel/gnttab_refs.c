/* Grant-reference free list with a state per ref, so double frees and reuse of busy refs are caught. */
/*
 * The bookkeeping half of the grant life cycle (gnttab.c writes the entries themselves). A ref
 * is reserved, free, used (a live grant we handed out) or busy (revoked while the peer still
 * mapped it). Refs below GNTTAB_NR_RESERVED_ENTRIES belong to the toolstack, which grants our
 * console and xenstore pages to dom0 through entries 0 and 1; they never enter the free list.
 * A busy ref leaves circulation for good: its entry still belongs to a live mapping, and
 * writing a new grant into it would mix two grants in one entry. The state byte per ref turns
 * a second end_access, or the end of a ref never handed out, into a counted refusal instead of
 * a corrupted free list that would one day give two drivers the same ref. Pure bookkeeping
 * over arrays the caller provides, so the host unit tests run it as it is.
 */
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
