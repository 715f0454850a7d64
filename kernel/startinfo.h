/* What the kernel learned from the PVH start info, validated. */
#ifndef KERNEL_STARTINFO_H
#define KERNEL_STARTINFO_H

#include <stdint.h>
#include "arch/x86/bootraw.h"

/* problems found while parsing; each is reported once, none is fatal */
#define SI_WARN_VERSION	       0x001 /* newer structure than we know: extra fields ignored */
#define SI_WARN_CMDLINE_HIGH   0x002 /* command line not below 4 GiB: not read */
#define SI_WARN_CMDLINE_UNTERM 0x004 /* no NUL within BOOTRAW_CMDLINE_MAX: ignored */
#define SI_WARN_MEMMAP_NONE    0x008 /* version 0 or no entries */
#define SI_WARN_MEMMAP_HIGH    0x010 /* map not below 4 GiB: not read */
#define SI_WARN_MEMMAP_TRUNC   0x020 /* more entries than BOOTRAW_MEMMAP_MAX */
#define SI_WARN_MODLIST_HIGH   0x040 /* module list not below 4 GiB: not read */
#define SI_WARN_MODLIST_TRUNC  0x080 /* more modules than BOOTRAW_MODS_MAX */
#define SI_WARN_MODULE_BAD     0x100 /* a module wraps the address space or overlaps the kernel */
#define SI_WARN_MODCMD_BAD     0x200 /* a module command line unreadable or unterminated */
#define SI_WARN_RESERVED       0x400 /* the must-be-zero field is not zero */
/* checked against the memory map (startinfo_check_memory; the command line in startinfo_parse) */
#define SI_WARN_CMDLINE_NOT_RAM 0x0800 /* the command line does not lie in RAM: ignored */
#define SI_WARN_MODULE_NOT_RAM	0x1000 /* a module outside RAM (a hole, MMIO, a reservation) */
#define SI_WARN_RSDP_UNMAPPED	0x2000 /* the RSDP in no firmware region of the map: ignored */

/* A boot module as the loader described it (the public API copies it into a struct pvh_module). */
struct boot_module {
	uint64_t paddr, size;
	const char *cmdline; /* never NULL */
};

struct bootinfo {
	uint32_t version, flags;
	const char *cmdline; /* never NULL */
	uint64_t rsdp_paddr;
	const struct hvm_memmap_table_entry *memmap;
	unsigned memmap_entries;
	struct boot_module modules[BOOTRAW_MODS_MAX];
	unsigned nr_modules;
	unsigned warnings;    /* SI_WARN_* */
	unsigned bad_modules; /* modules dropped */
};

/*
 * Validates the staged copy. image_start/image_end bound the kernel image, which no
 * module may overlap. Returns 0, or -EINVAL when the magic is wrong (nothing else is usable).
 */
int startinfo_parse(const struct boot_raw *raw, uint64_t image_start, uint64_t image_end,
		    struct bootinfo *bi);

/*
 * Checks the modules and the RSDP against bi's memory map (the start info's, or Xen's once
 * memmap_fallback has put it there): a module must lie wholly in RAM that no other entry claims,
 * else it is dropped (SI_WARN_MODULE_NOT_RAM, counted in bad_modules); the RSDP must lie in
 * RAM, reserved or ACPI memory or in the BIOS area 0xe0000-0xfffff where ACPI allows it, else
 * rsdp_paddr becomes 0 (SI_WARN_RSDP_UNMAPPED). Nothing is checked without a map. Returns the
 * warnings it added.
 */
unsigned startinfo_check_memory(struct bootinfo *bi);

#endif
