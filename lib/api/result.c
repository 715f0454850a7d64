/* The result library's pure part (include/pvhkit/result.h): escalation, counting, the lines' text. */
#include "base/fmt.h"
#include "pvhkit/result.h"

enum pvh_status pvh_status_max(enum pvh_status a, enum pvh_status b)
{
	return b > a ? b : a;
}

void pvh_tally_add(struct pvh_tally *t, enum pvh_status s)
{
	t->total++;
	if (s == PVH_PASS)
		t->passed++;
	else if (s == PVH_SKIP)
		t->skipped++;
	else if (s == PVH_ERROR)
		t->errors++;
	else if (s == PVH_FAIL)
		t->failed++;
	t->status = pvh_status_max(t->status, s);
}

const char *pvh_status_word(enum pvh_status s)
{
	static const char *const word[] = { "PASS", "SKIP", "PASS", "ERROR", "FAIL" };

	return (unsigned)s < sizeof(word) / sizeof(word[0]) ? word[s] : "ERROR";
}

const char *pvh_status_xtf_word(enum pvh_status s)
{
	static const char *const word[] = { "SUCCESS", "SKIP", "SUCCESS", "ERROR", "FAILURE" };

	return (unsigned)s < sizeof(word) / sizeof(word[0]) ? word[s] : "ERROR";
}

int pvh_status_exit(enum pvh_status s)
{
	return s == PVH_ERROR || s == PVH_FAIL;
}

int pvh_tap_format(char *buf, size_t n, unsigned num, enum pvh_status s, const char *name,
		   const char *why)
{
	switch (s) {
	case PVH_SKIP:
		return fmt_snprintf(buf, n, "ok %u - %s # SKIP %s", num, name, why);
	case PVH_ERROR:
		return fmt_snprintf(buf, n, "not ok %u - %s # ERROR %s", num, name, why);
	case PVH_FAIL:
		return fmt_snprintf(buf, n, "not ok %u - %s", num, name);
	default:
		return fmt_snprintf(buf, n, "ok %u - %s", num, name);
	}
}

int pvh_tally_format(char *buf, size_t n, const struct pvh_tally *t, const char *suite)
{
	const char *w = pvh_status_word(t->status);

	switch (t->status) {
	case PVH_FAIL:
		return fmt_snprintf(buf, n, "RESULT: %s %s: %u of %u failed", w, suite, t->failed,
				    t->total);
	case PVH_ERROR:
		return fmt_snprintf(buf, n, "RESULT: %s %s: %u of %u could not run", w, suite,
				    t->errors, t->total);
	case PVH_SKIP:
		return fmt_snprintf(buf, n, "RESULT: %s %s: all %u skipped", w, suite, t->total);
	default:
		return fmt_snprintf(buf, n, "RESULT: %s %s: %u passed, %u skipped", w, suite,
				    t->passed, t->skipped);
	}
}
