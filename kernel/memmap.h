/* Turns the loader's memory map into sorted, disjoint, page-aligned RAM ranges the allocator can use. */
#ifndef KERNEL_MEMMAP_H
#define KERNEL_MEMMAP_H

#include <stdint.h>
#include <xen/xen.h>
#include <xen/arch-x86/hvm/start_info.h>

#define MEMMAP_RANGES_MAX 256

struct mem_range {
	uint64_t start, end; /* [start, end) */
};

/* what was wrong with the map; the caller reports it */
struct memmap_report {
	unsigned zero_sized; /* entries with size 0, ignored */
	unsigned wrapped;    /* entries running past the end of the address space, ignored */
	unsigned unsorted;   /* entries out of address order (sorted here) */
	unsigned overlaps;   /* RAM entries overlapping each other or a non-RAM entry */
	unsigned dropped;    /* ranges lost because the output was full */
};

/*
 * RAM ranges from the map: zero-sized entries and wrapping RAM entries dropped, overlapping RAM
 * merged, anything also covered by a non-RAM entry removed (a reservation wins; one that wraps
 * reserves everything above its start), page-aligned inward.
 * Returns the number of ranges in out.
 */
int memmap_ram_ranges(const struct hvm_memmap_table_entry *map, unsigned n, struct mem_range *out,
		      unsigned max, struct memmap_report *rep);

/*
 * Removes [start, end) from a sorted range list, splitting as needed; returns the new count.
 * When a split does not fit in max, the part above the hole is dropped and *lost counted:
 * memory may be lost, but a hole is never handed out.
 */
int memmap_subtract(struct mem_range *r, int n, unsigned max, uint64_t start, uint64_t end,
		    unsigned *lost);

/*
 * 1 when [start, end) lies wholly inside entries of the map whose type bit (1 << type) is in
 * types, else 0: a hole between entries, a range past the last one or an empty range is 0.
 */
int memmap_covered(const struct hvm_memmap_table_entry *map, unsigned n, uint64_t start,
		   uint64_t end, uint32_t types);
#define MEMMAP_BIT(type) (1u << (type))
/* Where firmware tables may lie: RAM, reserved, ACPI (reclaimable), ACPI NVS. */
#define MEMMAP_FIRMWARE                                                                            \
	(MEMMAP_BIT(XEN_HVM_MEMMAP_TYPE_RAM) | MEMMAP_BIT(XEN_HVM_MEMMAP_TYPE_RESERVED) |          \
	 MEMMAP_BIT(XEN_HVM_MEMMAP_TYPE_ACPI) | MEMMAP_BIT(XEN_HVM_MEMMAP_TYPE_NVS))
/* 1 when [start, end) is RAM by the map and no other entry claims any of it (a reservation wins). */
int memmap_in_ram(const struct hvm_memmap_table_entry *map, unsigned n, uint64_t start,
		  uint64_t end);

const char *memmap_type_name(uint32_t type);

#endif
