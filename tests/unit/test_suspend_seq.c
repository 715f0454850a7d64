/* Tests the suspend sequence's logic (kernel/suspend_seq.c): level order, roll-back, the request gate. */
#include <criterion/criterion.h>
#include <string.h>
#include "base/errno.h"
#include "kernel/suspend_seq.h"

static char trace[256];

static void note(const char *what)
{
	strncat(trace, what, sizeof(trace) - strlen(trace) - 1);
}

#define HOOK(id, lvl, refuse)                                                                      \
	static int prep_##id(void)                                                                 \
	{                                                                                          \
		note("p" #id " ");                                                                 \
		return refuse;                                                                     \
	}                                                                                          \
	static void res_##id(bool new_domain)                                                      \
	{                                                                                          \
		note(new_domain ? "N" #id " " : "C" #id " ");                                      \
	}                                                                                          \
	static struct suspend_hook h_##id = { #id, lvl, prep_##id, res_##id, NULL }

HOOK(core, SUSPEND_LEVEL_CORE, 0);
HOOK(cons, SUSPEND_LEVEL_CONSOLE, 0);
HOOK(xs, SUSPEND_LEVEL_XENSTORE, 0);
HOOK(blk, SUSPEND_LEVEL_FRONTEND, 0);
HOOK(net, SUSPEND_LEVEL_FRONTEND, 0);
HOOK(app, SUSPEND_LEVEL_APP, 0);
HOOK(busy, SUSPEND_LEVEL_FRONTEND, -EBUSY);

/* Registered in a scrambled order: the list must still run by level, ties in registration order. */
static struct suspend_hook *all(void)
{
	struct suspend_hook *list = NULL;

	trace[0] = 0;
	suspend_seq_add(&list, &h_app);
	suspend_seq_add(&list, &h_blk);
	suspend_seq_add(&list, &h_core);
	suspend_seq_add(&list, &h_xs);
	suspend_seq_add(&list, &h_net);
	suspend_seq_add(&list, &h_cons);
	return list;
}

Test(suspend_seq, prepare_from_the_top_resume_from_the_bottom)
{
	struct suspend_hook *list = all();

	cr_assert_eq(suspend_seq_prepare(list, NULL), 0);
	cr_assert_str_eq(trace, "papp pnet pblk pxs pcons pcore ");
	trace[0] = 0;
	suspend_seq_resume(list, true);
	cr_assert_str_eq(trace, "Ncore Ncons Nxs Nblk Nnet Napp ");
	trace[0] = 0;
	suspend_seq_resume(list, false);
	cr_assert_str_eq(trace, "Ccore Ccons Cxs Cblk Cnet Capp ");
}

Test(suspend_seq, a_hook_registered_twice_runs_once)
{
	struct suspend_hook *list = all();

	suspend_seq_add(&list, &h_blk);
	suspend_seq_add(&list, &h_core);
	cr_assert_eq(suspend_seq_prepare(list, NULL), 0);
	cr_assert_str_eq(trace, "papp pnet pblk pxs pcons pcore ");
}

Test(suspend_seq, a_refusal_resumes_exactly_those_that_prepared)
{
	struct suspend_hook *list = all();
	const char *who = NULL;

	/* busy is the last of the frontend level (registered last): it prepares right after app */
	suspend_seq_add(&list, &h_busy);
	trace[0] = 0;
	cr_assert_eq(suspend_seq_prepare(list, &who), -EBUSY);
	cr_assert_str_eq(who, "busy");
	/* only app prepared (above busy): it and only it comes back, as cancelled */
	cr_assert_str_eq(trace, "papp pbusy Capp ");
}

Test(suspend_seq, hooks_without_functions_are_skipped)
{
	struct suspend_hook bare = { "bare", SUSPEND_LEVEL_XENSTORE, NULL, NULL, NULL };
	struct suspend_hook *list = NULL;

	trace[0] = 0;
	suspend_seq_add(&list, &bare);
	suspend_seq_add(&list, &h_core);
	cr_assert_eq(suspend_seq_prepare(list, NULL), 0);
	suspend_seq_resume(list, true);
	cr_assert_str_eq(trace, "pcore Ncore ");
}

Test(suspend_seq, the_gate_refuses_during_boot_and_during_a_suspend)
{
	int gate = SUSPEND_GATE_BOOTING;

	cr_assert_eq(suspend_gate_enter(&gate), -EAGAIN, "before the boot finished");
	suspend_gate_open(&gate);
	cr_assert_eq(suspend_gate_enter(&gate), 0);
	cr_assert_eq(suspend_gate_enter(&gate), -EBUSY, "a second request while one runs");
	/* opening again (a late boot step) must not break a running suspend's ownership */
	suspend_gate_open(&gate);
	cr_assert_eq(suspend_gate_enter(&gate), -EBUSY);
	suspend_gate_leave(&gate);
	cr_assert_eq(suspend_gate_enter(&gate), 0, "the next request after the first ended");
}
