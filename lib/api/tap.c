/* TAP for in-guest tests: the image's one suite, its numbered results and its RESULT line. */
#include <stdarg.h>
#include "kernel/printk.h"
#include "base/fmt.h"
#include "pvhkit/result.h"

static struct pvh_tally suite;
static void out(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Results are the app's output: never filtered by loglevel. TAP lines at LOG_INFO (not copied to
 * port 0xE9); the RESULT line at LOG_EMERG, so it also reaches port 0xE9, where runners look
 * when the ring dies.
 */
static void out(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk_always(level, fmt, ap);
	va_end(ap);
}

static void record(enum pvh_status s, const char *name, const char *why)
{
	char line[400];

	pvh_tally_add(&suite, s);
	pvh_tap_format(line, sizeof(line), suite.total, s, name, why);
	out(LOG_INFO, "%s\n", line);
}

int pvh_tap_ok(int cond, const char *fmt, ...)
{
	char name[160];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	record(cond ? PVH_PASS : PVH_FAIL, name, "");
	return cond;
}

void pvh_tap_skip(const char *name, const char *why)
{
	record(PVH_SKIP, name, why);
}

void pvh_tap_error(const char *name, const char *fmt, ...)
{
	char why[200];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	record(PVH_ERROR, name, why);
}

void pvh_tap_diag(const char *fmt, ...)
{
	char line[200];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	out(LOG_INFO, "# %s\n", line);
}

void pvh_tap_tally(struct pvh_tally *t)
{
	*t = suite;
}

int pvh_tap_result(const char *name)
{
	char line[200];

	out(LOG_INFO, "1..%u\n", suite.total);
	pvh_tally_format(line, sizeof(line), &suite, name);
	out(LOG_EMERG, "%s\n", line);
	return pvh_status_exit(suite.status);
}

int pvh_result(enum pvh_status s, const char *fmt, ...)
{
	char text[200];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	out(LOG_EMERG, "RESULT: %s %s\n", pvh_status_word(s), text);
	return pvh_status_exit(s);
}
