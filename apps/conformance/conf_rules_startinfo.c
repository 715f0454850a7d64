/* Rules for the PVH start info (arch-x86/hvm/start_info.h): magic, version, command line, memory map, modules. */
#include "conf_rules.h"
#include <string.h>

#define MIB	      (1024ull * 1024)
#define CMDLINE_CHECK " --cmdline-check="

enum pvh_status conf_rule_si_magic(uint32_t magic, struct conf_result *r)
{
	if (magic != 0x336ec578u)
		return conf_fail(
		    r, "expected magic 0x336ec578 (XEN_HVM_START_MAGIC_VALUE), saw %#x", magic);
	return conf_pass(r, "magic 0x336ec578");
}

enum pvh_status conf_rule_si_version(uint32_t version, uint32_t reserved, uint32_t min,
				     struct conf_result *r)
{
	/* start_info.h: "reserved ... Must be zero" (version 1 and newer only) */
	if (version >= 1 && reserved)
		return conf_fail(r, "expected the reserved field zero (version %u), saw %#x",
				 version, reserved);
	/*
	 * Version 0 is a real, older ABI (no memory map fields, the guest asks XENMEM_memory_map);
	 * min is what this loader is known to write: 1 for libxl's domUs (since Xen 4.11). The
	 * header allows either, so an older one is worth a note, not a failure.
	 */
	if (version < min)
		return conf_note(r,
				 "version %u where this loader (libxl) writes %u: allowed, but "
				 "there is no memory map in the start info",
				 version, min);
	return conf_pass(
	    r, "version %u%s", version,
	    version ? "" : " (no memory map in the start info: XENMEM_memory_map gives it)");
}

enum pvh_status conf_rule_cmdline(const char *cmdline, const struct conf_expect *e,
				  struct conf_result *r)
{
	if (e->cmdline_len < 0)
		return conf_skip(r, "the runner gave no --cmdline-check=LEN:CRC to compare with");
	if (!cmdline)
		return conf_fail(r,
				 "expected a command line of %lld bytes before the check, saw none",
				 (long long)e->cmdline_len);
	/* the last occurrence: the runner appends the check after everything it covers */
	const char *chk = NULL;
	for (const char *p = cmdline; (p = strstr(p, CMDLINE_CHECK)); p++)
		chk = p;
	if (!chk)
		return conf_fail(r,
				 "expected the command line to end in '" CMDLINE_CHECK
				 "...', not found in '%.60s'",
				 cmdline);
	const char *tail = chk + strlen(CMDLINE_CHECK);
	while ((*tail >= '0' && *tail <= '9') || (*tail >= 'a' && *tail <= 'f') ||
	       (*tail >= 'A' && *tail <= 'F') || *tail == ':' || *tail == 'x')
		tail++;
	if (*tail)
		return conf_fail(r,
				 "expected nothing after the check word, saw '%.40s' (the command "
				 "line was altered)",
				 tail);
	size_t len = (size_t)(chk - cmdline);
	uint32_t crc = conf_crc32(cmdline, len);
	if ((int64_t)len != e->cmdline_len || crc != e->cmdline_crc)
		return conf_fail(
		    r, "expected %lld bytes with CRC-32 %08x, saw %zu bytes with CRC-32 %08x",
		    (long long)e->cmdline_len, e->cmdline_crc, len, crc);
	return conf_pass(r, "%zu bytes, CRC-32 %08x, as given to the toolstack", len, crc);
}

#define SIF_PRIVILEGED_BIT 0x1
#define SIF_INITDOMAIN_BIT 0x2

enum pvh_status conf_rule_si_flags(uint32_t flags, const struct conf_expect *e,
				   struct conf_result *r)
{
	uint32_t dom0 = SIF_PRIVILEGED_BIT | SIF_INITDOMAIN_BIT;

	if (e->initdomain) {
		if ((flags & dom0) != dom0)
			return conf_fail(r,
					 "expected SIF_PRIVILEGED and SIF_INITDOMAIN (the initial "
					 "domain), saw flags %#x",
					 flags);
		return conf_pass(r, "flags %#x: privileged initial domain", flags);
	}
	if (e->domu == 1) {
		if (flags & dom0)
			return conf_fail(r,
					 "expected neither SIF_PRIVILEGED nor SIF_INITDOMAIN in a "
					 "domU, saw flags %#x",
					 flags);
		return conf_pass(r, "flags %#x", flags);
	}
	return conf_skip(r, "the runner said neither --domu nor --initdomain (flags %#x)", flags);
}

static const char *type_name(uint32_t t)
{
	static const char *const names[] = { "type 0", "RAM",	   "reserved", "ACPI",
					     "NVS",    "unusable", "disabled", "PMEM" };
	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "unknown";
}

/* 1 when [lo, hi) lies inside RAM entries (adjacent RAM entries join up). */
static int in_ram(const struct conf_mem_entry *m, unsigned n, uint64_t lo, uint64_t hi)
{
	uint64_t at = lo;

	for (unsigned pass = 0; pass < n && at < hi; pass++) {
		int moved = 0;
		for (unsigned i = 0; i < n; i++)
			if (m[i].type == 1 && m[i].addr <= at && at - m[i].addr < m[i].size) {
				at = m[i].addr + m[i].size;
				moved = 1;
			}
		if (!moved)
			return 0;
	}
	return at >= hi;
}

enum pvh_status conf_rule_memmap(const struct conf_mem_entry *m, unsigned n, uint64_t img_lo,
				 uint64_t img_hi, const struct conf_expect *e,
				 struct conf_result *r)
{
	uint64_t ram = 0;
	unsigned unsorted = 0, empty = 0, overlaps = 0, first_overlap = 0;

	/* "Zero if there is no memory map being provided": then there is nothing to judge */
	if (!n)
		return conf_skip(r, "memmap_entries 0: no memory map provided (allowed)");
	for (unsigned i = 0; i < n; i++) {
		if (m[i].type < 1 || m[i].type > 7)
			return conf_fail(
			    r,
			    "expected a XEN_HVM_MEMMAP_TYPE_* type (1-7), saw entry %u "
			    "[%#llx, +%#llx) of type %u (%s)",
			    i, (unsigned long long)m[i].addr, (unsigned long long)m[i].size,
			    m[i].type, type_name(m[i].type));
		if (m[i].reserved)
			return conf_fail(r,
					 "expected entry %u's reserved field zero (version 1), saw "
					 "%#x",
					 i, m[i].reserved);
		if (!m[i].size) {
			empty++;
			continue;
		}
		if (m[i].addr + m[i].size < m[i].addr)
			return conf_fail(r,
					 "expected entries inside the address space, saw entry %u "
					 "wrap (%#llx + %#llx)",
					 i, (unsigned long long)m[i].addr,
					 (unsigned long long)m[i].size);
		if (i && m[i].addr < m[i - 1].addr)
			unsorted++;
		if (m[i].type == 1)
			ram += m[i].size;
		for (unsigned j = 0; j < i; j++)
			if (m[j].size && m[i].addr < m[j].addr + m[j].size &&
			    m[j].addr < m[i].addr + m[i].size && !overlaps++)
				first_overlap = i;
	}
	if (e->memory_mib > 0) {
		uint64_t want = (uint64_t)e->memory_mib * MIB;
		/* the loader keeps a few pages (rings, ACPI, special pages) out of RAM: allow 1/16 + 4 MiB */
		if (ram > want || ram < want - want / 16 - 4 * MIB)
			return conf_fail(r,
					 "expected about %ld MiB of RAM (configured), saw %llu KiB "
					 "in %u entries",
					 e->memory_mib, (unsigned long long)(ram >> 10), n);
	}
	/* start_info.h asks for none of these; a guest that allocates from the map relies on them */
	int image_in_ram = in_ram(m, n, img_lo, img_hi);
	if (overlaps || empty || !image_in_ram)
		return conf_note(
		    r,
		    "%u entries, %llu KiB RAM; %u overlapping (first: entry %u), %u of "
		    "size 0, the image [%#llx, %#llx) %s RAM (start_info.h forbids "
		    "none of these)",
		    n, (unsigned long long)(ram >> 10), overlaps, first_overlap, empty,
		    (unsigned long long)img_lo, (unsigned long long)img_hi,
		    image_in_ram ? "in" : "NOT in");
	/* start_info.h does not ask for order (Xen's map is not sorted): said, not failed */
	return conf_pass(r, "%u entries, %llu KiB RAM, image covered%s", n,
			 (unsigned long long)(ram >> 10),
			 unsorted ? ", not sorted by address (allowed)" : "");
}

enum pvh_status conf_rule_modules(const struct conf_module *mods, unsigned n,
				  const struct conf_mem_entry *m, unsigned nm, uint64_t img_lo,
				  uint64_t img_hi, const struct conf_expect *e,
				  struct conf_result *r)
{
	unsigned outside = 0, first_outside = 0;

	if (e->modules < 0)
		return conf_skip(r, "the runner gave no --modules=N to compare with (%u present)",
				 n);
	if ((int)n != e->modules)
		return conf_fail(r, "expected %d modules (configured), saw nr_modules %u",
				 e->modules, n);
	for (unsigned i = 0; i < n; i++) {
		uint64_t lo = mods[i].paddr, hi = mods[i].paddr + mods[i].size;
		if (!lo || !mods[i].size || hi < lo)
			return conf_fail(
			    r,
			    "expected module %u present and non-empty, saw paddr %#llx size %llu",
			    i, (unsigned long long)lo, (unsigned long long)mods[i].size);
		if (lo < img_hi && img_lo < hi)
			return conf_fail(r,
					 "expected module %u apart from the image [%#llx, %#llx), "
					 "saw [%#llx, %#llx)",
					 i, (unsigned long long)img_lo, (unsigned long long)img_hi,
					 (unsigned long long)lo, (unsigned long long)hi);
		if (nm && !in_ram(m, nm, lo, hi) && !outside++)
			first_outside = i;
	}
	if (n && e->module0_len >= 0 &&
	    ((int64_t)mods[0].size != e->module0_len || mods[0].crc != e->module0_crc))
		return conf_fail(r,
				 "expected module 0 of %lld bytes with CRC-32 %08x, saw %llu bytes "
				 "with CRC-32 %08x",
				 (long long)e->module0_len, e->module0_crc,
				 (unsigned long long)mods[0].size, mods[0].crc);
	/* start_info.h does not say where modules lie; a guest that allocates from the map's RAM
	 * must keep clear of them either way: outside RAM is a note */
	if (outside)
		return conf_note(r,
				 "%u module%s as configured%s; %u outside the map's RAM (first: "
				 "module %u)",
				 n, n == 1 ? "" : "s",
				 n && e->module0_len >= 0 ? ", module 0's content intact" : "",
				 outside, first_outside);
	return conf_pass(r, "%u module%s as configured%s", n, n == 1 ? "" : "s",
			 n && e->module0_len >= 0 ? ", module 0's content intact" : "");
}
