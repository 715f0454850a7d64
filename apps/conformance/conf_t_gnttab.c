/* Tests of grant tables (xen/include/public/grant_table.h): version, size, self grant-copy, revocation. */
#include <stdint.h>
#include <string.h>
#include <xen/xen.h>
#include <xen/grant_table.h>
#include <xen/arch-x86/cpuid.h>
#include "conf_guest.h"
#include "conf_rules.h"
#include <pvhkit/test/gnttab.h>
#include <pvhkit/test/kernel.h>

#define GNTTAB_H "xen/include/public/grant_table.h"

static int need_gnttab(struct conf_result *r)
{
	if (!conf_have_xen() || !pvh_test_gnttab_available()) {
		conf_skip(r, "not running on Xen (no grant table)");
		return 0;
	}
	return 1;
}

static void t_version(struct conf_result *r, const struct conf_expect *e)
{
	struct gnttab_get_version v = { .dom = DOMID_SELF };

	(void)e;
	if (!need_gnttab(r))
		return;
	long rc = pvh_test_grant_table_op(GNTTABOP_get_version, &v, 1);
	/* grant_table.h defines versions 1 and 2 and asks guests to "default to version 1"; that a
	 * domain starts in version 1 is what older guests rely on, not a written rule: a note */
	if (rc || (v.version != 1 && v.version != 2))
		conf_fail(
		    r,
		    "expected GNTTABOP_get_version to give version 1 or 2, saw rc %ld version %u",
		    rc, v.version);
	else if (v.version != 1)
		conf_note(r, "version %u before the guest chose one (guests rely on 1)", v.version);
	else
		conf_pass(r, "version 1");
}

static void t_query_size(struct conf_result *r, const struct conf_expect *e)
{
	struct gnttab_query_size q = { .dom = DOMID_SELF };

	(void)e;
	if (!need_gnttab(r))
		return;
	long rc = pvh_test_grant_table_op(GNTTABOP_query_size, &q, 1);
	if (rc || q.status != GNTST_okay || !q.nr_frames || q.nr_frames > q.max_nr_frames)
		conf_fail(r,
			  "expected GNTTABOP_query_size ok with 1 <= nr_frames <= max_nr_frames, "
			  "saw rc %ld status %d, %u of %u",
			  rc, q.status, q.nr_frames, q.max_nr_frames);
	else
		conf_pass(r, "%u of at most %u frames", q.nr_frames, q.max_nr_frames);
}

/* Our domid from CPUID leaf +4, or -1. */
static int self_domid(void)
{
	uint32_t a, b, c, d;

	pvh_test_cpuid(conf_xen()->cpuid_base + 4, 0, &a, &b, &c, &d);
	return a & XEN_HVM_CPUID_DOMID_PRESENT ? (int)c : -1;
}

/* GNTTABOP_copy of one page from grant ref (held by domid) into dst: the op's status. */
static int copy_from_ref(int domid, grant_ref_t ref, void *dst)
{
	struct gnttab_copy op = {
		.source = { .u.ref = ref, .domid = (domid_t)domid, .offset = 0 },
		.dest = { .u.gmfn = (uintptr_t)dst >> 12, .domid = DOMID_SELF, .offset = 0 },
		.len = 4096,
		.flags = GNTCOPY_source_gref,
	};
	int rc = pvh_test_gnttab_copy(&op, 1);
	return rc ? rc : op.status;
}

/*
 * What a grant test against ourselves needs: grant tables, our domid, a source and a destination
 * page. 0 with r already set (skip or error) when something is missing.
 */
static int self_copy_setup(struct conf_result *r, int *domid, uint8_t **src, uint8_t **dst)
{
	if (!need_gnttab(r))
		return 0;
	*domid = self_domid();
	if (*domid < 0) {
		conf_skip(r, "CPUID leaf +4 does not give our domid");
		return 0;
	}
	*src = pvh_test_page_alloc(1);
	*dst = pvh_test_page_alloc(1);
	if (!*src || !*dst) {
		if (*src)
			pvh_test_page_free(*src, 1);
		if (*dst)
			pvh_test_page_free(*dst, 1);
		conf_error(r, "out of pages");
		return 0;
	}
	return 1;
}

static void t_copy(struct conf_result *r, const struct conf_expect *e)
{
	(void)e;
	int domid;
	uint8_t *src, *dst;
	if (!self_copy_setup(r, &domid, &src, &dst))
		return;
	for (int i = 0; i < 4096; i++)
		src[i] = (uint8_t)(i * 13 + 5), dst[i] = 0;
	int ref = pvh_test_gnttab_grant_access((domid_t)domid, (uintptr_t)src >> 12, 1);
	if (ref < 0) {
		conf_error(r, "no grant ref free (%d)", ref);
	} else {
		int st = copy_from_ref(domid, (grant_ref_t)ref, dst);
		int same = !memcmp(src, dst, 4096);
		pvh_test_gnttab_end_access((grant_ref_t)ref);
		if (st != GNTST_okay || !same)
			conf_fail(r,
				  "expected GNTTABOP_copy from our own grant ref %d to copy 4 KiB "
				  "intact, saw status %d, %s",
				  ref, st, same ? "same data" : "different data");
		else
			conf_pass(r, "4 KiB through grant ref %d (domain %d to itself)", ref,
				  domid);
	}
	pvh_test_page_free(src, 1);
	pvh_test_page_free(dst, 1);
}

static void t_revoke(struct conf_result *r, const struct conf_expect *e)
{
	(void)e;
	int domid;
	uint8_t *src, *dst;
	if (!self_copy_setup(r, &domid, &src, &dst))
		return;
	int ref = pvh_test_gnttab_grant_access((domid_t)domid, (uintptr_t)src >> 12, 1);
	if (ref < 0) {
		conf_error(r, "no grant ref free (%d)", ref);
	} else {
		int rc = pvh_test_gnttab_end_access((grant_ref_t)ref);
		/* once revoked, the hypervisor must not let anyone use the ref */
		int st = rc ? 0 : copy_from_ref(domid, (grant_ref_t)ref, dst);
		if (rc)
			conf_fail(r,
				  "expected revoking the unused grant %d to succeed, saw %d (Xen "
				  "marked it in use)",
				  ref, rc);
		else if (st == GNTST_okay)
			conf_fail(
			    r, "expected a copy through revoked grant %d refused, saw it succeed",
			    ref);
		else
			conf_pass(r, "grant %d revoked; a copy through it is refused (status %d)",
				  ref, st);
	}
	pvh_test_page_free(src, 1);
	pvh_test_page_free(dst, 1);
}

const struct conf_test conf_tests_gnttab[] = {
	{ "gnttab.version",
	  "GNTTABOP_get_version reports a defined version (not 1 at start: noted)", GNTTAB_H,
	  t_version },
	{ "gnttab.query-size", "GNTTABOP_query_size: 1 <= nr_frames <= max_nr_frames", GNTTAB_H,
	  t_query_size },
	{ "gnttab.self-copy", "GNTTABOP_copy through a grant we gave ourselves copies the page",
	  GNTTAB_H, t_copy },
	{ "gnttab.revoke", "an unused grant revokes cleanly and cannot be used afterwards",
	  GNTTAB_H, t_revoke },
	{ 0 },
};
