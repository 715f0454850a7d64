/*
 * The hostile vif: a netif backend (xen/io/netif.h; request-rx-copy: it writes frames into the
 * guest's posted RX pages) that misbehaves as its mode says:
 *   mac       offers ff:ff:ff:ff:ff:ff, which is not a station's address
 *   rxbounds  answers an RX request with offset 4000 + 1000 bytes (past the page), then a good frame
 *   txbadid   answers TX requests with ids that were never sent
 *   rxprod    moves the RX rsp_prod 1000 past what it produced
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "hostile.h"
#include <xen/io/netif.h>

static netif_tx_back_ring_t tx;
static netif_rx_back_ring_t rx;
static void *tx_va, *rx_va;

static int offer(struct hb *h)
{
	const char *mac = hb_is(h, "mac") ? "ff:ff:ff:ff:ff:ff" : "00:16:3e:00:00:42";

	snprintf(h->fe, sizeof(h->fe), "/local/domain/%u/device/vif/0", h->domid);
	snprintf(h->be, sizeof(h->be), "/local/domain/0/hostile/vif/%u/0", h->domid);
	if (hb_write(h, h->be, "frontend", h->fe, 0) ||
	    hb_writef(h, h->be, "frontend-id", 0, "%u", h->domid) ||
	    hb_write(h, h->be, "handle", "0", 0) || hb_write(h, h->be, "mac", mac, 0) ||
	    hb_write(h, h->be, "feature-rx-copy", "1", 0) || hb_write(h, h->be, "state", "1", 0))
		return -1;
	if (hb_mkdir_guest(h, h->fe) || hb_write(h, h->fe, "backend", h->be, h->domid) ||
	    hb_write(h, h->fe, "backend-id", "0", h->domid) ||
	    hb_write(h, h->fe, "handle", "0", h->domid) ||
	    hb_write(h, h->fe, "mac", mac, h->domid) || hb_write(h, h->fe, "state", "1", h->domid))
		return -1;
	hb_set_state(h, 2);
	return 0;
}

static void unmap_rings(struct hb *h)
{
	if (tx_va)
		xengnttab_unmap(h->gt, tx_va, 1);
	if (rx_va)
		xengnttab_unmap(h->gt, rx_va, 1);
	tx_va = rx_va = NULL;
}

/* Answers the TX requests (txbadid: with ids never sent); extra-info slots get RSP_NULL. */
static void serve_tx(struct hb *h, unsigned *ntx)
{
	int notify;

	while (RING_HAS_UNCONSUMED_REQUESTS(&tx)) {
		netif_tx_request_t req;
		int extra;

		memcpy(&req, RING_GET_REQUEST(&tx, tx.req_cons), sizeof(req));
		tx.req_cons++;
		hb_remember_ref(h, req.gref);
		extra = (req.flags & NETTXF_extra_info) != 0;
		netif_tx_response_t *r = RING_GET_RESPONSE(&tx, tx.rsp_prod_pvt++);
		r->id = hb_is(h, "txbadid") ? (uint16_t)(req.id + 1000) : req.id;
		r->status = NETIF_RSP_OKAY;
		if (hb_is(h, "txbadid") && ++*ntx == 1)
			hb_log("answering TX id %u as id %u", req.id, r->id);
		if (extra) {
			tx.req_cons++;
			r = RING_GET_RESPONSE(&tx, tx.rsp_prod_pvt++);
			r->status = NETIF_RSP_NULL;
		}
	}
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&tx, notify);
	if (notify)
		hb_notify(h);
}

/* One RX response into the next posted buffer: frame (len bytes) at offset, or a lie. */
static int rx_put(struct hb *h, const void *frame, uint16_t offset, int16_t status)
{
	netif_rx_request_t req;
	int notify;

	if (!RING_HAS_UNCONSUMED_REQUESTS(&rx))
		return -1;
	memcpy(&req, RING_GET_REQUEST(&rx, rx.req_cons), sizeof(req));
	rx.req_cons++;
	hb_remember_ref(h, req.gref);
	if (frame && hb_put_grant(h, req.gref, offset, frame, (size_t)status))
		return -1;
	netif_rx_response_t *r = RING_GET_RESPONSE(&rx, rx.rsp_prod_pvt++);
	r->id = req.id;
	r->offset = offset;
	r->flags = 0;
	r->status = status;
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&rx, notify);
	if (notify)
		hb_notify(h);
	return 0;
}

/* What the mode does to the RX ring once connected. */
static void rx_misbehave(struct hb *h)
{
	uint8_t f[60] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x16,
		0x3e, 0x00, 0x00, 0x99, 0x88, 0xb5 /* local experimental ethertype: the stack ignores it */
	};

	if (hb_is(h, "rxbounds")) {
		hb_log("RX response: offset 4000, 1000 bytes (past the page); then a good frame");
		rx_put(h, NULL, 4000, 1000);
		memcpy(f + 14, "hostile-good-frame", 18);
		rx_put(h, f, 0, sizeof(f));
	} else if (hb_is(h, "rxprod")) {
		hb_log("RX rsp_prod moved 1000 past what was produced");
		__atomic_store_n(&rx.sring->rsp_prod, rx.rsp_prod_pvt + 1000, __ATOMIC_RELEASE);
		hb_notify(h);
	}
}

int hb_vif(struct hb *h)
{
	unsigned ntx = 0;

	if (offer(h))
		return 1;
	int s = hb_wait_fe(h, 4, 30000);
	if (s == 5 || s == 6)
		return hb_log("the frontend closed at InitWait"), hb_finish(h);
	if (s < 0)
		return hb_log("FAIL: the frontend never connected"), 1;
	tx_va = hb_map_fe_refs(h, (const char *const[]){ "tx-ring-ref" }, 1);
	rx_va = hb_map_fe_refs(h, (const char *const[]){ "rx-ring-ref" }, 1);
	if (!tx_va || !rx_va || hb_bind(h, "event-channel"))
		return unmap_rings(h), hb_finish(h) | 1;
	BACK_RING_INIT(&tx, (netif_tx_sring_t *)tx_va, PAGE);
	BACK_RING_INIT(&rx, (netif_rx_sring_t *)rx_va, PAGE);
	hb_set_state(h, 4);
	hb_sleep_ms(500); /* the guest's stack is up: what comes now is received */
	rx_misbehave(h);
	for (;;) {
		int fe = hb_state(h, h->fe);

		if (fe < 0 || fe == 5 || fe == 6 || !hb_guest_alive(h))
			break;
		hb_wait_event(h, 50);
		serve_tx(h, &ntx);
	}
	unmap_rings(h);
	if (!hb_guest_alive(h)) {
		xs_rm(h->xs, XBT_NULL, h->be);
		if (!hb_is(h, "rxbounds"))
			return hb_log("FAIL: the guest ended without closing the vif"), 1;
		return 0;
	}
	return hb_finish(h);
}
