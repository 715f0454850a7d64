/* printf-style formatting without libc: integers, strings, chars and pointers, with flags, width and precision. */
#include <stdint.h>
#include "base/fmt.h"

struct spec {
	int left, plus, space, alt, zero;
	int width, prec; /* prec < 0: none given */
	int len; /* 0 int, 1 long, 2 long long, -1 short, -2 char, 3 size_t/intmax/ptrdiff */
};

struct out {
	fmt_sink sink;
	void *ctx;
	int count;
};

static void put(struct out *o, char c)
{
	o->sink(c, o->ctx);
	o->count++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void emit_str(struct out *o, const struct spec *s, const char *str)
{
	int len = 0;

	if (!str)
		str = "(null)";
	/* the precision is checked first: with one, the array need not be NUL-terminated */
	while ((s->prec < 0 || len < s->prec) && str[len])
		len++;
	if (!s->left)
		pad(o, ' ', s->width - len);
	for (int i = 0; i < len; i++)
		put(o, str[i]);
	if (s->left)
		pad(o, ' ', s->width - len);
}

/* Formats an unsigned magnitude with sign/prefix, precision and width. */
static void emit_num(struct out *o, const struct spec *s, uint64_t v, int neg, unsigned base,
		     int upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	while (v) {
		tmp[n++] = digits[v % base];
		v /= base;
	}
	if (n == 0 && s->prec != 0)
		tmp[n++] = '0';

	const char *prefix = "";
	if (neg)
		prefix = "-";
	else if (s->plus)
		prefix = "+";
	else if (s->space)
		prefix = " ";
	if (s->alt && base == 16 && n && !(n == 1 && tmp[0] == '0'))
		prefix = upper ? "0X" : "0x";
	/* '#' raises an octal precision just enough for a leading 0 (0 with .0 still prints 0) */
	if (s->alt && base == 8 && s->prec <= n && (n == 0 || tmp[n - 1] != '0'))
		prefix = "0";

	int plen = 0;
	while (prefix[plen])
		plen++;
	int zeros = s->prec > n ? s->prec - n : 0;
	int total = plen + zeros + n;
	if (s->zero && !s->left && s->prec < 0 && s->width > total) {
		zeros += s->width - total;
		total = s->width;
	}
	if (!s->left)
		pad(o, ' ', s->width - total);
	for (int i = 0; i < plen; i++)
		put(o, prefix[i]);
	pad(o, '0', zeros);
	while (n)
		put(o, tmp[--n]);
	if (s->left)
		pad(o, ' ', s->width - total);
}

static const char *parse_spec(const char *f, struct spec *s, va_list *ap)
{
	*s = (struct spec){ .prec = -1 };
	for (;; f++) {
		if (*f == '-')
			s->left = 1;
		else if (*f == '+')
			s->plus = 1;
		else if (*f == ' ')
			s->space = 1;
		else if (*f == '#')
			s->alt = 1;
		else if (*f == '0')
			s->zero = 1;
		else
			break;
	}
	if (*f == '*') {
		s->width = va_arg(*ap, int);
		if (s->width < 0) {
			s->left = 1;
			s->width = -s->width;
		}
		f++;
	} else {
		while (*f >= '0' && *f <= '9')
			s->width = s->width * 10 + (*f++ - '0');
	}
	if (*f == '.') {
		f++;
		s->prec = 0;
		if (*f == '*') {
			s->prec = va_arg(*ap, int);
			f++;
		} else {
			while (*f >= '0' && *f <= '9')
				s->prec = s->prec * 10 + (*f++ - '0');
		}
	}
	for (;; f++) {
		if (*f == 'h')
			s->len = s->len < 0 ? -2 : -1;
		else if (*f == 'l')
			s->len = s->len == 1 ? 2 : 1;
		else if (*f == 'z' || *f == 'j' || *f == 't')
			s->len = 3;
		else
			break;
	}
	return f;
}

static int64_t arg_signed(const struct spec *s, va_list *ap)
{
	switch (s->len) {
	case -2:
		return (signed char)va_arg(*ap, int);
	case -1:
		return (short)va_arg(*ap, int);
	case 0:
		return va_arg(*ap, int);
	case 1:
		return va_arg(*ap, long);
	default:
		return va_arg(*ap, long long);
	}
}

static uint64_t arg_unsigned(const struct spec *s, va_list *ap)
{
	switch (s->len) {
	case -2:
		return (unsigned char)va_arg(*ap, unsigned);
	case -1:
		return (unsigned short)va_arg(*ap, unsigned);
	case 0:
		return va_arg(*ap, unsigned);
	case 1:
		return va_arg(*ap, unsigned long);
	default:
		return va_arg(*ap, unsigned long long);
	}
}

static void convert(struct out *o, char c, struct spec *s, va_list *ap)
{
	switch (c) {
	case 'd':
	case 'i': {
		int64_t v = arg_signed(s, ap);
		emit_num(o, s, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, 0);
		break;
	}
	case 'u':
	case 'o':
	case 'x':
	case 'X':
		s->plus = s->space = 0; /* a sign or its space belongs to signed conversions only */
		emit_num(o, s, arg_unsigned(s, ap), 0, c == 'u' ? 10 : c == 'o' ? 8 : 16, c == 'X');
		break;
	case 'p':
		s->alt = 1;
		emit_num(o, s, (uintptr_t)va_arg(*ap, void *), 0, 16, 0);
		break;
	case 's':
		emit_str(o, s, va_arg(*ap, const char *));
		break;
	case 'c': {
		char ch[2] = { (char)va_arg(*ap, int), 0 };
		s->prec = 1;
		if (!s->left)
			pad(o, ' ', s->width - 1);
		put(o, ch[0]);
		if (s->left)
			pad(o, ' ', s->width - 1);
		break;
	}
	case '%':
		put(o, '%');
		break;
	default:
		/* unknown conversion: show it rather than guess its argument */
		put(o, '%');
		put(o, c);
	}
}

int fmt_vformat(fmt_sink sink, void *ctx, const char *fmt, va_list ap)
{
	struct out o = { sink, ctx, 0 };
	struct spec s;
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &s, &args);
		if (!*fmt)
			break;
		convert(&o, *fmt++, &s, &args);
	}
	va_end(args);
	return o.count;
}

struct buf {
	char *p;
	size_t n, used;
};

static void buf_sink(char c, void *ctx)
{
	struct buf *b = ctx;

	if (b->used + 1 < b->n)
		b->p[b->used] = c;
	b->used++;
}

int fmt_vsnprintf(char *p, size_t n, const char *fmt, va_list ap)
{
	struct buf b = { p, n, 0 };
	int r = fmt_vformat(buf_sink, &b, fmt, ap);

	if (n)
		p[b.used < n ? b.used : n - 1] = 0;
	return r;
}

int fmt_snprintf(char *p, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int r = fmt_vsnprintf(p, n, fmt, ap);
	va_end(ap);
	return r;
}

void fmt_size(char *buf, size_t n, unsigned long long bytes)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	unsigned u = 0;
	unsigned long long whole = bytes;

	while (whole >= 1024 && u < 6) {
		whole /= 1024;
		u++;
	}
	/*
	 * The tenth comes from everything below the unit, not just the last remainder, or
	 * 1.1006 MiB would print as 1 MiB. Truncated, so a size is never overstated; the
	 * remainder is below 2^60, so times 10 it still fits.
	 */
	unsigned long long unit = 1ull << (10 * u), rem = bytes & (unit - 1);
	unsigned tenth = (unsigned)(rem * 10 / unit);
	if (tenth)
		fmt_snprintf(buf, n, "%llu.%u %s", whole, tenth, units[u]);
	else
		fmt_snprintf(buf, n, "%llu %s", whole, units[u]);
}
