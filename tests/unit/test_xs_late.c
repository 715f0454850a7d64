/* The wait for a xenstore that is not up yet (drivers/xenbus/xs_late.c: Xen 4.21's late start), against a fake world. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <xen/io/xs_wire.h>
#include "base/errno.h"
#include "drivers/xenbus/xs_late.h"

/* the fake: params and the ring's connection field change at given times; naps advance the clock */
static uint64_t now, page_at, evtchn_at, connected_at, pfn_before;
static int said[8], param_err;

static int f_params(uint64_t *pfn, uint64_t *ev)
{
	*pfn = now >= page_at ? 0x1234 : pfn_before;
	*ev = now >= evtchn_at ? 7 : 0;
	return param_err;
}
static uint32_t f_connection(uint64_t pfn)
{
	cr_assert_eq(pfn, 0x1234, "the ring is looked at only once its page exists");
	return now >= connected_at ? XENSTORE_CONNECTED : XENSTORE_RECONNECT;
}
static uint64_t f_now(void)
{
	return now;
}
static void f_nap(uint64_t ns)
{
	now += ns;
}
static void f_say(enum xs_store_state s, uint64_t waited)
{
	(void)waited;
	said[s]++;
}
static const struct xs_late_ops ops = { f_params, f_connection, f_now, f_nap, f_say };

static void world(uint64_t page, uint64_t ev, uint64_t conn, uint64_t before)
{
	now = 0;
	page_at = page;
	evtchn_at = ev;
	connected_at = conn;
	pfn_before = before;
	param_err = 0;
	memset(said, 0, sizeof(said));
}

#define MS 1000000ull
#define S  1000000000ull

Test(xs_late, ready_at_once_costs_no_wait_and_no_message)
{
	uint64_t pfn, ev, waits;

	world(0, 0, 0, XS_LATE_PFN);
	cr_assert_eq(xs_late_wait(&ops, 0, &pfn, &ev, &waits), 0);
	cr_assert_eq(pfn, 0x1234);
	cr_assert_eq(ev, 7);
	cr_assert_eq(waits, 0);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(said[i], 0);
}

Test(xs_late, page_not_allocated_yet_is_waited_for)
{
	uint64_t pfn, ev, waits;

	/* HVM_PARAM_STORE_PFN all ones for 3 s, then the page; event channel and ring at once */
	world(3 * S, 3 * S, 3 * S, XS_LATE_PFN);
	cr_assert_eq(xs_late_wait(&ops, 0, &pfn, &ev, &waits), 0);
	cr_assert_eq(pfn, 0x1234);
	cr_assert_geq(now, 3 * S);
	cr_assert_eq(waits, 3 * S / XS_LATE_POLL_NS);
	cr_assert_eq(said[XS_STORE_NO_PAGE], 1, "said once (it waited under 10 s)");
	cr_assert_eq(said[XS_STORE_READY], 1, "and that the store came");
}

Test(xs_late, ring_saying_reconnect_is_waited_for)
{
	uint64_t pfn, ev, waits;

	/* the page and channel are there, xenstored introduces the domain 25 s later */
	world(0, 0, 25 * S, XS_LATE_PFN);
	cr_assert_eq(xs_late_wait(&ops, 0, &pfn, &ev, &waits), 0);
	cr_assert_geq(now, 25 * S);
	cr_assert_eq(said[XS_STORE_NOT_CONNECTED], 3, "at 0, 10 and 20 s");
	cr_assert_eq(said[XS_STORE_READY], 1);
}

Test(xs_late, no_store_at_all_is_not_waited_for)
{
	uint64_t pfn, ev, waits;

	world(UINT64_MAX, UINT64_MAX, 0, 0); /* pfn 0: this domain has no xenstore */
	cr_assert_eq(xs_late_wait(&ops, 0, &pfn, &ev, &waits), -ENODEV);
	cr_assert_eq(waits, 0);
}

Test(xs_late, a_store_that_never_comes_times_out)
{
	uint64_t pfn, ev, waits;

	world(UINT64_MAX, UINT64_MAX, UINT64_MAX, XS_LATE_PFN);
	cr_assert_eq(xs_late_wait(&ops, 60 * S, &pfn, &ev, &waits), -ETIMEDOUT);
	cr_assert_geq(now, 60 * S);
	cr_assert_lt(now, 60 * S + XS_LATE_POLL_NS + 1);
	cr_assert_eq(said[XS_STORE_NO_PAGE], 6);
}

Test(xs_late, a_failing_param_read_is_returned)
{
	uint64_t pfn, ev, waits;

	world(0, 0, 0, 0);
	param_err = -EPERM;
	cr_assert_eq(xs_late_wait(&ops, 0, &pfn, &ev, &waits), -EPERM);
}

Test(xs_late, states)
{
	cr_assert_eq(xs_store_state(0, 1, XENSTORE_CONNECTED), XS_STORE_NONE);
	cr_assert_eq(xs_store_state(XS_LATE_PFN, 1, XENSTORE_CONNECTED), XS_STORE_NO_PAGE);
	cr_assert_eq(xs_store_state(5, 0, XENSTORE_CONNECTED), XS_STORE_NO_EVTCHN);
	cr_assert_eq(xs_store_state(5, 1, XENSTORE_RECONNECT), XS_STORE_NOT_CONNECTED);
	cr_assert_eq(xs_store_state(5, 1, XENSTORE_CONNECTED), XS_STORE_READY);
}
