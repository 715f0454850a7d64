/* Test outcomes: setting one with its message, and the severity names used in TAP and JUnit. */
#include <stdarg.h>
#include "apps/conformance/conf.h"
#include "base/fmt.h"

enum conf_status conf_set(struct conf_result *r, enum conf_status status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
	r->status = status;
	return status;
}

const char *conf_status_name(enum conf_status s)
{
	switch (s) {
	case CONF_PASS:
		return "pass";
	case CONF_FAIL:
		return "failure";
	case CONF_ERROR:
		return "error";
	case CONF_SKIP:
		return "skip";
	}
	return "?";
}

uint32_t conf_crc32(const void *buf, size_t n)
{
	const uint8_t *p = buf;
	uint32_t c = 0xffffffffu;

	/* bitwise: no table to build or trust, and the inputs are a command line or one module */
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & -(c & 1));
	}
	return ~c;
}
