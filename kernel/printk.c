/* Kernel logging: formats a message and hands it to the console in one piece. */
#include "base/fmt.h"
#include "kernel/console.h"
#include "kernel/printk.h"

#define PRINTK_BUF 512

int printk_loglevel = LOG_INFO;

int vprintk(int level, const char *fmt, va_list ap)
{
	if (level > printk_loglevel)
		return 0;
	return vprintk_always(level, fmt, ap);
}

int vprintk_always(int level, const char *fmt, va_list ap)
{
	char buf[PRINTK_BUF];
	int n;

	n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n >= (int)sizeof(buf)) {
		/* say it was cut rather than lose the end silently */
		n = sizeof(buf) - 1;
		buf[n - 4] = '.';
		buf[n - 3] = '.';
		buf[n - 2] = '.';
		buf[n - 1] = '\n';
	}
	console_write(level, buf, n);
	return n;
}

int printk(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vprintk(level, fmt, ap);
	va_end(ap);
	return n;
}
