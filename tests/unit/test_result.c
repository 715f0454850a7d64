/* Tests the in-guest result library (lib/api/result.c, lib/api/tap.c): escalation and the exact lines. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "kernel/printk.h"
#include "pvhkit/result.h"

/* ---- the console, as lib/api/tap.c sees it: every line kept with its level ---- */

static char console[4096];
static size_t used;
static int levels[64], nlevels;

int vprintk_always(int level, const char *fmt, va_list ap)
{
	int n = vsnprintf(console + used, sizeof(console) - used, fmt, ap);

	used += (size_t)n;
	levels[nlevels++] = level;
	return n;
}

static const enum pvh_status all[] = { PVH_NONE, PVH_SKIP, PVH_PASS, PVH_ERROR, PVH_FAIL };
#define NALL (sizeof(all) / sizeof(all[0]))

Test(result, order_is_none_skip_pass_error_fail)
{
	for (unsigned i = 0; i < NALL; i++)
		for (unsigned j = 0; j < NALL; j++) {
			enum pvh_status m = pvh_status_max(all[i], all[j]);

			cr_assert_eq(m, all[i > j ? i : j], "max(%u, %u)", i, j);
		}
	cr_assert_eq(pvh_status_max(PVH_ERROR, PVH_FAIL), PVH_FAIL, "FAIL beats ERROR");
	cr_assert_eq(pvh_status_max(PVH_FAIL, PVH_ERROR), PVH_FAIL, "and stays");
	cr_assert_eq(pvh_status_max(PVH_PASS, PVH_ERROR), PVH_ERROR, "ERROR beats PASS");
	cr_assert_eq(pvh_status_max(PVH_SKIP, PVH_PASS), PVH_PASS, "a pass outweighs skips");
}

/* Every sequence of 4 outcomes: the tally's status never goes down and ends at the maximum. */
Test(result, tally_only_escalates)
{
	for (unsigned code = 0; code < 4 * 4 * 4 * 4; code++) {
		struct pvh_tally t = { 0 };
		enum pvh_status prev = PVH_NONE, want = PVH_NONE;
		unsigned c = code, counts[5] = { 0 };

		for (int k = 0; k < 4; k++, c /= 4) {
			enum pvh_status s = all[1 + c % 4];

			pvh_tally_add(&t, s);
			counts[s]++;
			want = s > want ? s : want;
			cr_assert_geq(t.status, prev, "sequence %u went down at step %d", code, k);
			prev = t.status;
		}
		cr_assert_eq(t.status, want, "sequence %u", code);
		cr_assert_eq(t.total, 4);
		cr_assert(t.skipped == counts[PVH_SKIP] && t.passed == counts[PVH_PASS] &&
			  t.errors == counts[PVH_ERROR] && t.failed == counts[PVH_FAIL]);
	}
}

Test(result, words_and_exit_status)
{
	static const char *const word[] = { "PASS", "SKIP", "PASS", "ERROR", "FAIL" };
	static const int exit_status[] = { 0, 0, 0, 1, 1 };

	for (unsigned i = 0; i < NALL; i++) {
		cr_assert_str_eq(pvh_status_word(all[i]), word[i]);
		cr_assert_eq(pvh_status_exit(all[i]), exit_status[i]);
	}
}

/* XTF's "Test result:" words, which the conformance runner's XTF line prints */
Test(result, xtf_words)
{
	static const char *const word[] = { "SUCCESS", "SKIP", "SUCCESS", "ERROR", "FAILURE" };

	for (unsigned i = 0; i < NALL; i++)
		cr_assert_str_eq(pvh_status_xtf_word(all[i]), word[i], "status %u", i);
	cr_assert_str_eq(pvh_status_xtf_word((enum pvh_status)99), "ERROR", "out of range");
}

Test(result, tap_lines)
{
	char b[128];

	pvh_tap_format(b, sizeof(b), 1, PVH_PASS, "boots", "");
	cr_assert_str_eq(b, "ok 1 - boots");
	pvh_tap_format(b, sizeof(b), 2, PVH_FAIL, "evtchn: loopback", "");
	cr_assert_str_eq(b, "not ok 2 - evtchn: loopback");
	pvh_tap_format(b, sizeof(b), 3, PVH_SKIP, "blk", "no disk");
	cr_assert_str_eq(b, "ok 3 - blk # SKIP no disk");
	pvh_tap_format(b, sizeof(b), 4, PVH_ERROR, "xs", "timed out");
	cr_assert_str_eq(b, "not ok 4 - xs # ERROR timed out");
}

static void expect_console(const char *want)
{
	cr_assert_str_eq(console, want);
}

/* The lines runners match (tools/xen-run, tests/qemu/run): unchanged for PASS, SKIP and FAIL. */
Test(result, printed_suite_pass)
{
	cr_assert_eq(pvh_tap_ok(1, "first %d", 1), 1);
	pvh_tap_skip("second", "not here");
	pvh_tap_diag("a note %s", "x");
	cr_assert_eq(pvh_tap_ok(1, "third"), 1);
	cr_assert_eq(pvh_tap_result("suite"), 0);
	expect_console("ok 1 - first 1\nok 2 - second # SKIP not here\n# a note x\nok 3 - third\n"
		       "1..3\nRESULT: PASS suite: 2 passed, 1 skipped\n");
	/* results are never filtered, and the RESULT line is an emergency (it reaches port 0xE9) */
	cr_assert_eq(levels[nlevels - 1], LOG_EMERG);
	cr_assert_eq(levels[0], LOG_INFO);
}

Test(result, printed_suite_all_skipped)
{
	pvh_tap_skip("a", "no Xen");
	pvh_tap_skip("b", "no Xen");
	cr_assert_eq(pvh_tap_result("xstest"), 0);
	expect_console("ok 1 - a # SKIP no Xen\nok 2 - b # SKIP no Xen\n1..2\n"
		       "RESULT: SKIP xstest: all 2 skipped\n");
}

Test(result, printed_suite_empty_is_pass)
{
	cr_assert_eq(pvh_tap_result("none"), 0);
	expect_console("1..0\nRESULT: PASS none: 0 passed, 0 skipped\n");
}

Test(result, printed_error_then_fail_then_pass_stays_fail)
{
	pvh_tap_error("setup", "no memory (%d)", -12);
	cr_assert_eq(pvh_tap_ok(0, "check"), 0);
	cr_assert_eq(pvh_tap_ok(1, "later"), 1);
	struct pvh_tally t;
	pvh_tap_tally(&t);
	cr_assert_eq(t.status, PVH_FAIL);
	cr_assert_eq(pvh_tap_result("s"), 1);
	expect_console("not ok 1 - setup # ERROR no memory (-12)\nnot ok 2 - check\nok 3 - later\n"
		       "1..3\nRESULT: FAIL s: 1 of 3 failed\n");
}

Test(result, printed_error_alone_fails_the_run)
{
	cr_assert_eq(pvh_tap_ok(1, "one"), 1);
	pvh_tap_error("two", "helper gone");
	pvh_tap_skip("three", "n/a");
	cr_assert_eq(pvh_tap_result("s"), 1);
	expect_console("ok 1 - one\nnot ok 2 - two # ERROR helper gone\nok 3 - three # SKIP n/a\n"
		       "1..3\nRESULT: ERROR s: 1 of 3 could not run\n");
}

Test(result, printed_own_line)
{
	cr_assert_eq(pvh_result(PVH_PASS, "sink got %llu bytes", 1048576ull), 0);
	cr_assert_eq(pvh_result(PVH_ERROR, "no network (%d interfaces with an address)", 0), 1);
	cr_assert_eq(pvh_result(PVH_FAIL, "cannot connect to %s:%s", "10.0.0.1", "5001"), 1);
	expect_console("RESULT: PASS sink got 1048576 bytes\n"
		       "RESULT: ERROR no network (0 interfaces with an address)\n"
		       "RESULT: FAIL cannot connect to 10.0.0.1:5001\n");
	cr_assert_eq(levels[0], LOG_EMERG);
}
