/* Grant-reference bookkeeping: a free list that never hands out a reserved, used or still-busy ref. */
#ifndef KERNEL_GNTTAB_REFS_H
#define KERNEL_GNTTAB_REFS_H

#include <stdint.h>

enum gnttab_ref_state { REF_FREE, REF_USED, REF_RESERVED, REF_BUSY };

struct gnttab_refs {
	uint32_t *next; /* free-list links, one per ref */
	uint8_t *state; /* enum gnttab_ref_state, one per ref */
	uint32_t nr;
	uint32_t head; /* first free ref, or nr when none */
	uint32_t nfree;
	uint64_t bad_frees; /* frees of refs not in use, refused */
	uint64_t busy;	    /* refs parked because the peer still used them */
};

/* Refs [0, reserved) are never handed out (Xen reserves the first 8 for toolstack use). */
void gnttab_refs_init(struct gnttab_refs *r, uint32_t *next, uint8_t *state, uint32_t nr,
		      uint32_t reserved);
/* A free ref, or -ENOSPC. */
int gnttab_refs_alloc(struct gnttab_refs *r);
/* Returns a used ref to the free list: 0, or -EINVAL (counted) when it is not in use. */
int gnttab_refs_free(struct gnttab_refs *r, uint32_t ref);
/* Takes a used ref out of circulation for good: the peer still maps it. 0 or -EINVAL. */
int gnttab_refs_park(struct gnttab_refs *r, uint32_t ref);

#endif
