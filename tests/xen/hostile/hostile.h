/* The hostile backend (dom0 side of tests/xen/scenarios' hostile-* cases): shared state and helpers. */
#ifndef TESTS_XEN_HOSTILE_HOSTILE_H
#define TESTS_XEN_HOSTILE_HOSTILE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>
/* ring.h's barriers (libxen-dev leaves them to the including program, which includes this first) */
#define mb()	  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb()	  __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define wmb()	  __atomic_thread_fence(__ATOMIC_RELEASE)
#define xen_mb()  mb()
#define xen_rmb() rmb()
#define xen_wmb() wmb()

#define PAGE 4096u

/* One device offered to the guest: its two xenstore directories and what the rings took. */
struct hb {
	struct xs_handle *xs;
	xengnttab_handle *gt;
	xenevtchn_handle *ev;
	unsigned domid;
	const char
	    *mode; /* the misbehaviour: the scenario name after "hostile-blk-"/"hostile-net-" */
	char fe[128], be[128];
	evtchn_port_t lport; /* our end of the event channel, or 0 */
	uint32_t refs[64];   /* grants the guest must have revoked once it closed */
	unsigned nrefs;
};

static inline int hb_is(const struct hb *h, const char *mode)
{
	return !strcmp(h->mode, mode);
}

/* grant.c: the guest's pages, as a backend sees them */
/* Maps the n pages whose grant references the frontend wrote under keys[] (remembered); NULL on failure. */
void *hb_map_fe_refs(struct hb *h, const char *const keys[], unsigned n);
/* Writes len bytes at offset off of the page the guest granted as gref: 0, or -1 with a message. */
int hb_put_grant(struct hb *h, uint32_t gref, size_t off, const void *src, size_t len);

/* xsnode.c */
void hb_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int hb_write(struct hb *h, const char *dir, const char *key, const char *val, unsigned owner);
int hb_writef(struct hb *h, const char *dir, const char *key, unsigned owner, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
int hb_mkdir_guest(struct hb *h, const char *path);
int hb_read_uint(struct hb *h, const char *dir, const char *key, uint64_t *v);
int hb_state(struct hb *h, const char *dir);	/* its "state", -1 when missing */
void hb_set_state(struct hb *h, int state);	/* the backend's */
int hb_wait_fe(struct hb *h, int want, int ms); /* fe state >= want: that state, or -1 */
int hb_guest_alive(struct hb *h);
void hb_remember_ref(struct hb *h, uint32_t ref);
int hb_bind(struct hb *h, const char *key); /* binds the fe's event channel */
int hb_wait_event(struct hb *h, int ms);    /* 1 on an event, 0 on timeout */
void hb_notify(struct hb *h);
int hb_finish(struct hb *h); /* teardown + the grant check: exit status */
void hb_sleep_ms(int ms);

/* vbd.c, vif.c: one scenario each; the exit status of the program */
int hb_vbd(struct hb *h);
int hb_vif(struct hb *h);

#endif
