/* Tests symbol lookup for backtraces (kernel/ksyms.c): before, on, between and past the symbols. */
#include <criterion/criterion.h>
#include <stdint.h>
#include "kernel/ksyms.h"

static const uint64_t addrs[] = { 0x1000, 0x1010, 0x1080, 0x2000, 0x2000, 0x2400 };
static const char names[] = "start\0"
			    "f1\0"
			    "f2\0"
			    "alias_a\0"
			    "alias_b\0"
			    "last";
static const uint32_t offs[] = { 0, 6, 9, 12, 20, 28 };
static const struct ksym_table tab = { 6, addrs, offs, names, 0x3000 };

static void hit(uint64_t addr, const char *name, uint64_t off)
{
	uint64_t o = 0xdead;
	const char *n = ksym_lookup(&tab, addr, &o);

	cr_assert_not_null(n, "%#lx", (unsigned long)addr);
	cr_assert_str_eq(n, name, "%#lx", (unsigned long)addr);
	cr_assert_eq(o, off, "%#lx: off %#lx", (unsigned long)addr, (unsigned long)o);
}

static void miss(const struct ksym_table *t, uint64_t addr)
{
	uint64_t o = 0xdead;

	cr_assert_null(ksym_lookup(t, addr, &o), "%#lx", (unsigned long)addr);
	cr_assert_eq(o, 0xdead, "off untouched on a miss");
}

Test(ksyms, before_first)
{
	miss(&tab, 0);
	miss(&tab, 0xfff);
}

Test(ksyms, exact_hits)
{
	hit(0x1000, "start", 0);
	hit(0x1010, "f1", 0);
	hit(0x1080, "f2", 0);
	hit(0x2400, "last", 0);
}

Test(ksyms, between)
{
	hit(0x1001, "start", 1);
	hit(0x100f, "start", 0xf);
	hit(0x1011, "f1", 1);
	hit(0x107f, "f1", 0x6f);
	hit(0x1fff, "f2", 0xf7f);
	hit(0x23ff, "alias_b", 0x3ff); /* equal addresses: the last of them names the range */
	hit(0x2fff, "last", 0xbff);
}

Test(ksyms, at_and_after_text_end)
{
	miss(&tab, 0x3000);
	miss(&tab, 0x3001);
	miss(&tab, UINT64_MAX);
}

Test(ksyms, empty_table)
{
	static const struct ksym_table empty = { 0, NULL, NULL, NULL, 0 };
	static const struct ksym_table empty_end = { 0, NULL, NULL, NULL, UINT64_MAX };

	miss(&empty, 0);
	miss(&empty, 0x1000);
	miss(&empty_end, 0x1000);
}

Test(ksyms, single_symbol)
{
	static const uint64_t a[] = { 0x500 };
	static const uint32_t o[] = { 0 };
	static const struct ksym_table one = { 1, a, o, "only", 0x600 };
	uint64_t off = 7;

	cr_assert_null(ksym_lookup(&one, 0x4ff, &off));
	cr_assert_str_eq(ksym_lookup(&one, 0x500, &off), "only");
	cr_assert_eq(off, 0);
	cr_assert_str_eq(ksym_lookup(&one, 0x5ff, &off), "only");
	cr_assert_eq(off, 0xff);
	cr_assert_null(ksym_lookup(&one, 0x600, &off));
}

Test(ksyms, every_address_against_linear_scan)
{
	for (uint64_t a = 0xf00; a < 0x3100; a++) {
		int want = -1;

		for (int i = 0; i < 6; i++)
			if (addrs[i] <= a)
				want = i;
		if (a >= tab.text_end)
			want = -1;
		uint64_t off = 0;
		const char *n = ksym_lookup(&tab, a, &off);
		if (want < 0) {
			cr_assert_null(n, "%#lx", (unsigned long)a);
		} else {
			cr_assert_eq(n, names + offs[want], "%#lx", (unsigned long)a);
			cr_assert_eq(off, a - addrs[want]);
		}
	}
}
