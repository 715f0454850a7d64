/* Conformance results as TAP 13, a JUnit XML document between console markers, and the RESULT line. */
#ifndef APPS_CONFORMANCE_CONF_REPORT_H
#define APPS_CONFORMANCE_CONF_REPORT_H
#include <stdint.h>
#include "conf.h"

/* The markers around the JUnit document on the console (tools/conformance-junit cuts it out). */
#define CONF_JUNIT_BEGIN "----- BEGIN JUNIT XML: pvhkit conformance -----"
#define CONF_JUNIT_END	 "----- END JUNIT XML: pvhkit conformance -----"

struct conf_out {
	void (*line)(void *ctx, const char *s); /* one console line, without its newline */
	void *ctx;
};

struct conf_record {
	const struct conf_test *test;
	struct conf_result res;
	uint64_t ns; /* how long it ran (0 when no clock) */
};

void conf_report_plan(const struct conf_out *o, unsigned planned);
/* "ok N - name", "not ok N - name # failure: ...", "ok N - name # SKIP ..." and its diagnostics. */
void conf_report_tap(const struct conf_out *o, unsigned n, const struct conf_record *rec);
void conf_report_junit(const struct conf_out *o, const struct conf_record *recs, unsigned n);
void conf_totals(const struct conf_record *recs, unsigned n, struct pvh_tally *t);
/* FAIL if anything failed, else ERROR if anything erred, else SKIP if all skipped, else PASS
 * (the result library's escalation; no tests at all is SKIP). */
enum pvh_status conf_overall(const struct pvh_tally *t);
/* The RESULT line's text after its word (pvh_result prints both): "conformance: N tests, ...". */
void conf_result_text(const struct pvh_tally *t, unsigned notes, char *buf, size_t n);
/* How many records passed with a note. */
unsigned conf_notes(const struct conf_record *recs, unsigned n);
/* XML-escapes s into buf (&, <, >, ", ' and control characters). */
void conf_xml_escape(const char *s, char *buf, size_t n);
#endif
