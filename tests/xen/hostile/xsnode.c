/* The hostile backend's plumbing: xenstore nodes with their permissions, states, the event channel, and the closing grant check. */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include "hostile.h"

void hb_log(const char *fmt, ...)
{
	va_list ap;

	printf("hostile: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

void hb_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* dir/key = val, owned by owner; the other side of the device may read it. */
int hb_write(struct hb *h, const char *dir, const char *key, const char *val, unsigned owner)
{
	char path[256];
	struct xs_permissions p[2] = { { .id = owner, .perms = XS_PERM_NONE },
				       { .id = owner ? 0 : h->domid, .perms = XS_PERM_READ } };

	snprintf(path, sizeof(path), "%s%s%s", dir, *key ? "/" : "", key);
	if (!xs_write(h->xs, XBT_NULL, path, val, strlen(val)) ||
	    !xs_set_permissions(h->xs, XBT_NULL, path, p, 2)) {
		hb_log("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* path (and the directory above it) created, owned by the guest: its frontend writes its keys there. */
int hb_mkdir_guest(struct hb *h, const char *path)
{
	struct xs_permissions p[2] = { { .id = h->domid, .perms = XS_PERM_NONE },
				       { .id = 0, .perms = XS_PERM_READ } };
	char up[256];

	snprintf(up, sizeof(up), "%s", path);
	*strrchr(up, '/') = 0;
	const char *dirs[2] = { up, path };
	for (int i = 0; i < 2; i++)
		if (!xs_mkdir(h->xs, XBT_NULL, dirs[i]) ||
		    !xs_set_permissions(h->xs, XBT_NULL, dirs[i], p, 2)) {
			hb_log("cannot create %s: %s", dirs[i], strerror(errno));
			return -1;
		}
	return 0;
}

int hb_writef(struct hb *h, const char *dir, const char *key, unsigned owner, const char *fmt, ...)
{
	char val[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	return hb_write(h, dir, key, val, owner);
}

int hb_read_uint(struct hb *h, const char *dir, const char *key, uint64_t *v)
{
	char path[256];
	unsigned len;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	char *s = xs_read(h->xs, XBT_NULL, path, &len);
	if (!s)
		return -1;
	char *end;
	*v = strtoull(s, &end, 10);
	int ok = end != s && !*end;
	free(s);
	return ok ? 0 : -1;
}

int hb_state(struct hb *h, const char *dir)
{
	uint64_t v;

	return hb_read_uint(h, dir, "state", &v) ? -1 : (int)v;
}

void hb_set_state(struct hb *h, int state)
{
	hb_writef(h, h->be, "state", 0, "%d", state);
	hb_log("backend state %d", state);
}

int hb_guest_alive(struct hb *h)
{
	char path[64];
	unsigned len;

	snprintf(path, sizeof(path), "/local/domain/%u/name", h->domid);
	char *s = xs_read(h->xs, XBT_NULL, path, &len);
	free(s);
	return s != NULL;
}

/* Waits until the frontend reaches want or closes; that state, or -1 (timeout, guest gone). */
int hb_wait_fe(struct hb *h, int want, int ms)
{
	for (int t = 0; t < ms; t += 20) {
		int s = hb_state(h, h->fe);

		if (s >= want || s == 5 || s == 6)
			return s;
		if (!hb_guest_alive(h))
			return -1;
		hb_sleep_ms(20);
	}
	return -1;
}

void hb_remember_ref(struct hb *h, uint32_t ref)
{
	for (unsigned i = 0; i < h->nrefs; i++)
		if (h->refs[i] == ref)
			return;
	if (h->nrefs < sizeof(h->refs) / sizeof(h->refs[0]))
		h->refs[h->nrefs++] = ref;
}

int hb_bind(struct hb *h, const char *key)
{
	uint64_t port;

	if (hb_read_uint(h, h->fe, key, &port)) {
		hb_log("the frontend wrote no %s", key);
		return -1;
	}
	xenevtchn_port_or_error_t p = xenevtchn_bind_interdomain(h->ev, h->domid, (uint32_t)port);
	if (p < 0) {
		hb_log("cannot bind event channel %lu: %s", (unsigned long)port, strerror(errno));
		return -1;
	}
	h->lport = (evtchn_port_t)p;
	return 0;
}

int hb_wait_event(struct hb *h, int ms)
{
	struct pollfd pfd = { .fd = xenevtchn_fd(h->ev), .events = POLLIN };

	if (poll(&pfd, 1, ms) <= 0)
		return 0;
	xenevtchn_port_or_error_t p = xenevtchn_pending(h->ev);
	if (p >= 0)
		xenevtchn_unmask(h->ev, (evtchn_port_t)p);
	return p >= 0;
}

void hb_notify(struct hb *h)
{
	if (h->lport)
		xenevtchn_notify(h->ev, h->lport);
}

/* How many of the remembered grants the guest still offers us. */
static unsigned still_granted(struct hb *h)
{
	unsigned n = 0;

	for (unsigned i = 0; i < h->nrefs; i++) {
		void *p = xengnttab_map_grant_ref(h->gt, h->domid, h->refs[i], PROT_READ);

		if (p) {
			xengnttab_unmap(h->gt, p, 1);
			n++;
		}
	}
	return n;
}

/*
 * The end of every scenario (our mappings already gone): Closed, then once the guest had time to
 * revoke, every grant it gave us must be unmappable; the verdict goes to the guest's data/hostile
 * (it waits for it before ending, so the check runs against a live domain), and the nodes go.
 */
int hb_finish(struct hb *h)
{
	int fe = hb_state(h, h->fe), bad = 0;
	unsigned left = 0;
	char verdict[96];

	if (h->lport)
		xenevtchn_unbind(h->ev, h->lport);
	h->lport = 0;
	hb_set_state(h, 6);
	if (fe != 6 && hb_wait_fe(h, 6, 15000) != 6) {
		hb_log("FAIL: the frontend never reached Closed (state %d)", hb_state(h, h->fe));
		bad = 1;
	}
	/* the guest revokes once it sees our Closed: give it time, never probe during its revoke */
	hb_sleep_ms(1500);
	for (int t = 0; t < 10 && h->nrefs && (left = still_granted(h)); t++)
		hb_sleep_ms(1000);
	if (left) {
		hb_log("FAIL: %u of %u grants still mapped by the guest after it closed", left,
		       h->nrefs);
		bad = 1;
	} else {
		hb_log("the guest revoked all %u grants it had given", h->nrefs);
	}
	snprintf(verdict, sizeof(verdict), "%s %u of %u grants revoked", bad ? "FAIL" : "ok",
		 h->nrefs - left, h->nrefs);
	char dir[64];
	snprintf(dir, sizeof(dir), "/local/domain/%u/data", h->domid);
	hb_write(h, dir, "hostile", verdict, h->domid);
	xs_rm(h->xs, XBT_NULL, h->fe);
	xs_rm(h->xs, XBT_NULL, h->be);
	return bad;
}
