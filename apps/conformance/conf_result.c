/* Test outcomes: setting one with its message, and the severity names used in TAP and JUnit. */
#include <stdarg.h>
#include "conf.h"
#include <stdio.h>

static enum pvh_status vset(struct conf_result *r, enum pvh_status status, int note,
			    const char *fmt, va_list ap)
{
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	r->status = status;
	r->note = note;
	return status;
}

enum pvh_status conf_set(struct conf_result *r, enum pvh_status status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(r, status, 0, fmt, ap);
	va_end(ap);
	return status;
}

/* A pass that carries a remark (counted on the RESULT line as a note). */
enum pvh_status conf_note(struct conf_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(r, PVH_PASS, 1, fmt, ap);
	va_end(ap);
	return PVH_PASS;
}

const char *conf_status_name(enum pvh_status s)
{
	switch (s) {
	case PVH_PASS:
		return "pass";
	case PVH_FAIL:
		return "failure";
	case PVH_ERROR:
		return "error";
	case PVH_SKIP:
		return "skip";
	case PVH_NONE:
		break;
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
