/* include/pvhkit/test/gnttab.h (test images only): the kernel's grant table under test names. */
#include "kernel/gnttab.h"
#include "pvhkit/test/gnttab.h"

int pvh_test_gnttab_available(void)
{
	return gnttab_available();
}

int pvh_test_gnttab_grant_access(domid_t domid, uint64_t frame, int readonly)
{
	return gnttab_grant_access(domid, frame, readonly);
}

int pvh_test_gnttab_end_access(grant_ref_t ref)
{
	return gnttab_end_access(ref);
}

int pvh_test_gnttab_copy(struct gnttab_copy *ops, unsigned count)
{
	return gnttab_copy(ops, count);
}

void pvh_test_gnttab_stats(struct pvh_test_gnttab_stats *st)
{
	struct gnttab_stats s;

	gnttab_get_stats(&s);
	*st = (struct pvh_test_gnttab_stats){ s.nr_refs, s.free_refs, s.busy_refs, s.bad_frees };
}
