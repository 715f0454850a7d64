/* Tests of the PVH start info as the loader wrote it (xen/include/public/arch-x86/hvm/start_info.h). */
#include "conf_guest.h"
#include "conf_rules.h"

#define SI_H "xen/include/public/arch-x86/hvm/start_info.h"

extern char _image_start[], _end[];

static void t_magic(struct conf_result *r, const struct conf_expect *e)
{
	(void)e;
	conf_rule_si_magic(pvh_test_boot_raw()->si.magic, r);
}

static void t_version(struct conf_result *r, const struct conf_expect *e)
{
	conf_rule_si_version(pvh_test_boot_raw()->si.version, pvh_test_boot_raw()->si.reserved,
			     conf_is_domu(e) ? 1 : 0, r);
}

static void t_flags(struct conf_result *r, const struct conf_expect *e)
{
	conf_rule_si_flags(pvh_test_boot_raw()->si.flags, e, r);
}

static void t_cmdline(struct conf_result *r, const struct conf_expect *e)
{
	conf_rule_cmdline(pvh_test_boot_raw()->copied & PVH_TEST_BOOT_HAVE_CMDLINE
			      ? pvh_test_boot_raw()->cmdline
			      : NULL,
			  e, r);
}

/* The staged memory map as rule entries: the count, or -1 when there is none to judge. */
static int memmap(struct conf_mem_entry *m, struct conf_result *r)
{
	if (pvh_test_boot_raw()->si.version < 1) {
		conf_skip(r, "start info version 0 has no memory map");
		return -1;
	}
	unsigned n = pvh_test_boot_raw()->si.memmap_entries;
	if (n > PVH_TEST_BOOT_MEMMAP_MAX) {
		conf_error(r, "%u entries: more than the %u boot.S copies", n,
			   PVH_TEST_BOOT_MEMMAP_MAX);
		return -1;
	}
	if (n && !(pvh_test_boot_raw()->copied & PVH_TEST_BOOT_HAVE_MEMMAP)) {
		conf_note(
		    r,
		    "memmap_paddr %#llx: above 4 GiB (allowed; Xen tries to stay below), not read",
		    (unsigned long long)pvh_test_boot_raw()->si.memmap_paddr);
		return -1;
	}
	for (unsigned i = 0; i < n; i++)
		m[i] = (struct conf_mem_entry){ pvh_test_boot_raw()->memmap[i].addr,
						pvh_test_boot_raw()->memmap[i].size,
						pvh_test_boot_raw()->memmap[i].type,
						pvh_test_boot_raw()->memmap[i].reserved };
	return (int)n;
}

static void t_memmap(struct conf_result *r, const struct conf_expect *e)
{
	static struct conf_mem_entry m[PVH_TEST_BOOT_MEMMAP_MAX];
	int n = memmap(m, r);

	if (n >= 0)
		conf_rule_memmap(m, (unsigned)n, (uintptr_t)_image_start, (uintptr_t)_end, e, r);
}

static void t_modules(struct conf_result *r, const struct conf_expect *e)
{
	static struct conf_mem_entry m[PVH_TEST_BOOT_MEMMAP_MAX];
	struct conf_module mods[PVH_TEST_BOOT_MODS_MAX];
	unsigned n = pvh_test_boot_raw()->si.nr_modules;
	struct conf_result ignore;
	int nm = memmap(m, &ignore);

	if (n > PVH_TEST_BOOT_MODS_MAX) {
		conf_error(r, "%u modules: more than the %u boot.S copies", n,
			   PVH_TEST_BOOT_MODS_MAX);
		return;
	}
	if (n && !(pvh_test_boot_raw()->copied & PVH_TEST_BOOT_HAVE_MODLIST)) {
		conf_note(
		    r,
		    "modlist_paddr %#llx: above 4 GiB (allowed; Xen tries to stay below), not read",
		    (unsigned long long)pvh_test_boot_raw()->si.modlist_paddr);
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		mods[i] = (struct conf_module){ pvh_test_boot_raw()->modlist[i].paddr,
						pvh_test_boot_raw()->modlist[i].size, 0 };
		const void *p = conf_phys_map(mods[i].paddr, mods[i].size);
		if (p && i == 0)
			mods[i].crc = conf_crc32(p, (size_t)mods[i].size);
	}
	conf_rule_modules(mods, n, m, nm > 0 ? (unsigned)nm : 0, (uintptr_t)_image_start,
			  (uintptr_t)_end, e, r);
}

static void t_rsdp(struct conf_result *r, const struct conf_expect *e)
{
	uint64_t pa = pvh_test_boot_raw()->si.rsdp_paddr;
	struct pvh_test_acpi_rsdp rsdp;

	if (!pa) {
		/* libxl always builds ACPI tables for PVH guests (even with acpi=0 in 4.17) */
		if (conf_is_domu(e))
			conf_note(r, "rsdp_paddr 0: no ACPI tables (allowed, pvh.pandoc: \"if "
				     "present\"; libxl gives every PVH domU some)");
		else
			conf_skip(r, "rsdp_paddr is 0: this loader gave no ACPI tables");
		return;
	}
	size_t len = PVH_TEST_ACPI_RSDP_V2_LEN;
	const void *p = conf_phys_map(pa, len);
	if (!p)
		p = conf_phys_map(pa, len = PVH_TEST_ACPI_RSDP_V1_LEN);
	if (!p) {
		conf_fail(r, "expected rsdp_paddr in mapped memory, saw %#llx",
			  (unsigned long long)pa);
		return;
	}
	int rc = pvh_test_acpi_rsdp_parse(p, len, &rsdp);
	if (rc)
		conf_fail(r,
			  "expected a valid RSDP at rsdp_paddr %#llx, saw error %d (signature, "
			  "length or checksum)",
			  (unsigned long long)pa, rc);
	else
		conf_pass(r, "RSDP revision %u at %#llx (%s)", rsdp.revision,
			  (unsigned long long)pa, rsdp.oem);
}

const struct conf_test conf_tests_start_info[] = {
	{ "start_info.magic", "magic is XEN_HVM_START_MAGIC_VALUE (0x336ec578)", SI_H, t_magic },
	{ "start_info.version",
	  "version 0 or later; from version 1 the reserved field is zero (libxl's domUs get 1: "
	  "noted if not)",
	  SI_H, t_version },
	{ "start_info.flags", "SIF_PRIVILEGED|SIF_INITDOMAIN set for the initial domain only",
	  SI_H " (SIF_* in xen/include/public/xen.h)", t_flags },
	{ "start_info.cmdline", "cmdline_paddr holds, NUL-terminated, what the toolstack was given",
	  SI_H, t_cmdline },
	{ "start_info.memmap",
	  "the memory map: XEN_HVM_MEMMAP_TYPE_* types, reserved zero, RAM = configured memory "
	  "(overlaps, empty entries, no RAM under the image: noted)",
	  SI_H, t_memmap },
	{ "start_info.modules",
	  "nr_modules/modlist_paddr: the configured modules, intact (outside RAM: noted)", SI_H,
	  t_modules },
	{ "start_info.rsdp",
	  "rsdp_paddr, when set, points at a valid ACPI RSDP (0 in a domU: noted)",
	  SI_H ", docs/misc/pvh.pandoc (Hardware description)", t_rsdp },
	{ 0 },
};
