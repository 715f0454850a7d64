/* TAP for in-guest tests: numbered results, diagnostics, and the RESULT line runners look for. */
#include <stdarg.h>
#include "base/fmt.h"
#include "kernel/printk.h"
#include "pvhkit/tap.h"

static unsigned n, failed, skipped;
static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Results are the app's output: never filtered by loglevel, and not copied to port 0xE9. */
static void out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk_always(LOG_INFO, fmt, ap);
	va_end(ap);
}

int tap_ok(int cond, const char *fmt, ...)
{
	char name[160];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	n++;
	if (!cond)
		failed++;
	out("%sok %u - %s\n", cond ? "" : "not ", n, name);
	return cond;
}

void tap_skip(const char *name, const char *why)
{
	n++;
	skipped++;
	out("ok %u - %s # SKIP %s\n", n, name, why);
}

void tap_diag(const char *fmt, ...)
{
	char line[200];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	out("# %s\n", line);
}

int tap_result(const char *suite)
{
	out("1..%u\n", n);
	if (failed) {
		printk(LOG_EMERG, "RESULT: FAIL %s: %u of %u failed\n", suite, failed, n);
		return 1;
	}
	if (n && skipped == n) {
		printk(LOG_EMERG, "RESULT: SKIP %s: all %u skipped\n", suite, n);
		return 0;
	}
	printk(LOG_EMERG, "RESULT: PASS %s: %u passed, %u skipped\n", suite, n - skipped, skipped);
	return 0;
}
