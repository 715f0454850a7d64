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

enum pvh_status conf_rule_si_version(uint32_t version, uint32_t min, struct conf_result *r)
{
	/*
	 * Version 0 is a real, older ABI (no memory map fields, the guest asks XENMEM_memory_map);
	 * min is what this loader is known to write: 1 for libxl's domUs (since Xen 4.11).
	 */
	if (version < min)
		return conf_fail(
		    r, "expected version >= %u (memmap_paddr/memmap_entries present), saw %u", min,
		    version);
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
	unsigned unsorted = 0;

	if (!n)
		return conf_fail(r, "expected a memory map (start info version 1), saw 0 entries");
	for (unsigned i = 0; i < n; i++) {
		if (!m[i].size)
			return conf_fail(
			    r, "expected non-empty entries, saw entry %u (%#llx, %s) of size 0", i,
			    (unsigned long long)m[i].addr, type_name(m[i].type));
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
			if (m[i].addr < m[j].addr + m[j].size && m[j].addr < m[i].addr + m[i].size)
				return conf_fail(r,
						 "expected no overlaps, saw entry %u [%#llx, "
						 "%#llx) %s over entry %u [%#llx, %#llx) %s",
						 i, (unsigned long long)m[i].addr,
						 (unsigned long long)(m[i].addr + m[i].size),
						 type_name(m[i].type), j,
						 (unsigned long long)m[j].addr,
						 (unsigned long long)(m[j].addr + m[j].size),
						 type_name(m[j].type));
	}
	if (!in_ram(m, n, img_lo, img_hi))
		return conf_fail(
		    r, "expected RAM under the loaded image [%#llx, %#llx), saw none there",
		    (unsigned long long)img_lo, (unsigned long long)img_hi);
	if (e->memory_mib > 0) {
		uint64_t want = (uint64_t)e->memory_mib * MIB;
		/* the loader keeps a few pages (rings, ACPI, special pages) out of RAM: allow 1/16 + 4 MiB */
		if (ram > want || ram < want - want / 16 - 4 * MIB)
			return conf_fail(r,
					 "expected about %ld MiB of RAM (configured), saw %llu KiB "
					 "in %u entries",
					 e->memory_mib, (unsigned long long)(ram >> 10), n);
	}
	/* start_info.h does not ask for order (Xen's map is not sorted): noted, not failed */
	return conf_pass(r, "%u entries, %llu KiB RAM, image covered%s", n,
			 (unsigned long long)(ram >> 10),
			 unsorted ? ", not sorted by address (allowed)" : "");
}

enum pvh_status conf_rule_modules(const struct conf_module *mods, unsigned n,
				  const struct conf_mem_entry *m, unsigned nm, uint64_t img_lo,
				  uint64_t img_hi, const struct conf_expect *e,
				  struct conf_result *r)
{
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
		if (nm && !in_ram(m, nm, lo, hi))
			return conf_fail(
			    r,
			    "expected module %u in RAM, saw [%#llx, %#llx) outside the map's RAM",
			    i, (unsigned long long)lo, (unsigned long long)hi);
	}
	if (n && e->module0_len >= 0 &&
	    ((int64_t)mods[0].size != e->module0_len || mods[0].crc != e->module0_crc))
		return conf_fail(r,
				 "expected module 0 of %lld bytes with CRC-32 %08x, saw %llu bytes "
				 "with CRC-32 %08x",
				 (long long)e->module0_len, e->module0_crc,
				 (unsigned long long)mods[0].size, mods[0].crc);
	return conf_pass(r, "%u module%s as configured%s", n, n == 1 ? "" : "s",
			 n && e->module0_len >= 0 ? ", module 0's content intact" : "");
}
