/* Test images only (not a stable API): the kernel's grant table (v1), to test Xen's (GNTTABOP_*). */
#ifndef PVHKIT_TEST_GNTTAB_H
#define PVHKIT_TEST_GNTTAB_H

#include <stdint.h>
#include <pvhkit/test/test.h>

/* Refs and domain ids are Xen's grant_ref_t (uint32_t) and domid_t (uint16_t). */
struct gnttab_copy; /* <xen/grant_table.h>'s */

/* 1 once the kernel set its grant table up (Xen). */
int pvh_test_gnttab_available(void);
/* Grants domid access to frame: the ref (>= 8, the reserved ones excluded) or a negative errno. */
int pvh_test_gnttab_grant_access(uint16_t domid, uint64_t frame, int readonly);
/* Revokes a grant: 0, or a negative errno (in use by the peer, not granted). */
int pvh_test_gnttab_end_access(uint32_t ref);
/* GNTTABOP_copy: the hypercall's return value; each op's status says how it went. */
int pvh_test_gnttab_copy(struct gnttab_copy *ops, unsigned count);

struct pvh_test_gnttab_stats {
	uint32_t nr_refs, free_refs;
	uint64_t busy_refs, bad_frees;
};
void pvh_test_gnttab_stats(struct pvh_test_gnttab_stats *st);

#endif
