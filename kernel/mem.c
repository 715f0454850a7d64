/* Memory bring-up: usable RAM = the map's RAM minus the image, modules, ACPI root, pmem's own data. */
#include "base/fmt.h"
#include "kernel/heap.h"
#include "kernel/mem.h"
#include "kernel/memmap.h"
#include "kernel/pmem.h"
#include "kernel/printk.h"

extern char _image_start[], _end[];

static struct mem_range ranges[MEMMAP_RANGES_MAX];

static void report_map(const struct memmap_report *r)
{
	if (r->zero_sized)
		pr_warn("memory map: %u zero-sized entries ignored\n", r->zero_sized);
	if (r->wrapped)
		pr_warn("memory map: %u entries past the end of the address space ignored\n",
			r->wrapped);
	if (r->unsorted)
		pr_debug("memory map: not sorted (%u entries out of order), sorted here\n",
			 r->unsorted);
	if (r->overlaps)
		pr_warn("memory map: %u overlapping entries; reserved ranges win over RAM\n",
			r->overlaps);
	if (r->dropped)
		pr_warn("memory map: too fragmented, %u ranges given up\n", r->dropped);
}

static int reserve(int n, uint64_t start, uint64_t end, unsigned *lost)
{
	return memmap_subtract(ranges, n, MEMMAP_RANGES_MAX, start & ~(PAGE_SIZE - 1),
			       (end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1), lost);
}

/* Takes pmem's bookkeeping from the first range big enough; returns its address, or 0. */
static uint64_t place_meta(int n, uint64_t bytes)
{
	for (int i = 0; i < n; i++)
		if (ranges[i].end - ranges[i].start >= bytes)
			return ranges[i].start;
	return 0;
}

uint64_t mem_init(const struct bootinfo *bi)
{
	struct memmap_report rep;
	unsigned lost = 0;
	int n = memmap_ram_ranges(bi->memmap, bi->memmap_entries, ranges, MEMMAP_RANGES_MAX, &rep);

	report_map(&rep);
	if (n <= 0)
		return 0;
	uint64_t top = ranges[n - 1].end;

	n = reserve(n, 0, PAGE_SIZE, &lost); /* unmapped, so null pointers fault */
	n = reserve(n, (uintptr_t)_image_start, (uintptr_t)_end, &lost);
	for (unsigned i = 0; i < bi->nr_modules; i++)
		n = reserve(n, bi->modules[i].paddr, bi->modules[i].paddr + bi->modules[i].size,
			    &lost);
	if (bi->rsdp_paddr)
		n = reserve(n, bi->rsdp_paddr, bi->rsdp_paddr + 36, &lost);

	/* reserved, not written: pmem builds a chunk's bits when it first allocates there */
	uint64_t bytes = pmem_meta_bytes(top, PMEM_CHUNK_SHIFT), meta = place_meta(n, bytes);
	if (!meta)
		return 0;
	n = reserve(n, meta, meta + bytes, &lost);
	if (lost)
		pr_warn("memory: %u ranges given up while reserving\n", lost);

	pmem_init(&kernel_pmem, (void *)(uintptr_t)meta, top, PMEM_CHUNK_SHIFT);
	for (int i = 0; i < n; i++)
		pmem_add_free(&kernel_pmem, ranges[i].start, ranges[i].end);

	char total[24];
	fmt_size(total, sizeof(total), kernel_pmem.free_pages * PAGE_SIZE);
	pr_info("memory: %s free in %d ranges, RAM up to %#lx\n", total, n, top);
	return top;
}
