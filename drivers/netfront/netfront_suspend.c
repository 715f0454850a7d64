/*
 * netfront across a suspend (save/restore, migration, checkpoint): the link pauses, the MAC stays.
 *
 * prepare: the device turns SUSPENDED under tx_lock, so no sender touches the TX ring any more
 * (frames offered meanwhile are dropped: TCP sends them again), the receiver sees "nothing
 * waiting" and sleeps once it has handed back the packet it holds. The stack is not told: for
 * lwIP the link stays up, so sockets and their connections simply wait.
 * resume, cancelled: rings, grants and ports are all still there: up again, and a kick in case
 * the backend filled RX buffers meanwhile.
 * resume, new domain: every grant and port is dead and the backend is a new one. The handshake
 * runs again (xenbus_front_reconnect: the old grants forgotten, never revoked against anyone, new
 * pages, every RX buffer posted again); what was on the TX ring is gone (TCP resends it) and
 * what the old backend had put on the RX ring is dropped. The MAC is kept, and the stack is
 * told the device moved (NETFRONT_MOVED), so it announces itself with a gratuitous ARP and
 * the network learns where it now is.
 */
#include "base/errno.h"
#include "drivers/netfront/netfront_priv.h"
#include "kernel/evtchn.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/suspend.h"
#include "kernel/time.h"

#define RX_LET_GO_NS (200ull * 1000000ull) /* the receiver's time to hand back its packet */

static void set_state(struct netfront *nf, enum nf_state s)
{
	unsigned long f = spin_lock_irqsave(&nf->tx_lock);
	nf->state = s;
	spin_unlock_irqrestore(&nf->tx_lock, f);
	waitq_wake_all(&nf->wq);
}

static void unbind(struct netfront *nf)
{
	evtchn_unbind(nf->evtchn_rx);
	if (nf->split)
		evtchn_unbind(nf->evtchn_tx);
}

static int prepare(void)
{
	/* refused before anything is paused: a hook that refuses is not resumed */
	for (struct netfront *nf = nf_devices(); nf; nf = nf->next)
		if (nf->state == NF_NEW) {
			pr_warn("netfront: %s: still connecting: refusing the suspend\n", nf->name);
			return -EBUSY;
		}
	for (struct netfront *nf = nf_devices(); nf; nf = nf->next) {
		if (nf->state != NF_UP || !nf->dev)
			continue;
		set_state(nf, NF_SUSPENDED);
		uint64_t t0 = time_monotonic_ns();
		while (__atomic_load_n(&nf->rx_held, __ATOMIC_ACQUIRE) &&
		       time_monotonic_ns() - t0 < RX_LET_GO_NS)
			sched_sleep_ns(1000000);
		unbind(nf);
		xenbus_front_suspend(&nf->front);
	}
	return 0;
}

static void continue_same(struct netfront *nf)
{
	xenbus_front_resume_cancelled(&nf->front);
	evtchn_bind(nf->evtchn_rx, nf_event, nf);
	if (nf->split)
		evtchn_bind(nf->evtchn_tx, nf_event, nf);
	set_state(nf, NF_UP);
	evtchn_notify(nf->evtchn_rx);
}

static void reconnect(struct netfront *nf)
{
	uint64_t t0 = time_monotonic_ns();

	nf->resuming = 1;
	int r = xenbus_front_reconnect(&nf->front);
	nf->resuming = 0;
	if (r) {
		/* the handshake's teardown freed the shares: the receiver must not look at them */
		pr_err("netfront: %s: reconnecting after the resume failed (%d): link down\n",
		       nf->name, r);
		nf->rx_sring = NULL;
		nf->tx_sring = NULL;
		unsigned long f = spin_lock_irqsave(&nf->tx_lock);
		nf->state = NF_DOWN;
		nf->dev = NULL;
		spin_unlock_irqrestore(&nf->tx_lock, f);
		waitq_wake_all(&nf->wq);
		nf_notify_listener(nf, 0);
		return;
	}
	nf->backend = (domid_t)nf->front.dev->otherend_id;
	set_state(nf, NF_UP);
	evtchn_notify(nf->evtchn_rx);
	pr_info("netfront: %s: reconnected in %lu ms, buffers %u/%u\n", nf->name,
		(time_monotonic_ns() - t0) / 1000000, nf->tx_n, nf->rx_n);
	nf_notify_listener(nf, NETFRONT_MOVED);
}

static void resume(bool new_domain)
{
	for (struct netfront *nf = nf_devices(); nf; nf = nf->next) {
		if (nf->state != NF_SUSPENDED)
			continue;
		if (new_domain)
			reconnect(nf);
		else
			continue_same(nf);
	}
}

static struct suspend_hook hook = {
	.name = "netfront",
	.level = SUSPEND_LEVEL_FRONTEND,
	.prepare = prepare,
	.resume = resume,
};

void nf_suspend_init(void)
{
	suspend_hook_register(&hook);
}
