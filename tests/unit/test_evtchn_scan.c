/* Tests the 2-level event-channel pending scan (kernel/evtchn_scan.c) on host-side bitmaps. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>
#include "kernel/evtchn_scan.h"

#define WORDS EVTCHN_WORD_BITS

static uint64_t sel, pending[WORDS], mask[WORDS];

struct rec {
	unsigned ports[EVTCHN_2L_PORTS];
	unsigned n;
	int raise_on, raise_port; /* when port raise_on is handled, raise_port becomes pending */
	int take_on, take_port; /* when port take_on is handled, take_port is consumed elsewhere */
	int mask_on, mask_port; /* when port mask_on is handled, mask_port gets masked */
};

static void set(uint64_t *bits, unsigned port)
{
	bits[port / 64] |= 1ull << (port % 64);
}

static int is_set(const uint64_t *bits, unsigned port)
{
	return (bits[port / 64] >> (port % 64)) & 1;
}

/* What Xen does when it raises an event: the pending bit, then the selector bit. */
static void raise(unsigned port)
{
	set(pending, port);
	sel |= 1ull << (port / 64);
}

static void record(unsigned port, void *ctx)
{
	struct rec *r = ctx;

	cr_assert_lt(port, EVTCHN_2L_PORTS);
	cr_assert(!is_set(pending, port), "port %u still pending inside its handler", port);
	cr_assert(!is_set(mask, port), "masked port %u delivered", port);
	cr_assert_lt(r->n, EVTCHN_2L_PORTS);
	r->ports[r->n++] = port;
	if ((int)port == r->raise_on)
		raise((unsigned)r->raise_port);
	if ((int)port == r->take_on)
		pending[r->take_port / 64] &= ~(1ull << (r->take_port % 64));
	if ((int)port == r->mask_on)
		set(mask, (unsigned)r->mask_port);
}

static struct rec rec;

static void setup(void)
{
	sel = 0;
	memset(pending, 0, sizeof(pending));
	memset(mask, 0, sizeof(mask));
	memset(&rec, 0, sizeof(rec));
	rec.raise_on = rec.take_on = rec.mask_on = -1;
}

TestSuite(evtchn_scan, .init = setup);

static unsigned scan(void)
{
	return evtchn_scan(&sel, pending, mask, record, &rec);
}

Test(evtchn_scan, empty_selector_no_calls)
{
	set(pending, 5); /* pending but its word not selected: not looked at */
	cr_assert_eq(scan(), 0);
	cr_assert_eq(rec.n, 0);
	cr_assert(is_set(pending, 5));
}

Test(evtchn_scan, selected_word_with_nothing_pending)
{
	sel = 1ull << 3 | 1ull << 63;
	cr_assert_eq(scan(), 0);
	cr_assert_eq(rec.n, 0);
	cr_assert_eq(sel, 0, "the selector is consumed even so");
}

Test(evtchn_scan, selector_swapped_with_zero)
{
	raise(70);
	cr_assert_eq(sel, 2);
	cr_assert_eq(scan(), 1);
	cr_assert_eq(sel, 0);
	cr_assert_eq(rec.ports[0], 70);
	cr_assert_eq(scan(), 0, "nothing left");
}

Test(evtchn_scan, edge_ports)
{
	raise(4095);
	raise(64);
	raise(63);
	raise(0);
	cr_assert_eq(scan(), 4);
	cr_assert_eq(rec.n, 4);
	cr_assert_eq(rec.ports[0], 0);
	cr_assert_eq(rec.ports[1], 63);
	cr_assert_eq(rec.ports[2], 64);
	cr_assert_eq(rec.ports[3], 4095);
	for (unsigned w = 0; w < WORDS; w++)
		cr_assert_eq(pending[w], 0, "word %u", w);
}

Test(evtchn_scan, lowest_first_words_in_selector_order)
{
	raise(64 * 9 + 40);
	raise(64 * 9 + 2);
	raise(64 * 2 + 63);
	raise(64 * 2 + 1);
	raise(64 * 2 + 30);
	cr_assert_eq(scan(), 5);
	static const unsigned want[] = { 129, 158, 191, 578, 616 };
	for (unsigned i = 0; i < 5; i++)
		cr_assert_eq(rec.ports[i], want[i], "call %u", i);
}

Test(evtchn_scan, masked_pending_stay_pending)
{
	raise(10);
	raise(11);
	raise(100);
	set(mask, 11);
	set(mask, 100);
	set(mask, 12); /* masked, not pending: nothing */
	cr_assert_eq(scan(), 1);
	cr_assert_eq(rec.ports[0], 10);
	cr_assert(!is_set(pending, 10));
	cr_assert(is_set(pending, 11));
	cr_assert(is_set(pending, 100));
	cr_assert(!is_set(pending, 12));
	/* unmasked later, and the selector raised again as Xen's unmask does: now delivered */
	mask[0] = mask[1] = 0;
	sel = 3;
	cr_assert_eq(scan(), 2);
	cr_assert_eq(rec.ports[1], 11);
	cr_assert_eq(rec.ports[2], 100);
}

Test(evtchn_scan, pending_bits_outside_selected_words_untouched)
{
	raise(200);
	set(pending, 5); /* word 0 not selected */
	cr_assert_eq(scan(), 1);
	cr_assert(is_set(pending, 5));
}

Test(evtchn_scan, same_port_raised_in_handler_not_lost)
{
	raise(77);
	rec.raise_on = 77;
	rec.raise_port = 77;
	cr_assert_eq(scan(), 1, "not delivered twice in one scan");
	cr_assert(is_set(pending, 77), "raised again while handled: still pending");
	rec.raise_on = -1;
	cr_assert_eq(scan(), 1);
	cr_assert_eq(rec.ports[1], 77);
	cr_assert(!is_set(pending, 77));
}

Test(evtchn_scan, port_raised_in_handler_waits_for_next_scan)
{
	raise(3);
	rec.raise_on = 3;
	rec.raise_port = 9; /* same word, above the one being handled */
	cr_assert_eq(scan(), 1);
	cr_assert(is_set(pending, 9));
	cr_assert_eq(sel, 1);
	rec.raise_port = 1000; /* another word */
	rec.raise_on = 9;
	cr_assert_eq(scan(), 1);
	cr_assert_eq(rec.ports[1], 9);
	cr_assert(is_set(pending, 1000));
	cr_assert_eq(scan(), 1);
	cr_assert_eq(rec.ports[2], 1000);
	cr_assert_eq(scan(), 0);
}

Test(evtchn_scan, port_taken_elsewhere_not_delivered)
{
	/* another vCPU consumed port 5 while port 3 was handled: delivering it too would be a duplicate */
	raise(3);
	raise(5);
	raise(6);
	rec.take_on = 3;
	rec.take_port = 5;
	cr_assert_eq(scan(), 2);
	cr_assert_eq(rec.ports[0], 3);
	cr_assert_eq(rec.ports[1], 6);
}

Test(evtchn_scan, port_masked_by_handler_stays_pending)
{
	raise(3);
	raise(5);
	rec.mask_on = 3;
	rec.mask_port = 5;
	cr_assert_eq(scan(), 1);
	cr_assert(is_set(pending, 5), "masked before its turn: the event is kept");
}

Test(evtchn_scan, every_port_once)
{
	for (unsigned p = 0; p < EVTCHN_2L_PORTS; p++)
		raise(p);
	cr_assert_eq(sel, UINT64_MAX);
	cr_assert_eq(scan(), EVTCHN_2L_PORTS);
	for (unsigned p = 0; p < EVTCHN_2L_PORTS; p++)
		cr_assert_eq(rec.ports[p], p);
}

Test(evtchn_scan, random_against_model)
{
	uint64_t x = 99;

	for (int round = 0; round < 2000; round++) {
		uint64_t want_pending[WORDS];

		setup();
		for (int i = 0; i < 40; i++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			unsigned p = (unsigned)(x >> 52); /* 0..4095 */

			if (x & 1)
				raise(p);
			else
				set(pending, p); /* selector not raised: must stay untouched */
			if (x & 2)
				set(mask, p);
		}
		uint64_t s = sel;
		unsigned expect = 0;
		memcpy(want_pending, pending, sizeof(pending));
		for (unsigned w = 0; w < WORDS; w++) {
			if (!((s >> w) & 1))
				continue;
			uint64_t deliver = pending[w] & ~mask[w];
			expect += (unsigned)__builtin_popcountll(deliver);
			want_pending[w] &= ~deliver;
		}
		cr_assert_eq(scan(), expect, "round %d", round);
		cr_assert_eq(rec.n, expect);
		for (unsigned i = 1; i < rec.n; i++)
			cr_assert_lt(rec.ports[i - 1], rec.ports[i], "ascending order");
		cr_assert_eq(memcmp(want_pending, pending, sizeof(pending)), 0, "round %d", round);
	}
}

/*
 * Two vCPUs, ports of both in one word: each scan takes only its own vCPU's ports, and the
 * other's stay pending for it (a timer VIRQ must run on the CPU it belongs to).
 */
Test(evtchn_scan, per_cpu_ports_stay_with_their_vcpu, .init = setup)
{
	uint64_t mine0[WORDS] = { 0 }, mine1[WORDS] = { 0 }, sel1 = 0;

	set(mine0, 3);
	set(mine0, 70);
	set(mine1, 5);
	set(mine1, 71);
	raise(3);
	raise(5);
	raise(70);
	raise(71);
	sel1 = sel; /* Xen sets the selector of each port's own vCPU; here both see both words */
	cr_assert_eq(evtchn_scan_cpu(&sel, pending, mask, mine0, record, &rec), 2);
	cr_assert_eq(rec.ports[0], 3);
	cr_assert_eq(rec.ports[1], 70);
	cr_assert(is_set(pending, 5) && is_set(pending, 71), "vCPU 1's ports left pending");
	cr_assert_eq(evtchn_scan_cpu(&sel1, pending, mask, mine1, record, &rec), 2);
	cr_assert_eq(rec.ports[2], 5);
	cr_assert_eq(rec.ports[3], 71);
	cr_assert_eq(pending[0] | pending[1], 0);
}

/* A port in nobody's set is never delivered (until EVTCHNOP_bind_vcpu gives it an owner). */
Test(evtchn_scan, port_of_no_cpu_is_not_delivered, .init = setup)
{
	uint64_t mine[WORDS] = { 0 };

	raise(9);
	cr_assert_eq(evtchn_scan_cpu(&sel, pending, mask, mine, record, &rec), 0);
	cr_assert(is_set(pending, 9));
	cr_assert_eq(sel, 0, "the selector is consumed");
}
