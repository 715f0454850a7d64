/* The hostile backend (dom0 side of tests/xen/scenarios' hostile-* cases): shared state and helpers. */
#ifndef TESTS_XEN_HOSTILE_HOSTILE_H
#define TESTS_XEN_HOSTILE_HOSTILE_H

#include <stdint.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>

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
