/* Grant tables v1: give a peer domain access to our pages, and take it back safely. */
#ifndef KERNEL_GNTTAB_H
#define KERNEL_GNTTAB_H

#include <stdint.h>
#include <stdint.h>
#include <xen/xen.h>
#include <xen/grant_table.h>

int gnttab_init(void);
/* After a suspend: a new domain's table mapped at the same place (its entries are empty). */
int gnttab_resume(int new_domain);
int gnttab_available(void);
/* A ref granting domid access to the page at frame; a negative errno when none is free. */
int gnttab_grant_access(domid_t domid, uint64_t frame, int readonly);
/*
 * Revokes a grant. 0 when revoked and the ref is free again; -EBUSY when the peer still maps
 * it: then the ref is parked (never reused) and counted, and the page must stay untouched.
 */
int gnttab_end_access(grant_ref_t ref);
/* GNTTABOP_copy: 0 when the hypercall ran; check each op's status. */
int gnttab_copy(struct gnttab_copy *ops, unsigned count);

struct gnttab_stats {
	uint32_t nr_refs, free_refs;
	uint64_t busy_refs, bad_frees;
};
void gnttab_get_stats(struct gnttab_stats *st);

#endif
