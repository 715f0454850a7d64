/* Tests the grant-reference free list (kernel/gnttab_refs.c): reserved, busy and bad refs. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include "base/errno.h"
#include "kernel/gnttab_refs.h"

static struct gnttab_refs r;
static uint32_t *next;
static uint8_t *state;

/* exactly the arrays' size on the heap, so ASan sees any access past them */
static void make(uint32_t nr, uint32_t reserved)
{
	free(next);
	free(state);
	next = malloc(nr * sizeof(*next) + 1);
	state = malloc(nr + 1);
	cr_assert_not_null(next);
	cr_assert_not_null(state);
	gnttab_refs_init(&r, next, state, nr, reserved);
}

static void teardown(void)
{
	free(next);
	free(state);
	next = NULL;
	state = NULL;
}

TestSuite(gnttab_refs, .fini = teardown);

/* A refused free changes nothing but bad_frees. */
#define BAD_FREE(ref)                                                                              \
	do {                                                                                       \
		struct gnttab_refs before_ = r;                                                    \
		cr_assert_eq(gnttab_refs_free(&r, (ref)), -EINVAL, "free(%u)", (unsigned)(ref));   \
		cr_assert_eq(r.bad_frees, before_.bad_frees + 1);                                  \
		cr_assert_eq(r.nfree, before_.nfree);                                              \
		cr_assert_eq(r.head, before_.head);                                                \
		cr_assert_eq(r.busy, before_.busy);                                                \
	} while (0)

Test(gnttab_refs, reserved_never_handed_out_lowest_first)
{
	make(32, 8);
	cr_assert_eq(r.nfree, 24);
	for (int i = 8; i < 32; i++)
		cr_assert_eq(gnttab_refs_alloc(&r), i, "lowest ref first");
	cr_assert_eq(r.nfree, 0);
	cr_assert_eq(gnttab_refs_alloc(&r), -ENOSPC);
	cr_assert_eq(gnttab_refs_alloc(&r), -ENOSPC, "stays exhausted");
	cr_assert_eq(r.nfree, 0);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(state[i], REF_RESERVED);
}

Test(gnttab_refs, all_reserved_or_empty)
{
	make(8, 8);
	cr_assert_eq(r.nfree, 0);
	cr_assert_eq(gnttab_refs_alloc(&r), -ENOSPC);
	make(4, 8); /* more reserved than there are */
	cr_assert_eq(r.nfree, 0);
	cr_assert_eq(gnttab_refs_alloc(&r), -ENOSPC);
	make(0, 0);
	cr_assert_eq(gnttab_refs_alloc(&r), -ENOSPC);
	BAD_FREE(0);
	make(3, 0); /* no reserve: ref 0 is a ref like any other */
	cr_assert_eq(gnttab_refs_alloc(&r), 0);
}

Test(gnttab_refs, free_reuses)
{
	make(16, 8);
	int a = gnttab_refs_alloc(&r), b = gnttab_refs_alloc(&r);
	cr_assert_eq(a, 8);
	cr_assert_eq(b, 9);
	cr_assert_eq(gnttab_refs_free(&r, (uint32_t)a), 0);
	cr_assert_eq(r.nfree, 7);
	cr_assert_eq(state[a], REF_FREE);
	cr_assert_eq(gnttab_refs_alloc(&r), a, "the freed ref comes back");
	cr_assert_eq(r.bad_frees, 0);
}

Test(gnttab_refs, bad_frees_refused_and_counted)
{
	make(16, 8);
	int a = gnttab_refs_alloc(&r);

	BAD_FREE(10); /* free, never allocated */
	BAD_FREE(0);  /* reserved */
	BAD_FREE(7);
	BAD_FREE(16); /* out of range */
	BAD_FREE(UINT32_MAX);
	cr_assert_eq(gnttab_refs_free(&r, (uint32_t)a), 0);
	BAD_FREE((uint32_t)a); /* double free */
	cr_assert_eq(r.bad_frees, 6);
	/* the list is intact: every ref comes out exactly once */
	for (int i = 8; i < 16; i++)
		cr_assert_eq(gnttab_refs_alloc(&r), i);
	cr_assert_eq(gnttab_refs_alloc(&r), -ENOSPC);
}

Test(gnttab_refs, park_takes_a_used_ref_out_for_good)
{
	make(12, 8);
	int a = gnttab_refs_alloc(&r);
	cr_assert_eq(a, 8);
	cr_assert_eq(gnttab_refs_park(&r, (uint32_t)a), 0);
	cr_assert_eq(r.busy, 1);
	cr_assert_eq(state[a], REF_BUSY);
	cr_assert_eq(r.nfree, 3);

	BAD_FREE((uint32_t)a); /* still mapped by the peer: cannot come back */
	cr_assert_eq(gnttab_refs_park(&r, (uint32_t)a), -EINVAL, "parked twice");
	cr_assert_eq(r.busy, 1);

	/* refused: free, reserved, out of range; none counts as busy or as a bad free */
	cr_assert_eq(gnttab_refs_park(&r, 9), -EINVAL);
	cr_assert_eq(gnttab_refs_park(&r, 0), -EINVAL);
	cr_assert_eq(gnttab_refs_park(&r, 12), -EINVAL);
	cr_assert_eq(gnttab_refs_park(&r, UINT32_MAX), -EINVAL);
	cr_assert_eq(r.busy, 1);
	cr_assert_eq(r.bad_frees, 1);
	cr_assert_eq(state[9], REF_FREE);

	for (int i = 9; i < 12; i++)
		cr_assert_eq(gnttab_refs_alloc(&r), i, "ref 8 is never handed out again");
	cr_assert_eq(gnttab_refs_alloc(&r), -ENOSPC);
	for (uint32_t i = 9; i < 12; i++)
		cr_assert_eq(gnttab_refs_free(&r, i), 0);
	for (int i = 0; i < 3; i++)
		cr_assert_neq(gnttab_refs_alloc(&r), a);
}

#define NR  200
#define RES 8

Test(gnttab_refs, random_against_model)
{
	uint8_t model[NR] = { 0 }; /* enum gnttab_ref_state per ref */
	uint64_t x = 31337, bad = 0, busy = 0;
	uint32_t nfree = NR - RES;

	make(NR, RES);
	for (int i = 0; i < RES; i++)
		model[i] = REF_RESERVED;
	for (int step = 0; step < 100000; step++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		uint64_t rr = x >> 20;
		uint32_t ref = (uint32_t)(rr % (NR + 8)); /* a few out of range */

		switch ((rr >> 12) % 8) {
		case 0:
		case 1:
		case 2: {
			int lowest = -1;

			for (int i = 0; i < NR && lowest < 0; i++)
				if (model[i] == REF_FREE)
					lowest = i;
			int got = gnttab_refs_alloc(&r);

			if (lowest < 0) {
				cr_assert_eq(got, -ENOSPC, "step %d", step);
				break;
			}
			/* LIFO reuse, not lowest: any free ref will do, but a free one */
			cr_assert_geq(got, RES, "step %d", step);
			cr_assert_lt(got, NR);
			cr_assert_eq(model[got], REF_FREE, "step %d: ref %d handed out while %d",
				     step, got, model[got]);
			model[got] = REF_USED;
			nfree--;
			break;
		}
		case 3:
		case 4:
		case 5: {
			int ok = ref < NR && model[ref] == REF_USED;

			cr_assert_eq(gnttab_refs_free(&r, ref), ok ? 0 : -EINVAL, "step %d", step);
			if (ok) {
				model[ref] = REF_FREE;
				nfree++;
			} else {
				bad++;
			}
			break;
		}
		case 6: {
			/* park rarely and only half the refs, or every ref ends up busy */
			int ok = ref < NR && model[ref] == REF_USED && (rr >> 16) % 8 == 0 &&
				 busy < (NR - RES) / 2;

			if (ref < NR && model[ref] == REF_USED && !ok)
				break;
			cr_assert_eq(gnttab_refs_park(&r, ref), ok ? 0 : -EINVAL, "step %d", step);
			if (ok) {
				model[ref] = REF_BUSY;
				busy++;
			}
			break;
		}
		case 7: /* a free of a used ref picked on purpose, so frees do not only fail */
			for (uint32_t i = ref; i < NR; i++) {
				if (model[i] == REF_USED) {
					cr_assert_eq(gnttab_refs_free(&r, i), 0);
					model[i] = REF_FREE;
					nfree++;
					break;
				}
			}
			break;
		}
		cr_assert_eq(r.nfree, nfree, "step %d", step);
		cr_assert_eq(r.bad_frees, bad);
		cr_assert_eq(r.busy, busy);
	}
	for (int i = 0; i < NR; i++)
		cr_assert_eq(state[i], model[i], "ref %d", i);
	cr_assert_gt(busy, 0);
	cr_assert_lt(busy, NR - RES);
}
