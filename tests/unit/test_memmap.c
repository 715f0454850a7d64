/* Tests memory-map sanitising (kernel/memmap.c): RAM from hostile maps, range subtraction. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>
#include "kernel/memmap.h"

#define RAM XEN_HVM_MEMMAP_TYPE_RAM
#define RES XEN_HVM_MEMMAP_TYPE_RESERVED
#define PG  4096ull

#define E(a, s, t) ((struct hvm_memmap_table_entry){ .addr = (a), .size = (s), .type = (t) })

static struct mem_range out[MEMMAP_RANGES_MAX + 1];
static struct memmap_report rep;

static int ranges(const struct hvm_memmap_table_entry *map, unsigned n, unsigned max)
{
	memset(out, 0xcc, sizeof(out));
	memset(&rep, 0xcc, sizeof(rep));
	return memmap_ram_ranges(map, n, out, max, &rep);
}

static void expect(int n, int want_n, const struct mem_range *want)
{
	cr_assert_eq(n, want_n, "%d ranges, want %d", n, want_n);
	for (int i = 0; i < n; i++) {
		cr_assert_eq(out[i].start, want[i].start, "range %d start %#llx, want %#llx", i,
			     (unsigned long long)out[i].start, (unsigned long long)want[i].start);
		cr_assert_eq(out[i].end, want[i].end, "range %d end %#llx, want %#llx", i,
			     (unsigned long long)out[i].end, (unsigned long long)want[i].end);
	}
}

#define R(...)	 ((const struct mem_range[]){ __VA_ARGS__ })
#define MAP(...) ((const struct hvm_memmap_table_entry[]){ __VA_ARGS__ })
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

Test(memmap, simple_map)
{
	static const struct hvm_memmap_table_entry m[] = {
		E(0, 0x9fc00, RAM),
		E(0x9fc00, 0x400, RES),
		E(0xf0000, 0x10000, RES),
		E(0x100000, 0x7f00000, RAM),
	};
	int n = ranges(m, COUNT(m), MEMMAP_RANGES_MAX);

	expect(n, 2, R({ 0, 0x9f000 }, { 0x100000, 0x8000000 }));
	cr_assert_eq(rep.zero_sized + rep.wrapped + rep.unsorted + rep.overlaps + rep.dropped, 0);
}

Test(memmap, empty_map)
{
	cr_assert_eq(ranges(NULL, 0, MEMMAP_RANGES_MAX), 0);
	cr_assert_eq(rep.zero_sized + rep.wrapped + rep.unsorted + rep.overlaps + rep.dropped, 0);
	/* only reserved entries */
	cr_assert_eq(ranges(MAP(E(0x1000, 0x1000, RES)), 1, MEMMAP_RANGES_MAX), 0);
}

Test(memmap, sorts)
{
	static const struct hvm_memmap_table_entry m[] = {
		E(0x300000, 0x100000, RAM),
		E(0x100000, 0x100000, RAM),
		E(0x500000, 0x100000, RAM),
		E(0x000000, 0x080000, RAM),
	};
	int n = ranges(m, COUNT(m), MEMMAP_RANGES_MAX);

	expect(n, 4,
	       R({ 0, 0x80000 }, { 0x100000, 0x200000 }, { 0x300000, 0x400000 },
		 { 0x500000, 0x600000 }));
	cr_assert_eq(rep.unsorted, 2);
	cr_assert_eq(rep.overlaps, 0);
}

Test(memmap, merges_overlapping_and_touching_ram)
{
	static const struct hvm_memmap_table_entry m[] = {
		E(0x100000, 0x200000, RAM), /* [1M,3M) */
		E(0x200000, 0x200000, RAM), /* [2M,4M): overlaps */
		E(0x400000, 0x100000, RAM), /* [4M,5M): touches */
		E(0x150000, 0x10000, RAM),  /* inside the first */
		E(0x800000, 0x1000, RAM),
	};
	int n = ranges(m, COUNT(m), MEMMAP_RANGES_MAX);

	expect(n, 2, R({ 0x100000, 0x500000 }, { 0x800000, 0x801000 }));
	cr_assert_eq(rep.overlaps, 2, "touching is not overlapping");
}

Test(memmap, reserved_inside_ram_splits)
{
	static const struct hvm_memmap_table_entry m[] = {
		E(0, 0x100000, RAM),
		E(0x40000, 0x8000, RES),
	};
	int n = ranges(m, COUNT(m), MEMMAP_RANGES_MAX);

	expect(n, 2, R({ 0, 0x40000 }, { 0x48000, 0x100000 }));
	cr_assert_eq(rep.overlaps, 1);
}

Test(memmap, reserved_wins_regardless_of_order_and_type)
{
	/* reservation listed first, unaligned, of every non-RAM type including unknown ones */
	static const struct hvm_memmap_table_entry m[] = {
		E(0x10800, 0x100, XEN_HVM_MEMMAP_TYPE_ACPI),
		E(0x20000, 0x1, XEN_HVM_MEMMAP_TYPE_NVS),
		E(0x30fff, 0x2, XEN_HVM_MEMMAP_TYPE_UNUSABLE),
		E(0x40000, 0x1000, XEN_HVM_MEMMAP_TYPE_DISABLED),
		E(0x50000, 0x1000, XEN_HVM_MEMMAP_TYPE_PMEM),
		E(0x60000, 0x1000, 0),
		E(0x70000, 0x1000, 99),
		E(0, 0x80000, RAM),
	};
	int n = ranges(m, COUNT(m), MEMMAP_RANGES_MAX);

	expect(n, 8,
	       R({ 0, 0x10000 }, { 0x11000, 0x20000 }, { 0x21000, 0x30000 }, { 0x32000, 0x40000 },
		 { 0x41000, 0x50000 }, { 0x51000, 0x60000 }, { 0x61000, 0x70000 },
		 { 0x71000, 0x80000 }));
	cr_assert_eq(rep.overlaps, 7);
}

Test(memmap, reserved_trims_and_removes)
{
	static const struct hvm_memmap_table_entry m[] = {
		E(0x100000, 0x100000, RAM), /* [1M,2M): lower part reserved */
		E(0x0f0000, 0x20000, RES),
		E(0x300000, 0x100000, RAM), /* [3M,4M): upper part reserved */
		E(0x3f0000, 0x20000, RES),
		E(0x500000, 0x100000, RAM), /* [5M,6M): all reserved */
		E(0x500000, 0x100000, RES),
		E(0x700000, 0x1000, RAM), /* several RAM ranges under one reservation */
		E(0x702000, 0x1000, RAM),
		E(0x6ff000, 0x10000, RES),
	};
	int n = ranges(m, COUNT(m), MEMMAP_RANGES_MAX);

	expect(n, 2, R({ 0x110000, 0x200000 }, { 0x300000, 0x3f0000 }));
}

Test(memmap, aligned_inward)
{
	static const struct hvm_memmap_table_entry m[] = {
		E(0x1001, 0x4ffe, RAM),	 /* [0x1001,0x5fff) -> [0x2000,0x5000) */
		E(0x10000, 0xfff, RAM),	 /* less than a page: gone */
		E(0x20800, 0x1000, RAM), /* a page's worth, straddling: gone */
		E(0x30000, 0x3000, RAM), /* reserved byte in the middle takes its whole page */
		E(0x31800, 1, RES),
	};
	int n = ranges(m, COUNT(m), MEMMAP_RANGES_MAX);

	expect(n, 3, R({ 0x2000, 0x5000 }, { 0x30000, 0x31000 }, { 0x32000, 0x33000 }));
}

Test(memmap, zero_sized_and_wrapping_counted)
{
	static const struct hvm_memmap_table_entry m[] = {
		E(0x100000, 0, RAM),
		E(0x200000, 0, RES),
		E(0xfffffffffffff000ull, 0x2000, RAM),
		E(0x8000000000000000ull, 0x8000000000000000ull, RAM), /* ends exactly at 2^64 */
		E(0x10000, 0x10000, RAM),
	};
	int n = ranges(m, COUNT(m), MEMMAP_RANGES_MAX);

	expect(n, 1, R({ 0x10000, 0x20000 }));
	cr_assert_eq(rep.zero_sized, 2);
	cr_assert_eq(rep.wrapped, 2);
}

Test(memmap, wrapping_reservation_still_reserves)
{
	/* a reservation running off the top still covers everything from its start upwards */
	static const struct hvm_memmap_table_entry m[] = {
		E(0xffffffff00000000ull, 0x10000000, RAM),
		E(0xffffffff08000000ull, 0x100000000ull, RES),
		E(0x100000, 0x100000, RAM),
	};
	int n = ranges(m, COUNT(m), MEMMAP_RANGES_MAX);

	expect(n, 2, R({ 0x100000, 0x200000 }, { 0xffffffff00000000ull, 0xffffffff08000000ull }));
	cr_assert_eq(rep.wrapped, 1);
}

Test(memmap, ram_near_top)
{
	/* the last page below 2^64 that can be described is usable */
	static const struct hvm_memmap_table_entry m[] = {
		E(0xffffffffffffe000ull, 0x1fff, RAM),
	};
	int n = ranges(m, COUNT(m), MEMMAP_RANGES_MAX);

	expect(n, 1, R({ 0xffffffffffffe000ull, 0xfffffffffffff000ull }));
	cr_assert_eq(rep.wrapped, 0);
	/* an unaligned start in the last page aligns up past anything representable */
	n = ranges(MAP(E(0xfffffffffffff001ull, 0xffe, RAM)), 1, MEMMAP_RANGES_MAX);
	cr_assert_eq(n, 0);
}

Test(memmap, output_full_drops_and_counts)
{
	static const struct hvm_memmap_table_entry m[] = {
		E(0x300000, 0x1000, RAM),
		E(0x100000, 0x1000, RAM),
		E(0x200000, 0x1000, RAM),
		E(0x400000, 0x1000, RAM),
	};
	int n = ranges(m, COUNT(m), 2);

	cr_assert_eq(n, 2);
	cr_assert_eq(rep.dropped, 2);
	cr_assert_eq(out[2].start, 0xccccccccccccccccull, "nothing written past max");
	/* what is kept is real RAM, sorted */
	cr_assert_lt(out[0].start, out[1].start);
	for (int i = 0; i < n; i++) {
		cr_assert_eq(out[i].end - out[i].start, 0x1000);
		cr_assert(out[i].start == 0x100000 || out[i].start == 0x200000 ||
			  out[i].start == 0x300000 || out[i].start == 0x400000);
	}
}

Test(memmap, output_full_while_splitting_never_hands_out_a_hole)
{
	static const struct hvm_memmap_table_entry m[] = {
		E(0, 0x10000, RAM),
		E(0x2000, 0x1000, RES),
		E(0x5000, 0x1000, RES),
	};
	int n = ranges(m, COUNT(m), 2);

	expect(n, 2, R({ 0, 0x2000 }, { 0x3000, 0x5000 }));
	cr_assert_eq(rep.dropped, 1);
	cr_assert_eq(out[2].start, 0xccccccccccccccccull, "nothing written past max");
}

Test(memmap, max_zero)
{
	cr_assert_eq(ranges(MAP(E(0x1000, 0x1000, RAM)), 1, 0), 0);
	cr_assert_eq(rep.dropped, 1);
}

/* ---- memmap_subtract ---- */

static struct mem_range r[8];

static int sub(int n, unsigned max, uint64_t s, uint64_t e, unsigned *lost)
{
	return memmap_subtract(r, n, max, s, e, lost);
}

static void expect_r(int n, int want_n, const struct mem_range *want)
{
	cr_assert_eq(n, want_n, "%d ranges, want %d", n, want_n);
	for (int i = 0; i < n; i++) {
		cr_assert_eq(r[i].start, want[i].start, "range %d start %#llx", i,
			     (unsigned long long)r[i].start);
		cr_assert_eq(r[i].end, want[i].end, "range %d end %#llx", i,
			     (unsigned long long)r[i].end);
	}
}

static int three(void)
{
	memset(r, 0xcc, sizeof(r));
	r[0] = (struct mem_range){ 0x1000, 0x5000 };
	r[1] = (struct mem_range){ 0x8000, 0xa000 };
	r[2] = (struct mem_range){ 0x10000, 0x20000 };
	return 3;
}

Test(memmap_subtract, split)
{
	unsigned lost = 0;
	int n = sub(three(), 8, 0x2000, 0x3000, &lost);

	expect_r(
	    n, 4,
	    R({ 0x1000, 0x2000 }, { 0x3000, 0x5000 }, { 0x8000, 0xa000 }, { 0x10000, 0x20000 }));
	cr_assert_eq(lost, 0);
}

Test(memmap_subtract, trim_low_and_high)
{
	unsigned lost = 0;
	int n = sub(three(), 8, 0x0, 0x2000, &lost);

	expect_r(n, 3, R({ 0x2000, 0x5000 }, { 0x8000, 0xa000 }, { 0x10000, 0x20000 }));
	n = sub(n, 8, 0x1f000, 0x30000, &lost);
	expect_r(n, 3, R({ 0x2000, 0x5000 }, { 0x8000, 0xa000 }, { 0x10000, 0x1f000 }));
	/* a hole spanning the gap trims both neighbours */
	n = sub(n, 8, 0x4000, 0x9000, &lost);
	expect_r(n, 3, R({ 0x2000, 0x4000 }, { 0x9000, 0xa000 }, { 0x10000, 0x1f000 }));
	cr_assert_eq(lost, 0);
}

Test(memmap_subtract, remove)
{
	unsigned lost = 0;
	int n = sub(three(), 8, 0x8000, 0xa000, &lost);

	expect_r(n, 2, R({ 0x1000, 0x5000 }, { 0x10000, 0x20000 }));
	n = sub(three(), 8, 0x0, 0xb000, &lost); /* two at once */
	expect_r(n, 1, R({ 0x10000, 0x20000 }));
	n = sub(three(), 8, 0x0, UINT64_MAX, &lost); /* everything */
	cr_assert_eq(n, 0);
	n = sub(three(), 8, 0x4000, 0x18000, &lost); /* trim, remove, trim */
	expect_r(n, 2, R({ 0x1000, 0x4000 }, { 0x18000, 0x20000 }));
	cr_assert_eq(lost, 0);
}

Test(memmap_subtract, no_overlap_or_empty_hole)
{
	unsigned lost = 0;
	const struct mem_range *same =
	    R({ 0x1000, 0x5000 }, { 0x8000, 0xa000 }, { 0x10000, 0x20000 });

	expect_r(sub(three(), 8, 0x5000, 0x8000, &lost), 3, same);   /* exactly the gap */
	expect_r(sub(three(), 8, 0x30000, 0x40000, &lost), 3, same); /* above all */
	expect_r(sub(three(), 8, 0x0, 0x1000, &lost), 3, same);	     /* below all */
	expect_r(sub(three(), 8, 0x3000, 0x3000, &lost), 3, same);   /* empty */
	expect_r(sub(three(), 8, 0x4000, 0x2000, &lost), 3, same);   /* inverted */
	expect_r(sub(0, 8, 0x0, 0x1000, &lost), 0, NULL);
	cr_assert_eq(lost, 0);
}

Test(memmap_subtract, no_room_drops_upper_part)
{
	unsigned lost = 0;
	int n = sub(three(), 3, 0x9000, 0x9800, &lost);

	/* the range above the hole cannot be stored: given up, never the hole handed out */
	expect_r(n, 3, R({ 0x1000, 0x5000 }, { 0x8000, 0x9000 }, { 0x10000, 0x20000 }));
	cr_assert_eq(lost, 1);
	cr_assert_eq(r[3].start, 0xccccccccccccccccull, "nothing written past max");
	/* NULL counter is allowed */
	n = sub(n, 3, 0x11000, 0x12000, NULL);
	expect_r(n, 3, R({ 0x1000, 0x5000 }, { 0x8000, 0x9000 }, { 0x10000, 0x11000 }));
}

Test(memmap, type_names)
{
	cr_assert_str_eq(memmap_type_name(RAM), "RAM");
	cr_assert_str_eq(memmap_type_name(RES), "reserved");
	cr_assert_str_eq(memmap_type_name(XEN_HVM_MEMMAP_TYPE_ACPI), "ACPI");
	cr_assert_str_eq(memmap_type_name(XEN_HVM_MEMMAP_TYPE_PMEM), "persistent");
	cr_assert_str_eq(memmap_type_name(8), "unknown");
	cr_assert_str_eq(memmap_type_name(UINT32_MAX), "unknown");
}

/* ---- property test over random maps ---- */

static uint64_t rng = 0x243f6a8885a308d3ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int valid(const struct hvm_memmap_table_entry *e)
{
	return e->size && e->addr + e->size > e->addr;
}

/* Is every byte of [s, e) inside some valid RAM entry? */
static int covered_by_ram(const struct hvm_memmap_table_entry *m, unsigned n, uint64_t s,
			  uint64_t e)
{
	while (s < e) {
		uint64_t next = s;

		for (unsigned i = 0; i < n; i++)
			if (m[i].type == RAM && valid(&m[i]) && m[i].addr <= s &&
			    s < m[i].addr + m[i].size && m[i].addr + m[i].size > next)
				next = m[i].addr + m[i].size;
		if (next == s)
			return 0;
		s = next;
	}
	return 1;
}

/* Does [s, e) touch any non-RAM entry? One running off the top reserves up to the top. */
static int touches_reserved(const struct hvm_memmap_table_entry *m, unsigned n, uint64_t s,
			    uint64_t e)
{
	for (unsigned i = 0; i < n; i++) {
		if (m[i].type == RAM || !m[i].size)
			continue;
		uint64_t end = m[i].addr + m[i].size;

		if (end < m[i].addr ? m[i].addr < e : (m[i].addr < e && s < end))
			return 1;
	}
	return 0;
}

static uint64_t rand_addr(void)
{
	switch (rnd() % 8) {
	case 0: /* near the top of the address space */
		return UINT64_MAX - (rnd() % (64 * PG));
	case 1: /* unaligned */
		return rnd() % (256 * PG);
	default:
		return (rnd() % 256) * PG;
	}
}

static uint64_t rand_size(void)
{
	switch (rnd() % 10) {
	case 0:
		return 0;
	case 1:
		return rnd() % PG;
	case 2:
		return rnd(); /* likely wraps */
	default:
		return (1 + rnd() % 32) * PG + (rnd() % 3 ? 0 : rnd() % PG);
	}
}

static uint32_t rand_type(void)
{
	uint32_t t = rnd() % 12;

	return t < 6 ? RAM : t < 11 ? t - 4 : 42;
}

Test(memmap, property_random_maps)
{
	static struct hvm_memmap_table_entry m[48];
	unsigned completeness_checked = 0;

	for (int iter = 0; iter < 3000; iter++) {
		unsigned n = rnd() % 48;
		unsigned max = rnd() % 4 ? MEMMAP_RANGES_MAX : 1 + rnd() % 6;

		for (unsigned i = 0; i < n; i++)
			m[i] = E(rand_addr(), rand_size(), rand_type());
		int k = ranges(m, n, max);

		cr_assert_geq(k, 0);
		cr_assert_leq((unsigned)k, max);
		for (int i = 0; i < k; i++) {
			const struct mem_range *x = &out[i];

			cr_assert_lt(x->start, x->end, "iter %d range %d empty", iter, i);
			cr_assert_eq(x->start % PG, 0, "iter %d range %d start unaligned", iter, i);
			cr_assert_eq(x->end % PG, 0, "iter %d range %d end unaligned", iter, i);
			if (i)
				cr_assert_leq(out[i - 1].end, x->start,
					      "iter %d: %d not sorted/disjoint", iter, i);
			cr_assert(covered_by_ram(m, n, x->start, x->end),
				  "iter %d range [%#llx,%#llx) not RAM", iter,
				  (unsigned long long)x->start, (unsigned long long)x->end);
			cr_assert(!touches_reserved(m, n, x->start, x->end),
				  "iter %d range [%#llx,%#llx) overlaps a reservation", iter,
				  (unsigned long long)x->start, (unsigned long long)x->end);
		}

		/* counters agree with the map */
		unsigned zero = 0, wrap = 0;
		for (unsigned i = 0; i < n; i++) {
			zero += m[i].size == 0;
			wrap += m[i].size && m[i].addr + m[i].size < m[i].addr;
		}
		cr_assert_eq(rep.zero_sized, zero, "iter %d", iter);
		cr_assert_eq(rep.wrapped, wrap, "iter %d", iter);

		/* nothing usable is lost when nothing was dropped: check every low and top page */
		if (rep.dropped)
			continue;
		completeness_checked++;
		for (uint64_t j = 0; j < 300; j++) {
			uint64_t p = j < 280 ? j * PG : UINT64_MAX - (j - 280 + 2) * PG + 1;

			if (!covered_by_ram(m, n, p, p + PG) || touches_reserved(m, n, p, p + PG))
				continue;
			int found = 0;
			for (int i = 0; i < k; i++)
				found |= out[i].start <= p && p + PG <= out[i].end;
			cr_assert(found, "iter %d: usable page %#llx missing", iter,
				  (unsigned long long)p);
		}
	}
	cr_assert_gt(completeness_checked, 1000, "the generator exercises the complete case");
}

/* ---- coverage queries (startinfo_check_memory's) ---- */

Test(memmap, covered_and_in_ram)
{
	static const struct hvm_memmap_table_entry m[] = {
		E(0x100000, 0x100000, RAM), E(0x200000, 0x100000, RAM), /* touching */
		E(0x180000, 0x1000, RES),   E(0x400000, 0x1000, XEN_HVM_MEMMAP_TYPE_ACPI),
		E(0x500000, 0, RAM),	    E(~0ull - 0xfff, 0x2000, RAM), /* wraps: junk */
	};
	uint32_t ram = MEMMAP_BIT(RAM);

	cr_assert(memmap_covered(m, COUNT(m), 0x100000, 0x300000, ram));
	cr_assert(memmap_covered(m, COUNT(m), 0x1ff000, 0x201000, ram));
	cr_assert_not(memmap_covered(m, COUNT(m), 0xff000, 0x101000, ram));
	cr_assert_not(memmap_covered(m, COUNT(m), 0x2ff000, 0x301000, ram));
	cr_assert_not(memmap_covered(m, COUNT(m), 0x100000, 0x100000, ram)); /* empty */
	cr_assert_not(memmap_covered(m, COUNT(m), 0x500000, 0x500001, ram)); /* zero-sized */
	cr_assert_not(memmap_covered(m, COUNT(m), ~0ull - 0xfff, ~0ull, ram));
	cr_assert_not(memmap_covered(m, COUNT(m), 0x400000, 0x400010, ram));
	cr_assert(memmap_covered(m, COUNT(m), 0x400000, 0x400010, MEMMAP_FIRMWARE));
	/* RAM, but a reservation inside wins */
	cr_assert(memmap_in_ram(m, COUNT(m), 0x100000, 0x180000));
	cr_assert_not(memmap_in_ram(m, COUNT(m), 0x17f000, 0x181000));
	cr_assert(memmap_in_ram(m, COUNT(m), 0x181000, 0x300000));
}
