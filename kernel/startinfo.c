/* Validates the staged PVH start info: every pointer, count and string is checked before use. */
#include <stddef.h>
#include "base/errno.h"
#include "base/string.h"
#include "kernel/memmap.h"
#include "kernel/startinfo.h"

/* boot.S uses these numbers; Xen's own definitions must agree */
#define SAME_OFFSET(type, field, n) _Static_assert(offsetof(type, field) == (n), #field " offset")
SAME_OFFSET(struct hvm_start_info, version, SI_VERSION);
SAME_OFFSET(struct hvm_start_info, nr_modules, SI_NR_MODULES);
SAME_OFFSET(struct hvm_start_info, modlist_paddr, SI_MODLIST_PADDR);
SAME_OFFSET(struct hvm_start_info, cmdline_paddr, SI_CMDLINE_PADDR);
SAME_OFFSET(struct hvm_start_info, memmap_paddr, SI_MEMMAP_PADDR);
SAME_OFFSET(struct hvm_start_info, memmap_entries, SI_MEMMAP_ENTRIES);
SAME_OFFSET(struct hvm_modlist_entry, cmdline_paddr, MOD_CMDLINE_PADDR);
SAME_OFFSET(struct boot_raw, copied, BOOTRAW_OFF_COPIED);
SAME_OFFSET(struct boot_raw, ebx, BOOTRAW_OFF_EBX);
SAME_OFFSET(struct boot_raw, si, BOOTRAW_OFF_SI);
SAME_OFFSET(struct boot_raw, cmdline, BOOTRAW_OFF_CMDLINE);
SAME_OFFSET(struct boot_raw, memmap, BOOTRAW_OFF_MEMMAP);
SAME_OFFSET(struct boot_raw, modlist, BOOTRAW_OFF_MODLIST);
SAME_OFFSET(struct boot_raw, modcmd, BOOTRAW_OFF_MODCMD);
_Static_assert(sizeof(struct hvm_start_info) == SI_SIZE, "start info size");
_Static_assert(sizeof(struct hvm_modlist_entry) == MOD_ENTRY_SIZE, "module entry size");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == MEMMAP_ENTRY_SIZE, "memmap entry size");
_Static_assert(sizeof(struct boot_raw) == BOOTRAW_SIZE, "staging size");
_Static_assert(BOOT_START_MAGIC == XEN_HVM_START_MAGIC_VALUE, "magic");
_Static_assert(MOD_ENTRY_SIZE == 32 && BOOTRAW_MODCMD_MAX == 256, "boot.S shifts by 5 and 8");

static const char *parse_cmdline(const struct boot_raw *raw, struct bootinfo *bi)
{
	if (!raw->si.cmdline_paddr)
		return "";
	if (!(raw->copied & BOOTRAW_HAVE_CMDLINE)) {
		bi->warnings |= SI_WARN_CMDLINE_HIGH;
		return "";
	}
	if (!memchr(raw->cmdline, 0, sizeof(raw->cmdline))) {
		bi->warnings |= SI_WARN_CMDLINE_UNTERM;
		return "";
	}
	return raw->cmdline;
}

static void parse_memmap(const struct boot_raw *raw, struct bootinfo *bi)
{
	if (raw->si.version < 1 || !raw->si.memmap_paddr || !raw->si.memmap_entries) {
		bi->warnings |= SI_WARN_MEMMAP_NONE;
		return;
	}
	if (!(raw->copied & BOOTRAW_HAVE_MEMMAP)) {
		bi->warnings |= SI_WARN_MEMMAP_HIGH;
		return;
	}
	bi->memmap = raw->memmap;
	bi->memmap_entries = raw->si.memmap_entries;
	if (bi->memmap_entries > BOOTRAW_MEMMAP_MAX) {
		bi->warnings |= SI_WARN_MEMMAP_TRUNC;
		bi->memmap_entries = BOOTRAW_MEMMAP_MAX;
	}
}

static const char *module_cmdline(const struct boot_raw *raw, unsigned i, struct bootinfo *bi)
{
	const char *s = raw->modcmd[i];

	if (!raw->modlist[i].cmdline_paddr)
		return "";
	if (!(raw->copied & (BOOTRAW_HAVE_MODCMD0 << i)) || !memchr(s, 0, BOOTRAW_MODCMD_MAX)) {
		bi->warnings |= SI_WARN_MODCMD_BAD;
		return "";
	}
	return s;
}

static void parse_modules(const struct boot_raw *raw, uint64_t img_start, uint64_t img_end,
			  struct bootinfo *bi)
{
	unsigned n = raw->si.nr_modules;

	if (!n)
		return;
	if (!(raw->copied & BOOTRAW_HAVE_MODLIST)) {
		bi->warnings |= SI_WARN_MODLIST_HIGH;
		return;
	}
	if (n > BOOTRAW_MODS_MAX) {
		bi->warnings |= SI_WARN_MODLIST_TRUNC;
		n = BOOTRAW_MODS_MAX;
	}
	for (unsigned i = 0; i < n; i++) {
		const struct hvm_modlist_entry *m = &raw->modlist[i];
		uint64_t end = m->paddr + m->size;

		if (end < m->paddr || !m->paddr || (m->paddr < img_end && img_start < end)) {
			bi->warnings |= SI_WARN_MODULE_BAD;
			bi->bad_modules++;
			continue;
		}
		bi->modules[bi->nr_modules++] =
		    (struct boot_module){ m->paddr, m->size, module_cmdline(raw, i, bi) };
	}
}

int startinfo_parse(const struct boot_raw *raw, uint64_t image_start, uint64_t image_end,
		    struct bootinfo *bi)
{
	*bi = (struct bootinfo){ .cmdline = "" };
	if (raw->si.magic != XEN_HVM_START_MAGIC_VALUE)
		return -EINVAL;
	bi->version = raw->si.version;
	bi->flags = raw->si.flags;
	if (bi->version > 1)
		bi->warnings |= SI_WARN_VERSION;
	if (bi->version >= 1 && raw->si.reserved)
		bi->warnings |= SI_WARN_RESERVED;
	bi->rsdp_paddr = raw->si.rsdp_paddr;
	bi->cmdline = parse_cmdline(raw, bi);
	parse_memmap(raw, bi);
	/* the command line is used before Xen's map can be asked for: only the start info's counts */
	if (*bi->cmdline && bi->memmap_entries &&
	    !memmap_in_ram(bi->memmap, bi->memmap_entries, raw->si.cmdline_paddr,
			   raw->si.cmdline_paddr + strlen(bi->cmdline) + 1)) {
		bi->warnings |= SI_WARN_CMDLINE_NOT_RAM;
		bi->cmdline = "";
	}
	parse_modules(raw, image_start, image_end, bi);
	return 0;
}

/* the ACPI 1.0 RSDP's size, and where ACPI lets firmware put one without any map saying so */
#define RSDP_LEN      20
#define BIOS_AREA     0xe0000ull
#define BIOS_AREA_END 0x100000ull

unsigned startinfo_check_memory(struct bootinfo *bi)
{
	unsigned before = bi->warnings, k = 0;

	if (!bi->memmap_entries)
		return 0;
	for (unsigned i = 0; i < bi->nr_modules; i++) {
		const struct boot_module *m = &bi->modules[i];
		/* a module of size 0 still names its first byte */
		uint64_t end = m->paddr + (m->size ? m->size : 1);

		if (end < m->paddr ||
		    !memmap_in_ram(bi->memmap, bi->memmap_entries, m->paddr, end)) {
			bi->warnings |= SI_WARN_MODULE_NOT_RAM;
			bi->bad_modules++;
			continue;
		}
		bi->modules[k++] = *m;
	}
	bi->nr_modules = k;
	uint64_t r = bi->rsdp_paddr;
	if (r && !(r >= BIOS_AREA && r <= BIOS_AREA_END - RSDP_LEN) &&
	    !memmap_covered(bi->memmap, bi->memmap_entries, r, r + RSDP_LEN, MEMMAP_FIRMWARE)) {
		bi->warnings |= SI_WARN_RSDP_UNMAPPED;
		bi->rsdp_paddr = 0;
	}
	return bi->warnings & ~before;
}
