/* Memory-map sanitising: the start info's map is not sorted, may overlap and may carry junk entries. */
#include <stddef.h>
#include "kernel/memmap.h"

#define PAGE_SIZE 4096ull

static uint64_t align_up(uint64_t v)
{
	return v > UINT64_MAX - (PAGE_SIZE - 1) ? UINT64_MAX & ~(PAGE_SIZE - 1)
						: (v + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

static void sort_ranges(struct mem_range *r, int n)
{
	/* insertion sort: maps have tens of entries */
	for (int i = 1; i < n; i++) {
		struct mem_range k = r[i];
		int j = i - 1;

		for (; j >= 0 && r[j].start > k.start; j--)
			r[j + 1] = r[j];
		r[j + 1] = k;
	}
}

/* Merges overlapping or touching ranges of a sorted list; counts real overlaps. */
static int merge_ranges(struct mem_range *r, int n, unsigned *overlaps)
{
	int out = 0;

	for (int i = 0; i < n; i++) {
		if (out && r[i].start <= r[out - 1].end) {
			if (r[i].start < r[out - 1].end)
				(*overlaps)++;
			if (r[i].end > r[out - 1].end)
				r[out - 1].end = r[i].end;
		} else {
			r[out++] = r[i];
		}
	}
	return out;
}

int memmap_subtract(struct mem_range *r, int n, unsigned max, uint64_t start, uint64_t end,
		    unsigned *lost)
{
	for (int i = 0; i < n && start < end; i++) {
		if (r[i].end <= start || r[i].start >= end)
			continue;
		if (r[i].start < start && r[i].end > end) {
			/* the hole splits the range in two; with no room, the upper part is given up */
			if ((unsigned)n < max) {
				for (int j = n; j > i + 1; j--)
					r[j] = r[j - 1];
				r[i + 1] = (struct mem_range){ end, r[i].end };
				n++;
			} else if (lost) {
				(*lost)++;
			}
			r[i].end = start;
			return n;
		}
		if (r[i].start < start) {
			r[i].end = start;
		} else if (r[i].end > end) {
			r[i].start = end;
		} else {
			for (int j = i; j < n - 1; j++)
				r[j] = r[j + 1];
			n--;
			i--;
		}
	}
	return n;
}

static int intersects(const struct mem_range *r, int n, uint64_t start, uint64_t end)
{
	for (int i = 0; i < n; i++)
		if (r[i].start < end && start < r[i].end)
			return 1;
	return 0;
}

static int entry_ok(const struct hvm_memmap_table_entry *e, struct memmap_report *rep)
{
	if (e->size == 0) {
		rep->zero_sized++;
		return 0;
	}
	if (e->addr + e->size < e->addr) {
		rep->wrapped++;
		return 0;
	}
	return 1;
}

int memmap_ram_ranges(const struct hvm_memmap_table_entry *map, unsigned n, struct mem_range *out,
		      unsigned max, struct memmap_report *rep)
{
	int count = 0;

	*rep = (struct memmap_report){ 0 };
	for (unsigned i = 0; i < n; i++) {
		if (i && map[i].addr < map[i - 1].addr)
			rep->unsorted++;
		if (!entry_ok(&map[i], rep) || map[i].type != XEN_HVM_MEMMAP_TYPE_RAM)
			continue;
		if ((unsigned)count == max) {
			rep->dropped++;
			continue;
		}
		out[count++] = (struct mem_range){ map[i].addr, map[i].addr + map[i].size };
	}
	sort_ranges(out, count);
	count = merge_ranges(out, count, &rep->overlaps);

	/* a range both RAM and reserved is not ours to use */
	for (unsigned i = 0; i < n; i++) {
		const struct hvm_memmap_table_entry *e = &map[i];
		uint64_t end = e->addr + e->size;

		if (e->type == XEN_HVM_MEMMAP_TYPE_RAM || e->size == 0)
			continue;
		/* one running off the top (counted above) still reserves all from its start */
		if (end < e->addr)
			end = UINT64_MAX;
		if (!intersects(out, count, e->addr, end))
			continue;
		rep->overlaps++;
		count = memmap_subtract(out, count, max, e->addr, end, &rep->dropped);
	}

	/* only whole pages are usable */
	int k = 0;
	for (int i = 0; i < count; i++) {
		uint64_t s = align_up(out[i].start), e = out[i].end & ~(PAGE_SIZE - 1);

		if (s < e)
			out[k++] = (struct mem_range){ s, e };
	}
	return k;
}

int memmap_covered(const struct hvm_memmap_table_entry *map, unsigned n, uint64_t start,
		   uint64_t end, uint32_t types)
{
	if (start >= end)
		return 0;
	/* walk up from start through entries that contain it: O(n^2), maps have tens of entries */
	while (start < end) {
		uint64_t reach = start;

		for (unsigned i = 0; i < n; i++) {
			const struct hvm_memmap_table_entry *e = &map[i];

			/* a wrapping entry is junk (memmap_ram_ranges drops it): it covers nothing */
			if (e->type >= 32 || !(types & MEMMAP_BIT(e->type)) ||
			    e->addr + e->size < e->addr)
				continue;
			if (e->addr <= start && e->addr + e->size > reach)
				reach = e->addr + e->size;
		}
		if (reach == start)
			return 0;
		start = reach;
	}
	return 1;
}

int memmap_in_ram(const struct hvm_memmap_table_entry *map, unsigned n, uint64_t start,
		  uint64_t end)
{
	if (!memmap_covered(map, n, start, end, MEMMAP_BIT(XEN_HVM_MEMMAP_TYPE_RAM)))
		return 0;
	for (unsigned i = 0; i < n; i++) {
		const struct hvm_memmap_table_entry *e = &map[i];
		uint64_t e_end = e->addr + e->size < e->addr ? UINT64_MAX : e->addr + e->size;

		if (e->type != XEN_HVM_MEMMAP_TYPE_RAM && e->size && e->addr < end && start < e_end)
			return 0;
	}
	return 1;
}

const char *memmap_type_name(uint32_t type)
{
	static const char *const names[] = { "?",   "RAM",	"reserved", "ACPI",
					     "NVS", "unusable", "disabled", "persistent" };

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "unknown";
}
