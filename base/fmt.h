/* printf-style formatting without libc, for the kernel's console and for snprintf into buffers. */
#ifndef BASE_FMT_H
#define BASE_FMT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*fmt_sink)(char c, void *ctx);

/* Formats into a sink; returns the number of characters produced. No floating point. */
int fmt_vformat(fmt_sink out, void *ctx, const char *fmt, va_list ap);
/* Like vsnprintf: always NUL-terminates when n > 0; returns the length it wanted. */
int fmt_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* "0 B", "640 KiB", "127.5 MiB", "4 GiB": binary units, one decimal when not whole. */
void fmt_size(char *buf, size_t n, unsigned long long bytes);

#endif
