/* Tests of xenstore as a domU sees it (docs/misc/xenstore.txt, io/xs_wire.h): home, own keys, data/, permissions, watches. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xen/xen.h>
#include <xen/arch-x86/cpuid.h>
#include "conf_guest.h"
#include "conf_rules.h"
#include <pvhkit/xenstore.h>
#include <xen/errno.h>
#include <pvhkit/thread.h>
#include <pvhkit/test/kernel.h>

#define XS_TXT "docs/misc/xenstore.txt, docs/misc/xenstore-paths.pandoc"
#define MS     1000000ull

/* xenstore needs a toolstack: a PVH dom0 has none, QEMU has no Xen: both SKIP */
static int need_xs(struct conf_result *r)
{
	if (!pvh_xenstore_available()) {
		conf_skip(r, "no xenstore here (no Xen, or a dom0 without a toolstack)");
		return 0;
	}
	return 1;
}

static int cpuid_domid(void)
{
	uint32_t a, b, c, d;

	if (!conf_xen()->present)
		return -1;
	pvh_test_cpuid(conf_xen()->cpuid_base + 4, 0, &a, &b, &c, &d);
	return a & XEN_HVM_CPUID_DOMID_PRESENT ? (int)c : -1;
}

static void t_home(struct conf_result *r, const struct conf_expect *e)
{
	char want[40];

	(void)e;
	if (!need_xs(r))
		return;
	int domid = cpuid_domid();
	if (domid < 0)
		domid = (int)pvh_xenstore_domid();
	snprintf(want, sizeof(want), "/local/domain/%d", domid);
	if (strcmp(pvh_xenstore_home(), want))
		conf_fail(r, "expected GET_DOMAIN_PATH = %s, saw %s", want, pvh_xenstore_home());
	else
		conf_pass(r, "%s", want);
}

static void t_own_keys(struct conf_result *r, const struct conf_expect *e)
{
	char name[128], domid[16];

	(void)e;
	if (!need_xs(r))
		return;
	int rn = pvh_xenstore_read(NULL, "name", name, sizeof(name));
	int rd = pvh_xenstore_read(NULL, "domid", domid, sizeof(domid));
	int want = cpuid_domid();
	if (rn <= 0)
		conf_fail(r, "expected our home's 'name' readable and non-empty, saw %d", rn);
	else if (rd <= 0)
		conf_fail(r, "expected our home's 'domid' readable, saw %d", rd);
	else if (want >= 0 && atoi(domid) != want)
		conf_fail(r, "expected 'domid' = %d (CPUID), saw '%s'", want, domid);
	else
		conf_pass(r, "name '%s', domid %s", name, domid);
}

static void t_write_data(struct conf_result *r, const struct conf_expect *e)
{
	char got[64];

	(void)e;
	if (!need_xs(r))
		return;
	int w = pvh_xenstore_write(NULL, "data/conformance/key", "value 1");
	int rd = w ? w : pvh_xenstore_read(NULL, "data/conformance/key", got, sizeof(got));
	int rm = pvh_xenstore_rm(NULL, "data/conformance/key");
	int gone = pvh_xenstore_read(NULL, "data/conformance/key", got + 32, 32);
	if (w)
		conf_fail(r, "expected a write under data/ to succeed, saw %d", w);
	else if (rd < 0 || strcmp(got, "value 1"))
		conf_fail(r, "expected to read back 'value 1', saw %d '%s'", rd, rd < 0 ? "" : got);
	else if (rm || gone != -XEN_ENOENT)
		conf_fail(r, "expected rm to remove it (then ENOENT), saw rm %d, read %d", rm,
			  gone);
	else
		conf_pass(r, "written, read back, removed");
}

static void t_eacces(struct conf_result *r, const struct conf_expect *e)
{
	char buf[64];

	(void)e;
	if (!need_xs(r))
		return;
	/* the toolstack owns 'name' (we may read it, not write it), and dom0's home is not ours */
	int w1 = pvh_xenstore_write(NULL, "name", "renamed-by-guest");
	int w2 = pvh_xenstore_write(NULL, "/local/domain/0/data/pvhkit-conformance", "x");
	int r3 = pvh_xenstore_read(NULL, "/local/domain/0/name", buf, sizeof(buf));
	/*
	 * xenstore-paths: ~/name is not guest-writable, and another domain's home is not ours to
	 * write: refused, whatever the error (xenstored says EACCES). Reading dom0's name is the
	 * toolstack's permission policy (libxl: none for guests), not the protocol's: a note.
	 */
	if (w1 >= 0)
		conf_fail(r,
			  "expected writing our toolstack-owned 'name' refused, saw it accepted");
	else if (w2 >= 0)
		conf_fail(r, "expected writing under /local/domain/0 refused, saw it accepted");
	else if (r3 >= 0)
		conf_note(r,
			  "writes refused (%d, %d); /local/domain/0/name is readable (libxl's "
			  "permissions refuse it; the protocol does not say)",
			  w1, w2);
	else
		conf_pass(r, "refused: our 'name' %d, dom0's data/ %d, reading dom0's name %d%s",
			  w1, w2, r3,
			  w1 == -XEN_EACCES && w2 == -XEN_EACCES && r3 == -XEN_EACCES ? " (EACCES)"
										      : "");
}

static volatile unsigned watch_hits;
static volatile int watch_saw_path;

static void watch_fn(const char *path, void *arg)
{
	(void)arg;
	if (strstr(path, "data/conformance/watched"))
		watch_saw_path = 1;
	__atomic_add_fetch(&watch_hits, 1, __ATOMIC_RELEASE);
}

static int wait_hits(unsigned want, uint64_t timeout_ns)
{
	uint64_t t0 = pvh_test_monotonic_ns();

	while (__atomic_load_n(&watch_hits, __ATOMIC_ACQUIRE) < want &&
	       pvh_test_monotonic_ns() - t0 < timeout_ns)
		pvh_sleep_ns(10 * MS);
	return __atomic_load_n(&watch_hits, __ATOMIC_ACQUIRE) >= want;
}

static void t_watch(struct conf_result *r, const struct conf_expect *e)
{
	(void)e;
	if (!need_xs(r))
		return;
	watch_hits = 0;
	watch_saw_path = 0;
	struct pvh_xenstore_watch *w =
	    pvh_xenstore_watch("data/conformance/watched", watch_fn, NULL);
	if (!w) {
		conf_fail(
		    r, "expected XS_WATCH on data/conformance/watched to be accepted, it was not");
		return;
	}
	/* xenstored fires once when the watch is set (docs/misc/xenstore.txt) */
	int initial = wait_hits(1, 5000 * MS);
	unsigned base = watch_hits;
	int wr = pvh_xenstore_write(NULL, "data/conformance/watched", "1");
	int fired = wait_hits(base + 1, 5000 * MS);
	pvh_xenstore_unwatch(w);
	pvh_xenstore_rm(NULL, "data/conformance/watched");
	if (!initial)
		conf_fail(r, "expected the watch to fire once when set, saw nothing in 5 s");
	else if (wr || !fired)
		conf_fail(r, "expected a watch event for our write (rc %d), saw none in 5 s", wr);
	else if (!watch_saw_path)
		conf_fail(r, "expected the event to name data/conformance/watched, it did not");
	else
		conf_pass(r, "fired when set and on our write");
}

const struct conf_test conf_tests_xenstore[] = {
	{ "xenstore.home", "GET_DOMAIN_PATH gives /local/domain/<our domid>", XS_TXT, t_home },
	{ "xenstore.own-keys", "our home's 'name' and 'domid' (= CPUID's domid) are readable",
	  XS_TXT, t_own_keys },
	{ "xenstore.write-data", "we may write, read back and remove keys under our data/", XS_TXT,
	  t_write_data },
	{ "xenstore.eacces",
	  "writes to keys we do not own are refused (any error; reading dom0's: noted)", XS_TXT,
	  t_eacces },
	{ "xenstore.watch", "a watch fires when set and when its node changes", XS_TXT, t_watch },
	{ 0 },
};
