/* Tests the freestanding formatter (base/fmt.c) against the host libc's snprintf, and fmt_size. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/fmt.h"

/* Formats with both implementations and demands the same text and the same return value. */
#define SAME(...)                                                                                  \
	do {                                                                                       \
		char want_[512], got_[512];                                                        \
		int wr_ = snprintf(want_, sizeof(want_), __VA_ARGS__);                             \
		memset(got_, 0x55, sizeof(got_));                                                  \
		int gr_ = fmt_snprintf(got_, sizeof(got_), __VA_ARGS__);                           \
		cr_assert_str_eq(got_, want_, "format %s", #__VA_ARGS__);                          \
		cr_assert_eq(gr_, wr_, "return of %s: %d, libc %d", #__VA_ARGS__, gr_, wr_);       \
	} while (0)

Test(fmt, integers_d_i)
{
	SAME("%d", 0);
	SAME("%d", 42);
	SAME("%d", -42);
	SAME("%i", -7);
	SAME("%d", INT_MAX);
	SAME("%d", INT_MIN);
	SAME("%ld", LONG_MIN);
	SAME("%lld", (long long)INT64_MIN);
	SAME("%lld", (long long)INT64_MAX);
	SAME("%" PRId64, INT64_MIN);
	SAME("[%5d]", 42);
	SAME("[%-5d]", 42);
	SAME("[%05d]", -42);
	SAME("[%+d]", 42);
	SAME("[%+d]", -42);
	SAME("[% d]", 42);
	SAME("[%.3d]", 7);
	SAME("[%8.3d]", -7);
	SAME("[%-8.3d]", -7);
	SAME("[%.0d]", 0);
	SAME("[%5.0d]", 0);
	SAME("[%+.0d]", 0);
	SAME("[%.0d]", 1);
	SAME("[%3d]", 12345); /* width smaller than the number */
}

Test(fmt, integers_unsigned)
{
	SAME("%u", 0u);
	SAME("%u", UINT_MAX);
	SAME("%lu", ULONG_MAX);
	SAME("%llu", ULLONG_MAX);
	SAME("%x", 0xdeadbeefu);
	SAME("%X", 0xdeadbeefu);
	SAME("%#x", 0xabcu);
	SAME("%#X", 0xabcu);
	SAME("%#x", 0u);
	SAME("[%#10x]", 0x1fu);
	SAME("[%#-10x]", 0x1fu);
	SAME("[%#010x]", 0x1fu);
	SAME("[%#.6x]", 0x1fu);
	SAME("[%#.0x]", 0u);
	SAME("[%.0x]", 0u);
	SAME("%o", 8u);
	SAME("%o", 0u);
	SAME("%#o", 8u);
	SAME("%#o", 0u);
	SAME("[%#.5o]", 8u); /* # only raises the precision when needed */
	SAME("[%#.0o]", 0u); /* # still prints the 0 */
	SAME("[%#08o]", 8u);
	SAME("%llx", 0xffffffffffffffffull);
	SAME("%llo", 0xffffffffffffffffull);
	SAME("[%20llu]", 18446744073709551615ull);
}

Test(fmt, length_modifiers)
{
	SAME("%hhd", 200); /* converted to signed char */
	SAME("%hhu", 511); /* converted to unsigned char */
	SAME("%hhx", 0x1ff);
	SAME("%hd", 40000); /* converted to short */
	SAME("%hu", 70000);
	SAME("%hx", 0x12345);
	SAME("%ld", -1234567890123L);
	SAME("%lx", 0x123456789abcdefUL);
	SAME("%lld", -1234567890123456789LL);
	SAME("%zu", (size_t)SIZE_MAX);
	SAME("%zx", (size_t)0x1234);
	SAME("%zd", (ssize_t)-5);
	SAME("%jd", (intmax_t)INTMAX_MIN);
	SAME("%ju", (uintmax_t)UINTMAX_MAX);
	SAME("%td", (ptrdiff_t)-99);
	SAME("%tx", (ptrdiff_t)0x99);
	/* several conversions in a row keep the argument list in step */
	SAME("%hhd %lld %d %zu %s", 1, 2LL, 3, (size_t)4, "five");
}

Test(fmt, strings_chars_percent)
{
	static const char hello[] = "hello";

	SAME("%s", hello);
	SAME("%s", "");
	SAME("[%10s]", hello);
	SAME("[%-10s]", hello);
	SAME("[%.3s]", hello);
	SAME("[%10.3s]", hello);
	SAME("[%-10.3s]", hello);
	SAME("[%.0s]", hello);
	SAME("[%.10s]", hello);
	SAME("%c", 'x');
	SAME("[%5c]", 'x');
	SAME("[%-5c]", 'x');
	SAME("%%");
	SAME("100%% sure %d%%", 5);
	SAME("plain text, no conversions");
	SAME("%s=%d, %c%c", "key", 1, 'o', 'k');
}

Test(fmt, null_string)
{
	char buf[64];
	const char *volatile null = NULL; /* hidden from the compiler's format checks */

	cr_assert_eq(fmt_snprintf(buf, sizeof(buf), "[%s]", null), 8);
	cr_assert_str_eq(buf, "[(null)]");
	cr_assert_eq(fmt_snprintf(buf, sizeof(buf), "[%8s]", null), 10);
	cr_assert_str_eq(buf, "[  (null)]");
}

Test(fmt, precision_string_not_terminated)
{
	/* with a precision the array need not hold a NUL (C11 7.21.6.1): read nothing past it */
	char *abc = malloc(3);
	char buf[16];

	memcpy(abc, "abc", 3);
	cr_assert_eq(fmt_snprintf(buf, sizeof(buf), "[%.3s]", abc), 5);
	cr_assert_str_eq(buf, "[abc]");
	cr_assert_eq(fmt_snprintf(buf, sizeof(buf), "[%.2s]", abc), 4);
	cr_assert_str_eq(buf, "[ab]");
	free(abc);
}

Test(fmt, star_width_and_precision)
{
	SAME("[%*d]", 6, 42);
	SAME("[%*d]", -6, 42); /* negative width: left-justified */
	SAME("[%-*d]", 6, 42);
	SAME("[%.*d]", 4, 42);
	SAME("[%.*d]", -1, 42); /* negative precision: as if none */
	SAME("[%*.*d]", 8, 4, -42);
	SAME("[%*s]", 7, "ab");
	SAME("[%.*s]", 2, "abcdef");
	SAME("[%*.*s]", -7, 3, "abcdef");
	SAME("[%0*d]", 6, -3);
	SAME("[%.*s|%d]", -1, "abc", 9);
}

Test(fmt, flags_that_cancel)
{
	/* defined by C, though gcc warns about them */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
	SAME("[%+ d]", 42); /* ' ' ignored with '+' */
	SAME("[% +d]", -42);
	SAME("[%08.3d]", 7); /* 0 ignored when a precision is given */
	SAME("[%08.3x]", 7u);
	SAME("[%-05d]", 7); /* 0 ignored with - */
	SAME("[%0-5d]", -7);
#pragma GCC diagnostic pop
}

Test(fmt, pointers)
{
	int x;
	void *p = &x;

	SAME("%p", p);
	SAME("[%20p]", p);
	SAME("[%-20p]", p);
	SAME("%p", (void *)0x1234);
	SAME("%p", (void *)UINTPTR_MAX);
}

Test(fmt, plus_space_on_unsigned_ignored)
{
	/* C: '+' and ' ' only affect signed conversions; non-literal formats escape gcc's check */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
	SAME("[%+u]", 5u);
	SAME("[% u]", 5u);
	SAME("[%+x]", 0x5u);
	SAME("[% X]", 0xau);
	SAME("[%+o]", 8u);
	SAME("[%+5u]", 5u);
#pragma GCC diagnostic pop
}

Test(fmt, truncation)
{
	char buf[8];
	int r;

	memset(buf, 'Z', sizeof(buf));
	r = fmt_snprintf(buf, 4, "%d", 123456);
	cr_assert_eq(r, 6, "returns the length it wanted");
	cr_assert_str_eq(buf, "123");
	cr_assert_eq(buf[4], 'Z', "nothing written past n");

	memset(buf, 'Z', sizeof(buf));
	r = fmt_snprintf(buf, 1, "%s", "abc");
	cr_assert_eq(r, 3);
	cr_assert_eq(buf[0], 0, "n=1 still NUL-terminates");
	cr_assert_eq(buf[1], 'Z');

	memset(buf, 'Z', sizeof(buf));
	r = fmt_snprintf(buf, 0, "%s", "abc");
	cr_assert_eq(r, 3);
	cr_assert_eq(buf[0], 'Z', "n=0 writes nothing");
	cr_assert_eq(fmt_snprintf(NULL, 0, "%d-%d", 10, 20), 5, "n=0 accepts a NULL buffer");

	/* exact fit: 7 characters + NUL in 8 bytes */
	memset(buf, 'Z', sizeof(buf));
	r = fmt_snprintf(buf, 8, "%s", "1234567");
	cr_assert_eq(r, 7);
	cr_assert_str_eq(buf, "1234567");
	/* one too many */
	r = fmt_snprintf(buf, 8, "%s", "12345678");
	cr_assert_eq(r, 8);
	cr_assert_str_eq(buf, "1234567");
}

Test(fmt, truncation_matches_libc_for_every_size)
{
	static const char *const f = "%-6s|%#08x|%+d|%c";

	for (size_t n = 0; n <= 32; n++) {
		char want[40], got[40];

		memset(want, 'Q', sizeof(want));
		memset(got, 'Q', sizeof(got));
		int wr = snprintf(want, n, f, "ab", 0xbeefu, -3, 'z');
		int gr = fmt_snprintf(got, n, f, "ab", 0xbeefu, -3, 'z');
		cr_assert_eq(gr, wr, "n=%zu", n);
		cr_assert_eq(memcmp(got, want, sizeof(got)), 0, "n=%zu: '%.*s' vs '%.*s'", n,
			     (int)n, got, (int)n, want);
	}
}

struct sink_buf {
	char s[64];
	int n;
};

static void to_buf(char c, void *ctx)
{
	struct sink_buf *b = ctx;

	b->s[b->n++] = c;
}

static int vformat(struct sink_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int r = fmt_vformat(to_buf, b, fmt, ap);
	va_end(ap);
	return r;
}

Test(fmt, vformat_sink_count)
{
	struct sink_buf b = { .n = 0 };

	cr_assert_eq(vformat(&b, "%s:%03d", "ab", 7), 6);
	cr_assert_eq(b.n, 6);
	cr_assert_eq(memcmp(b.s, "ab:007", 6), 0);
}

static void check_size(unsigned long long bytes, const char *want)
{
	char buf[32];

	memset(buf, 'Z', sizeof(buf));
	fmt_size(buf, sizeof(buf), bytes);
	cr_assert_str_eq(buf, want, "fmt_size(%llu)", bytes);
}

Test(fmt, size_examples)
{
	check_size(0, "0 B");
	check_size(1, "1 B");
	check_size(1023, "1023 B");
	check_size(1024, "1 KiB");
	check_size(1536, "1.5 KiB");
	check_size(1024 + 102, "1 KiB");   /* 1.0996 KiB: truncated to 1.0, printed whole */
	check_size(1024 + 103, "1.1 KiB"); /* 1.1006 KiB */
	check_size(2047, "1.9 KiB");	   /* 1.999 KiB: truncated, never rounded up to 2 */
	check_size(640 * 1024, "640 KiB");
	check_size(1024 * 1024, "1 MiB");
	check_size(1024 * 1024 - 1, "1023.9 KiB");
	/* 127.3 MiB: 127 MiB + 0.3 * 1 MiB rounded up to a whole byte */
	check_size(127ull * 1048576 + 314573, "127.3 MiB");
	check_size(127ull * 1048576 + 314572, "127.2 MiB"); /* a byte short of 0.3 */
	check_size(4ull << 30, "4 GiB");
	check_size((4ull << 30) + (1ull << 29), "4.5 GiB");
	check_size(1ull << 40, "1 TiB");
	check_size(1ull << 50, "1 PiB");
	check_size(1ull << 60, "1 EiB");
	check_size(ULLONG_MAX, "15.9 EiB");
}

Test(fmt, size_tenth_uses_every_lower_unit)
{
	/*
	 * 1 MiB + 102 KiB + 1023 B = 1.10058 MiB: the tenth is 1 although the KiB part alone
	 * (102/1024 = 0.0996) would say 0
	 */
	check_size(1048576 + 102 * 1024 + 1023, "1.1 MiB");
	check_size((1ull << 30) + 102 * 1048576 + 1048575, "1.1 GiB");
}

Test(fmt, size_property_never_overstated)
{
	/* for many values, parse the output back and check it is the truncation to one decimal */
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	uint64_t x = 0x9e3779b97f4a7c15ull;

	for (int i = 0; i < 20000; i++) {
		char buf[32], unit[8];
		unsigned long long whole;
		unsigned tenth = 0;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		uint64_t bytes = x >> (x % 64);

		fmt_size(buf, sizeof(buf), bytes);
		if (sscanf(buf, "%llu.%u %7s", &whole, &tenth, unit) != 3) {
			tenth = 0;
			cr_assert_eq(sscanf(buf, "%llu %7s", &whole, unit), 2, "'%s'", buf);
		}
		int u = -1;
		for (int k = 0; k < 7; k++)
			if (!strcmp(unit, units[k]))
				u = k;
		cr_assert_geq(u, 0, "unit in '%s'", buf);
		cr_assert_lt(tenth, 10u);
		/* exact: value*10 truncated, computed in 128-bit arithmetic */
		unsigned __int128 scale = (unsigned __int128)1 << (10 * u);
		unsigned __int128 tenths = (unsigned __int128)bytes * 10 / scale;
		cr_assert(tenths == (unsigned __int128)whole * 10 + tenth, "%llu -> '%s'",
			  (unsigned long long)bytes, buf);
		cr_assert(u == 6 || whole < 1024, "unit too small in '%s'", buf);
		cr_assert(u == 0 || whole >= 1, "unit too large in '%s'", buf);
	}
}

Test(fmt, size_small_buffer)
{
	char buf[4];

	fmt_size(buf, sizeof(buf), 1536);
	cr_assert_str_eq(buf, "1.5");
}
