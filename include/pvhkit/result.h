/* In-guest test results: one status that only escalates, TAP lines, and the final RESULT: line. */
#ifndef PVHKIT_RESULT_H
#define PVHKIT_RESULT_H

#include <stddef.h>

/*
 * XTF's severities, lowest first; a suite's status is the highest any of its checks reached and
 * never goes down (pvh_status_max):
 *   PVH_NONE   nothing recorded yet (the RESULT line then says PASS: nothing failed)
 *   PVH_SKIP   the check does not apply here (no Xen, no disk, a configuration that cannot show it)
 *   PVH_PASS   the check ran and held
 *   PVH_ERROR  the check could not be made: the test or its environment broke (XTF's ERROR)
 *   PVH_FAIL   the thing under test broke its contract (XTF's FAILURE)
 * Why this order: SKIP sits below PASS because a suite of many checks in which some passed and
 * the rest did not apply has passed; it is SKIP only when nothing applied. FAIL sits above ERROR,
 * as in XTF: a failure is a finding about the hypervisor or the kernel, and an error met later
 * (a helper timing out, memory running out) must not hide it; an ERROR alone still fails the run.
 */
enum pvh_status { PVH_NONE, PVH_SKIP, PVH_PASS, PVH_ERROR, PVH_FAIL };

/* A suite's running account: its status and how many checks ended how. */
struct pvh_tally {
	enum pvh_status status;
	unsigned total, passed, skipped, errors, failed;
};

/* The more severe of a and b. */
enum pvh_status pvh_status_max(enum pvh_status a, enum pvh_status b);
/* Counts one check's outcome and escalates t->status to it. */
void pvh_tally_add(struct pvh_tally *t, enum pvh_status s);
/* The RESULT line's word: "PASS", "SKIP", "ERROR", "FAIL" (PVH_NONE: "PASS"). */
const char *pvh_status_word(enum pvh_status s);
/*
 * The word XTF's "Test result: <WORD>" line uses for it: "SUCCESS" (PVH_PASS, and PVH_NONE:
 * nothing failed), "SKIP", "ERROR", "FAILURE".
 */
const char *pvh_status_xtf_word(enum pvh_status s);
/* What main returns for it: 1 for ERROR and FAIL, 0 otherwise. */
int pvh_status_exit(enum pvh_status s);

/*
 * One TAP line, without its newline: "ok N - name", "not ok N - name", "ok N - name # SKIP why",
 * "not ok N - name # ERROR why". Returns what snprintf would.
 */
int pvh_tap_format(char *buf, size_t n, unsigned num, enum pvh_status s, const char *name,
		   const char *why);
/*
 * The RESULT line of a TAP suite, without its newline: "RESULT: PASS suite: P passed, S skipped",
 * "RESULT: SKIP suite: all N skipped", "RESULT: ERROR suite: E of N could not run",
 * "RESULT: FAIL suite: F of N failed".
 */
int pvh_tally_format(char *buf, size_t n, const struct pvh_tally *t, const char *suite);

/* ---- printed on the console, counted in the image's one suite ---- */

/* Records one check (PASS if cond, else FAIL); returns cond. The name is printf-formatted. */
int pvh_tap_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A check that does not apply here. */
void pvh_tap_skip(const char *name, const char *why);
/* A check that could not be made (ERROR); why is printf-formatted. */
void pvh_tap_error(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A diagnostic line ("# ..."), shown with the results. */
void pvh_tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The suite so far. */
void pvh_tap_tally(struct pvh_tally *out);
/* Prints the plan ("1..N") and the suite's RESULT line; returns the exit status for main. */
int pvh_tap_result(const char *suite);
/*
 * A RESULT line of one's own, for a program that is not a TAP suite (a server, a benchmark):
 * prints "RESULT: <WORD> <text>" and returns the exit status for main.
 */
int pvh_result(enum pvh_status s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
