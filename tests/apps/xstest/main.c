/*
 * xstest: the xenstore client and xenbus helpers on a real Xen, with TAP output.
 * No argument: self-contained checks. "dom0": round trips, watches and a transaction conflict
 * coordinated with tests/xen/xs-dom0 through keys under data/xstest. "poweroff"/"reboot": waits
 * for the toolstack's request (tests/xen/xs-shutdown). "hotplug": a vif attached and detached by
 * tests/xen/xs-hotplug must reach probe and remove. "stall": xenstored stopped and resumed by
 * tests/xen/xs-stall. "bench": round-trip latency.
 */
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <xen/errno.h>
#include <pvhkit/kernel.h>
#include <pvhkit/result.h>
#include <pvhkit/thread.h>
#include <pvhkit/xenstore.h>
#include <pvhkit/test/clock.h>
#include <pvhkit/test/kernel.h>
#include <pvhkit/test/xenstore.h>

#define MS 1000000ul
#define D  "data/xstest"

/* ---- self-contained checks ---- */

static void test_basics(void)
{
	char buf[64];
	uint64_t id;

	pvh_tap_ok(pvh_test_xs_read_uint(NULL, "domid", &id) == 0 && id == pvh_xenstore_domid() &&
		       id > 0,
		   "read domid (%u) and home %s", pvh_xenstore_domid(), pvh_xenstore_home());
	int r = pvh_xenstore_read(NULL, "name", buf, sizeof(buf));
	pvh_tap_ok(r > 0, "read name: '%s' (%d)", r > 0 ? buf : "", r);
	r = pvh_test_xs_get_domain_path(NULL, 0, buf, sizeof(buf));
	pvh_tap_ok(r > 0 && !strcmp(buf, "/local/domain/0"), "get-domain-path 0: %s (%d)",
		   r > 0 ? buf : "", r);
	r = pvh_xenstore_read(NULL, "control/feature-poweroff", buf, sizeof(buf));
	pvh_tap_ok(r == 1 && buf[0] == '1', "control/feature-poweroff written at boot (%d)", r);

	struct pvh_test_xs_stats st;
	uint64_t offered = 0;

	pvh_test_xs_stats(&st);
	pvh_test_xs_read_uint(NULL, "control/platform-feature-xs_reset_watches", &offered);
	pvh_tap_ok(st.reset_watches == (offered != 0),
		   "XS_RESET_WATCHES at connect: %s (the toolstack %s it)",
		   st.reset_watches ? "done" : "not done", offered ? "offers" : "does not offer");
}

static void test_read_write(void)
{
	char buf[8], *big = pvh_malloc(4200), *back;
	uint32_t len;

	pvh_xenstore_rm(NULL, D);
	pvh_tap_ok(pvh_xenstore_write(NULL, D "/k", "value-1") == 0, "write " D "/k");
	int r = pvh_xenstore_read(NULL, D "/k", buf, sizeof(buf));
	pvh_tap_ok(r == 7 && !strcmp(buf, "value-1"), "read it back (%d '%s')", r,
		   r > 0 ? buf : "");
	pvh_tap_ok(pvh_xenstore_read(NULL, D "/k", buf, 7) == -ERANGE,
		   "read into a short buffer: -ERANGE");
	pvh_tap_ok(pvh_xenstore_read(NULL, D "/nothing", buf, sizeof(buf)) == -ENOENT,
		   "read of a missing key: -ENOENT");
	pvh_tap_ok(pvh_xenstore_write(NULL, D "/empty", "") == 0 &&
		       pvh_xenstore_read(NULL, D "/empty", buf, 8) == 0,
		   "an empty value round-trips");
	/* over the 1 KiB ring: the message goes in pieces (xenstored's default node quota is 2048) */
	for (int i = 0; i < 4000; i++)
		big[i] = (char)('a' + i % 26);
	r = pvh_test_xs_write_bytes(NULL, D "/big", big, 2000);
	int r2 = pvh_test_xs_read_alloc(NULL, D "/big", &back, &len);
	pvh_tap_ok(r == 0 && r2 == 0 && len == 2000 && !memcmp(back, big, 2000) && back[2000] == 0,
		   "a 2000-byte value round-trips (write %d, read %d, len %u)", r, r2,
		   r2 ? 0 : len);
	if (!r2)
		pvh_free(back);
	r = pvh_test_xs_write_bytes(NULL, D "/big", big, 4000);
	pvh_tap_ok(r == -XEN_ENOSPC || r == 0, "a 4000-byte value: %s (%d)",
		   r ? "xenstored's quota error ENOSPC, mapped" : "accepted", r);
	pvh_tap_ok(pvh_test_xs_write_bytes(NULL, D "/huge", big, 4096) == -XEN_EMSGSIZE,
		   "a payload over 4096 bytes is refused before sending: -XEN_EMSGSIZE");
	pvh_free(big);

	pvh_tap_ok(pvh_xenstore_mkdir(NULL, D "/dir/sub") == 0, "mkdir " D "/dir/sub");
	pvh_xenstore_write(NULL, D "/dir/a", "1");
	pvh_xenstore_write(NULL, D "/dir/b", "2");
	char **list;
	int n = pvh_xenstore_directory(NULL, D "/dir", &list);
	int seen = 0;
	for (int i = 0; i < n; i++)
		seen |= (!strcmp(list[i], "a")) | (!strcmp(list[i], "b")) << 1 |
			(!strcmp(list[i], "sub")) << 2;
	pvh_tap_ok(n == 3 && seen == 7 && list[3] == NULL, "directory lists a, b, sub (%d)", n);
	if (n >= 0)
		pvh_free(list);
	pvh_tap_ok(pvh_xenstore_rm(NULL, D "/dir") == 0 &&
		       pvh_xenstore_directory(NULL, D "/dir", &list) == -ENOENT,
		   "rm removes the subtree");
}

static void test_perms(void)
{
	struct pvh_test_xs_perm p[4];
	int n = pvh_test_xs_get_perms(NULL, D "/k", p, 4);

	pvh_tap_ok(n >= 1 && p[0].domid == pvh_xenstore_domid(),
		   "get-perms: we own our key (%d, first %c%u)", n, n > 0 ? p[0].perm : '?',
		   n > 0 ? p[0].domid : 0);
	struct pvh_test_xs_perm set[2] = { { (uint16_t)pvh_xenstore_domid(), 'n' }, { 0, 'r' } };
	int r = pvh_test_xs_set_perms(NULL, D "/k", set, 2);
	n = pvh_test_xs_get_perms(NULL, D "/k", p, 4);
	pvh_tap_ok(r == 0 && n == 2 && p[1].domid == 0 && p[1].perm == 'r',
		   "set-perms then get-perms: n%u,r0 (%d, %d)", pvh_xenstore_domid(), r, n);
}

static void test_denied(void)
{
	char buf[64];
	int w = pvh_xenstore_write(NULL, "/local/domain/0/xstest-denied", "x");
	int r = pvh_xenstore_read(NULL, "/local/domain/0/name", buf, sizeof(buf));

	pvh_tap_ok(w == -EACCES, "write into domain 0's home: -EACCES (%d)", w);
	pvh_tap_ok(r == -EACCES, "read of domain 0's name: -EACCES (%d)", r);
}

struct seen {
	unsigned n;
	char last[64];
	unsigned mask; /* bit i: key "w<i>" was reported */
};

static const char *leaf_of(const char *path)
{
	const char *leaf = path;

	for (const char *p = path; *p; p++)
		if (*p == '/')
			leaf = p + 1;
	return leaf;
}

static void on_change(const char *path, void *arg)
{
	struct seen *s = arg;
	const char *leaf = leaf_of(path);

	s->n++;
	memcpy(s->last, path, strnlen(path, 63));
	s->last[strnlen(path, 63)] = 0;
	if (leaf[0] == 'w' && leaf[1] >= '0' && leaf[1] <= '9' && !leaf[2])
		s->mask |= 1u << (leaf[1] - '0');
}

static void wait_for(volatile unsigned *v, unsigned want, uint64_t ns)
{
	uint64_t t0 = pvh_test_monotonic_ns();

	while (*v < want && pvh_test_monotonic_ns() - t0 < ns)
		pvh_sleep_ns(2 * MS);
}

static void test_watch(void)
{
	struct seen s = { 0 };
	struct pvh_xenstore_watch *w = pvh_xenstore_watch(D "/watched", on_change, &s);

	if (!pvh_tap_ok(w != NULL, "watch " D "/watched"))
		return;
	wait_for(&s.n, 1, 2000 * MS);
	pvh_tap_ok(s.n == 1, "the watch fires once when it is set (%u)", s.n);
	for (int i = 0; i < 3; i++) {
		char p[64] = D "/watched/w0";
		p[sizeof(D "/watched/w") - 1] = (char)('0' + i);
		pvh_xenstore_write(NULL, p, "x");
	}
	wait_for(&s.n, 4, 2000 * MS);
	pvh_tap_ok(s.n == 4 && s.mask == 7, "three writes below it: three events (%u, mask %#x)",
		   s.n - 1, s.mask);
	pvh_tap_ok(pvh_xenstore_unwatch(w) == 0, "unwatch");
	unsigned before = s.n;
	pvh_xenstore_write(NULL, D "/watched/w5", "x");
	pvh_sleep_ns(200 * MS);
	pvh_tap_ok(s.n == before, "no event after unwatch (%u)", s.n - before);
}

struct txn_arg {
	unsigned attempts;
	int interfere; /* write the key outside the transaction on the first attempt */
};

static int bump(const struct pvh_xenstore_ctx *tx, void *arg)
{
	struct txn_arg *a = arg;
	char buf[16];
	uint64_t v;

	a->attempts++;
	int r = pvh_xenstore_read(tx, D "/counter", buf, sizeof(buf));
	if (r < 0)
		return r;
	if (pvh_test_xs_parse_uint(buf, (uint32_t)r, 1000000, &v))
		return -XEN_EINVAL;
	if (a->interfere && a->attempts == 1)
		pvh_test_xs_printf(NULL, D "/counter", "%lu", v + 100); /* outside: a conflict */
	return pvh_test_xs_printf(tx, D "/counter", "%lu", v + 1);
}

static void test_transaction(void)
{
	struct txn_arg a = { 0 };
	uint64_t v;

	pvh_xenstore_write(NULL, D "/counter", "5");
	int r = pvh_xenstore_transaction(NULL, bump, &a);
	int rr = pvh_test_xs_read_uint(NULL, D "/counter", &v);
	pvh_tap_ok(r == 0 && a.attempts == 1 && !rr && v == 6,
		   "transaction commits (%d, %u attempts, counter %lu)", r, a.attempts, v);
	struct pvh_test_xs_stats s0, s1;
	pvh_test_xs_stats(&s0);
	a = (struct txn_arg){ .interfere = 1 };
	r = pvh_xenstore_transaction(NULL, bump, &a);
	pvh_test_xs_stats(&s1);
	rr = pvh_test_xs_read_uint(NULL, D "/counter", &v);
	pvh_tap_ok(
	    r == 0 && a.attempts == 2 && !rr && v == 107,
	    "a conflicting write makes the commit fail with EAGAIN; the retry commits (%d, %u "
	    "attempts, counter %lu)",
	    r, a.attempts, v);
	pvh_tap_ok(s1.txn_retries == s0.txn_retries + 1, "one retry counted");
}

#define NTHREADS   8
#define PER_THREAD 13 /* 104 requests in all */

struct worker {
	unsigned idx, ok;
};

static void hammer(void *arg)
{
	struct worker *w = arg;
	char path[64], val[32], back[32];

	for (unsigned i = 0; i < PER_THREAD; i++) {
		pvh_snprintf(path, sizeof(path), D "/par/t%u-%u", w->idx, i);
		pvh_snprintf(val, sizeof(val), "v%u.%u", w->idx, i * 7);
		if (i % 2 == 0) {
			w->ok += pvh_xenstore_write(NULL, path, val) == 0;
		} else {
			/* a read of what this thread wrote one step before */
			pvh_snprintf(path, sizeof(path), D "/par/t%u-%u", w->idx, i - 1);
			pvh_snprintf(val, sizeof(val), "v%u.%u", w->idx, (i - 1) * 7);
			w->ok += pvh_xenstore_read(NULL, path, back, sizeof(back)) > 0 &&
				 !strcmp(back, val);
		}
	}
}

static void test_concurrency(void)
{
	struct worker w[NTHREADS];
	struct pvh_test_kthread *t[NTHREADS];
	unsigned ok = 0;
	uint64_t t0 = pvh_test_monotonic_ns();

	for (unsigned i = 0; i < NTHREADS; i++) {
		w[i] = (struct worker){ i, 0 };
		t[i] = pvh_test_kthread_create("xs-hammer", hammer, &w[i], -1);
	}
	for (unsigned i = 0; i < NTHREADS; i++) {
		pvh_test_kthread_join(t[i]);
		ok += w[i].ok;
	}
	pvh_tap_ok(ok == NTHREADS * PER_THREAD,
		   "%u concurrent requests from %u threads: %u right (%lu ms)",
		   NTHREADS * PER_THREAD, NTHREADS, ok, (pvh_test_monotonic_ns() - t0) / MS);
}

static void test_timeout(void)
{
	struct pvh_test_xs_stats s0, s1;
	char buf[16];

	pvh_test_xs_stats(&s0);
	/* 1 ns: the reply cannot be there yet, and must be dropped when it comes */
	int r = pvh_xenstore_read(&(struct pvh_xenstore_ctx){ 0, 1 }, "domid", buf, sizeof(buf));
	pvh_sleep_ns(100 * MS);
	int r2 = pvh_xenstore_read(NULL, "domid", buf, sizeof(buf));
	pvh_test_xs_stats(&s1);
	pvh_tap_ok(r == -ETIMEDOUT, "a 1 ns timeout gives -ETIMEDOUT (%d)", r);
	uint64_t behind, behind_max;
	pvh_test_time_skew(&behind, &behind_max);
	pvh_tap_diag("clock reads behind another CPU's: %lu, by up to %lu us", behind,
		     behind_max / 1000);
	pvh_tap_ok(
	    r2 > 0 && s1.unknown_req_id == s0.unknown_req_id + 1,
	    "its late reply is counted and dropped; the next request works (%d, %lu dropped)", r2,
	    s1.unknown_req_id - s0.unknown_req_id);
}

static void test_devices(void)
{
	char **types;
	int n = pvh_xenstore_directory(NULL, "device", &types);

	pvh_tap_ok(n >= 0 || n == -ENOENT, "enumerate device/ (%d types)", n);
	for (int i = 0; i < n; i++) {
		char **ids;
		int k = pvh_test_xenbus_enumerate(types[i], &ids);

		for (int j = 0; j < k; j++) {
			struct pvh_test_xenbus_device d;
			int r = pvh_test_xenbus_device_read(types[i], ids[j], &d);
			if (r == -XEN_ENOENT)
				continue; /* no backend: not a frontend device (device/suspend) */
			pvh_tap_ok(r == 0 && d.otherend[0] == '/', "%s/%s: backend %s, domain %u",
				   types[i], ids[j], r ? "?" : d.otherend, d.otherend_id);
		}
		if (k >= 0)
			pvh_free(ids);
	}
	if (n >= 0)
		pvh_free(types);
}

static void print_stats(void)
{
	struct pvh_test_xs_stats s;

	pvh_test_xs_stats(&s);
	pvh_tap_diag(
	    "xenstore: %lu requests, %lu replies, %lu timeouts, %lu unknown req_id, %lu events "
	    "(%lu stale, %lu dropped), %lu bad messages, %lu ring errors, %lu txn retries",
	    s.requests, s.replies, s.timeouts, s.unknown_req_id, s.events, s.events_stale,
	    s.events_dropped, s.oversized + s.bad_type + s.bad_events, s.ring_errors,
	    s.txn_retries);
}

/* ---- modes driven by a dom0 script ---- */

/* Polls key until it exists (0) or timeout; the dom0 script's answers come this way. */
static int wait_key(const char *key, char *buf, size_t cap, uint64_t ns)
{
	uint64_t t0 = pvh_test_monotonic_ns();
	int r;

	while ((r = pvh_xenstore_read(NULL, key, buf, cap)) == -ENOENT &&
	       pvh_test_monotonic_ns() - t0 < ns)
		pvh_sleep_ns(20 * MS);
	return r;
}

/*
 * `xstest bigdir` (with tests/xen/xs-bigdir in dom0): dom0 puts 200 children with 26-character
 * names (5400 bytes of names, more than one reply's 4096) under a node of ours. XS_DIRECTORY is
 * refused with E2BIG; the list must come whole through XS_DIRECTORY_PART.
 */
#define BIG_N 200
static int mode_bigdir(void)
{
	char buf[16], **list;
	struct pvh_test_xs_stats s0, s1;
	static uint8_t seen[BIG_N];
	unsigned distinct = 0;

	pvh_xenstore_rm(NULL, D);
	pvh_tap_ok(pvh_xenstore_mkdir(NULL, D "/big") == 0 &&
		       pvh_xenstore_write(NULL, D "/ready", "1") == 0,
		   "made " D "/big for dom0 to fill");
	int r = wait_key(D "/big-done", buf, sizeof(buf), 60000 * MS);
	if (!pvh_tap_ok(r > 0, "dom0 wrote the children (%d)", r))
		return pvh_tap_result("xstest");
	pvh_test_xs_stats(&s0);
	int n = pvh_xenstore_directory(NULL, D "/big", &list);
	pvh_test_xs_stats(&s1);
	for (int i = 0; i < n; i++) {
		unsigned k;
		if (strlen(list[i]) == 26 && !strncmp(list[i], "child-with-a-long-name-", 23) &&
		    (k = (unsigned)atoi(list[i] + 23)) < BIG_N && !seen[k]++)
			distinct++;
	}
	pvh_tap_ok(n == BIG_N && distinct == BIG_N && list[n] == NULL,
		   "a directory of %d children (%d bytes of names) listed whole: %d, %u distinct",
		   BIG_N, BIG_N * 27, n, distinct);
	pvh_tap_ok(s1.dirpart_reads == s0.dirpart_reads + 1,
		   "read with XS_DIRECTORY_PART after XS_DIRECTORY's E2BIG (%lu part reads, %lu "
		   "restarts)",
		   (unsigned long)(s1.dirpart_reads - s0.dirpart_reads),
		   (unsigned long)s1.dirpart_restarts);
	if (n >= 0)
		pvh_free(list);
	pvh_xenstore_rm(NULL, D);
	return pvh_tap_result("xstest");
}

struct dom0_txn {
	unsigned attempts;
};

static int dom0_bump(const struct pvh_xenstore_ctx *tx, void *arg)
{
	struct dom0_txn *a = arg;
	uint64_t v;
	char buf[8];
	int r = pvh_test_xs_read_uint(tx, D "/counter", &v);

	a->attempts++;
	if (r)
		return r;
	if (a->attempts == 1) {
		/* outside the transaction: ask dom0 to write the counter, wait until it did */
		pvh_xenstore_write(NULL, D "/txn-wait", "1");
		if ((r = wait_key(D "/txn-go", buf, sizeof(buf), 20000 * MS)) < 0)
			return r;
	}
	return pvh_test_xs_printf(tx, D "/counter", "%lu", v + 1);
}

static void mode_dom0(void)
{
	char buf[64];
	struct seen s = { 0 };

	pvh_xenstore_rm(NULL, D);
	/* 1: keys for dom0 to read back */
	int r = pvh_test_xs_printf(NULL, D "/hello", "from-domain-%u", pvh_xenstore_domid());
	r |= pvh_xenstore_write(NULL, D "/num", "12345");
	r |= pvh_xenstore_write(NULL, D "/ready", "1");
	r = wait_key(D "/dom0-saw", buf, sizeof(buf), 30000 * MS);
	pvh_tap_ok(r > 0 && !strcmp(buf, "ok"), "dom0 read our keys back with xenstore-read (%s)",
		   r > 0 ? buf : "no answer");

	/* 2: dom0 writes keys we watch, one of them while we do not yield */
	struct pvh_xenstore_watch *w = pvh_xenstore_watch(D "/in", on_change, &s);
	wait_for(&s.n, 1, 2000 * MS);
	pvh_xenstore_write(NULL, D "/watching", "1");
	wait_for(&s.mask, 7, 20000 * MS);
	pvh_tap_ok((s.mask & 7) == 7,
		   "dom0's writes of in/w0, w1, w2 each reached the watch (mask %#x)", s.mask);
	pvh_xenstore_write(NULL, D "/busy", "1");
	uint64_t t0 = pvh_test_monotonic_ns();
	while (pvh_test_monotonic_ns() - t0 < 3000 * MS)
		__builtin_ia32_pause(); /* busy: no thread but this one runs */
	unsigned during = s.mask;
	wait_for(&s.mask, 0xf, 5000 * MS);
	pvh_tap_ok(!(during & 8) && (s.mask & 8),
		   "in/w3, written while we were busy, arrived afterwards");
	pvh_xenstore_unwatch(w);

	/* 3: a transaction that dom0's write breaks */
	struct dom0_txn a = { 0 };
	uint64_t v = 0;
	pvh_xenstore_write(NULL, D "/counter", "100");
	r = pvh_xenstore_transaction(NULL, dom0_bump, &a);
	pvh_test_xs_read_uint(NULL, D "/counter", &v);
	pvh_tap_ok(
	    r == 0 && a.attempts == 2 && v == 201,
	    "transaction conflicting with dom0's write retried and committed (%d, %u attempts, "
	    "counter %lu)",
	    r, a.attempts, v);
	pvh_xenstore_write(NULL, D "/done", "1");
	r = wait_key(D "/dom0-done", buf, sizeof(buf), 20000 * MS);
	pvh_tap_ok(r > 0 && !strcmp(buf, "ok"), "dom0 saw the final counter (%s)",
		   r > 0 ? buf : "no answer");
}

static void on_shutdown(int reboot, void *arg)
{
	(void)arg;
	pvh_tap_ok(1, "the toolstack's %s request reached the app's hook",
		   reboot ? "reboot" : "poweroff");
	pvh_tap_result("xstest");
}

static int mode_shutdown(const char *how)
{
	pvh_tap_ok(pvh_xenstore_on_shutdown(on_shutdown, NULL) == 0, "shutdown hook registered");
	pvh_xenstore_write(NULL, D "/ready", how);
	pvh_sleep_ns(60000 * MS);
	pvh_tap_ok(0, "no %s request within 60 s", how);
	return pvh_tap_result("xstest");
}

static unsigned probes, removes;
static char probed_id[16];

static int vif_probe(const struct pvh_test_xenbus_device *dev)
{
	pvh_tap_diag("probe %s (backend %s, state %d)", dev->nodename, dev->otherend,
		     dev->backend_state);
	memcpy(probed_id, dev->id, sizeof(probed_id));
	__atomic_add_fetch(&probes, 1, __ATOMIC_RELEASE);
	return 0;
}

static void vif_remove(const struct pvh_test_xenbus_device *dev)
{
	pvh_tap_diag("remove %s", dev->nodename);
	__atomic_add_fetch(&removes, 1, __ATOMIC_RELEASE);
}

static const struct pvh_test_xenbus_driver vif_driver = { .type = "vif",
							  .probe = vif_probe,
							  .remove = vif_remove };

static int mode_hotplug(void)
{
	char **ids;
	int n0 = pvh_test_xenbus_enumerate("vif", &ids);

	if (n0 >= 0)
		pvh_free(ids);
	int r = pvh_test_xenbus_register_driver(&vif_driver);
	unsigned p0 = probes;
	pvh_tap_ok(r == 0 && p0 == (unsigned)n0,
		   "vif driver registered: %u present devices probed (%d)", p0, r);
	pvh_xenstore_write(NULL, D "/ready", "1");
	wait_for(&probes, (unsigned)n0 + 1, 40000 * MS);
	int n1 = pvh_test_xenbus_enumerate("vif", &ids);
	if (n1 >= 0)
		pvh_free(ids);
	pvh_tap_ok(probes == (unsigned)n0 + 1 && n1 == n0 + 1,
		   "xl network-attach: vif %s appeared to enumeration (%d -> %d) and was probed",
		   probed_id, n0, n1);
	pvh_xenstore_write(NULL, D "/probed", probed_id);
	wait_for(&removes, 1, 40000 * MS);
	pvh_tap_ok(removes == 1, "xl network-detach: the backend closed and remove ran (%u)",
		   removes);
	/* stay until `xl network-detach` has returned in dom0: libxl finishes its side (hotplug
	 * script, backend nodes) after the frontend saw Closed, and fails if the domain is gone */
	char buf[8];
	int i = 0;
	while (pvh_xenstore_read(NULL, D "/detached", buf, sizeof(buf)) < 0 && i++ < 800)
		pvh_sleep_ns(50 * MS);
	pvh_tap_ok(i <= 800, "dom0 says xl network-detach returned");
	return pvh_tap_result("xstest");
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void sort_u64(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j && cmp_u64(&v[j - 1], &v[j]) > 0; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

static int mode_bench(void)
{
	enum { N = 1000 };
	static uint64_t t[N];
	char buf[16];
	uint64_t sum = 0;

	pvh_xenstore_write(NULL, D "/small", "1");
	for (unsigned i = 0; i < N; i++) {
		uint64_t t0 = pvh_test_monotonic_ns();
		pvh_xenstore_read(NULL, D "/small", buf, sizeof(buf));
		t[i] = pvh_test_monotonic_ns() - t0;
		sum += t[i];
	}
	sort_u64(t, N);
	pvh_printf("XS-BENCH xenstore_read_rtt.median %lu us\n", t[N / 2] / 1000);
	pvh_printf("XS-BENCH xenstore_read_rtt.mean %lu us\n", sum / N / 1000);
	pvh_printf("XS-BENCH xenstore_read_rtt.min %lu us\n", t[0] / 1000);
	pvh_printf("XS-BENCH xenstore_read_rtt.p90 %lu us\n", t[N * 9 / 10] / 1000);
	pvh_tap_ok(1, "%u reads of a small key: median %lu us, mean %lu us, min %lu us, p90 %lu us",
		   N, t[N / 2] / 1000, sum / N / 1000, t[0] / 1000, t[N * 9 / 10] / 1000);
	return pvh_tap_result("xstest");
}

/* dom0 stops xenstored (SIGSTOP) for a while: requests time out, then the ring moves again. */
static int mode_stall(void)
{
	char buf[16];
	const struct pvh_xenstore_ctx quick = { 0, 1000 * MS };
	struct pvh_test_xs_stats s0, s1;
	int r = 0;
	unsigned timeouts = 0;
	uint64_t t0 = pvh_test_monotonic_ns(), worst = 0, best = UINT64_MAX;

	pvh_test_xs_stats(&s0);
	pvh_xenstore_write(NULL, D "/ready", "1");
	/* wait (up to 20 s) for the first request that finds xenstored stopped */
	while (pvh_test_monotonic_ns() - t0 < 20000 * MS &&
	       (r = pvh_xenstore_read(&quick, "domid", buf, sizeof(buf))) > 0)
		pvh_sleep_ns(50 * MS);
	pvh_tap_ok(r == -ETIMEDOUT, "a request to a stopped xenstored times out (%d)", r);
	for (unsigned i = 0; i < 3; i++) {
		uint64_t t = pvh_test_monotonic_ns();
		timeouts += pvh_xenstore_read(&quick, "domid", buf, sizeof(buf)) == -ETIMEDOUT;
		t = pvh_test_monotonic_ns() - t;
		worst = t > worst ? t : worst;
		best = t < best ? t : best;
	}
	/* not before the timeout; how long after it is the host's load, shown only */
	pvh_tap_ok(timeouts == 3 && best >= 1000 * MS,
		   "three more time out, none before its 1 s timeout (%u, %lu..%lu ms)", timeouts,
		   best / MS, worst / MS);
	t0 = pvh_test_monotonic_ns();
	while (pvh_test_monotonic_ns() - t0 < 30000 * MS &&
	       (r = pvh_xenstore_read(&quick, "domid", buf, sizeof(buf))) == -ETIMEDOUT)
		;
	pvh_test_xs_stats(&s1);
	pvh_tap_ok(r > 0, "after SIGCONT the ring moves again: requests succeed (%d)", r);
	pvh_tap_diag("%lu timeouts; %lu late replies dropped so far", s1.timeouts - s0.timeouts,
		     s1.unknown_req_id - s0.unknown_req_id);
	pvh_sleep_ns(500 * MS);
	pvh_test_xs_stats(&s1);
	pvh_tap_ok(s1.unknown_req_id - s0.unknown_req_id == s1.timeouts - s0.timeouts &&
		       s1.ring_errors == 0,
		   "every timed-out request's late reply was counted and dropped (%lu of %lu)",
		   s1.unknown_req_id - s0.unknown_req_id, s1.timeouts - s0.timeouts);
	return pvh_tap_result("xstest");
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!pvh_xenstore_available()) {
		pvh_tap_skip("xenstore", "not available (not running on Xen)");
		return pvh_tap_result("xstest");
	}
	if (!strcmp(mode, "dom0"))
		mode_dom0();
	else if (!strcmp(mode, "poweroff") || !strcmp(mode, "reboot"))
		return mode_shutdown(mode);
	else if (!strcmp(mode, "hotplug"))
		return mode_hotplug();
	else if (!strcmp(mode, "bench"))
		return mode_bench();
	else if (!strcmp(mode, "stall"))
		return mode_stall();
	else if (!strcmp(mode, "bigdir"))
		return mode_bigdir();
	else {
		test_basics();
		test_read_write();
		test_perms();
		test_denied();
		test_watch();
		test_transaction();
		test_concurrency();
		test_timeout();
		test_devices();
	}
	print_stats();
	return pvh_tap_result("xstest");
}
