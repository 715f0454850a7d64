/* Says, once and clearly, what was wrong with the start info. */
#include "kernel/printk.h"
#include "kernel/startinfo.h"

static const struct {
	unsigned bit;
	const char *text;
} messages[] = {
	{ SI_WARN_VERSION, "newer start info version than known; extra fields ignored" },
	{ SI_WARN_RESERVED, "start info reserved field is not zero" },
	{ SI_WARN_CMDLINE_HIGH, "command line lies above 4 GiB; ignored" },
	{ SI_WARN_CMDLINE_UNTERM, "command line has no NUL within 4096 bytes; ignored" },
	{ SI_WARN_MEMMAP_NONE, "start info has no memory map" },
	{ SI_WARN_MEMMAP_HIGH, "memory map lies above 4 GiB; ignored" },
	{ SI_WARN_MEMMAP_TRUNC, "memory map has more than 128 entries; the rest ignored" },
	{ SI_WARN_MODLIST_HIGH, "module list lies above 4 GiB; modules ignored" },
	{ SI_WARN_MODLIST_TRUNC, "more than 16 modules; the rest ignored" },
	{ SI_WARN_MODULE_BAD, "modules that overlap the kernel or wrap around dropped" },
	{ SI_WARN_MODCMD_BAD, "module command lines unreadable or unterminated; ignored" },
	{ SI_WARN_CMDLINE_NOT_RAM, "command line does not lie in RAM by the memory map; ignored" },
	{ SI_WARN_MODULE_NOT_RAM, "modules outside RAM (a hole or a reserved range) dropped" },
	{ SI_WARN_RSDP_UNMAPPED, "RSDP in no firmware region of the memory map; ignored" },
};

static void say(unsigned warnings)
{
	for (unsigned i = 0; i < sizeof(messages) / sizeof(messages[0]); i++)
		if (warnings & messages[i].bit)
			pr_warn("%s\n", messages[i].text);
}

/* Once the final memory map is known: modules and the RSDP against it. */
void startinfo_check_report(struct bootinfo *bi)
{
	unsigned dropped = bi->bad_modules, w = startinfo_check_memory(bi);

	say(w);
	if (bi->bad_modules != dropped)
		pr_warn("%u modules dropped, %u left\n", bi->bad_modules - dropped, bi->nr_modules);
}

void startinfo_report(const struct bootinfo *bi)
{
	pr_info("start info: version %u, %u memory map entries, %u modules, RSDP %#lx\n",
		bi->version, bi->memmap_entries, bi->nr_modules, bi->rsdp_paddr);
	say(bi->warnings);
	if (bi->bad_modules)
		pr_warn("%u modules dropped\n", bi->bad_modules);
}
