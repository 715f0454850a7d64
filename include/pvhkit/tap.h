/* TAP output for in-guest tests: "ok N - name" lines and one final "RESULT:" line. */
#ifndef PVHKIT_TAP_H
#define PVHKIT_TAP_H

/* Records one test; returns cond. The name is printf-formatted. */
int tap_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A test that does not apply here. */
void tap_skip(const char *name, const char *why);
/* A diagnostic line ("# ..."), shown with the results. */
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "RESULT: PASS|FAIL|SKIP <summary>" and returns the exit status for main (0 on PASS/SKIP). */
int tap_result(const char *suite);

#endif
