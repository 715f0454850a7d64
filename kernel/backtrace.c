/* Prints a backtrace: the arch's frame walk (arch/x86/backtrace.c), each address with its symbol. */
#include <stdint.h>
#include "arch/x86/reloc.h"
#include "arch/x86/traps.h"
#include "kernel/backtrace.h"
#include "kernel/ksyms.h"
#include "kernel/printk.h"

static const char *lookup(uint64_t addr, uint64_t *off)
{
	/* the table holds link addresses; a relocated image runs boot_load_offset away from them */
	return ksym_lookup(&ksyms_table, addr - (uint64_t)boot_load_offset, off);
}

static void print_addr(uint64_t addr)
{
	uint64_t off;
	const char *name = lookup(addr, &off);

	if (name)
		printk(LOG_EMERG, "    [<%016lx>] %s+0x%lx\n", addr, name, off);
	else
		printk(LOG_EMERG, "    [<%016lx>] ?\n", addr);
}

void backtrace_print(uint64_t rip, uint64_t rsp, uint64_t rbp)
{
	static const struct backtrace_ops ops = { lookup, print_addr };

	printk(LOG_EMERG, "  backtrace:\n");
	uint64_t repeats = backtrace_walk(rip, rsp, rbp, &ops);
	if (repeats)
		printk(LOG_EMERG, "    (%lu repeated frames not shown)\n", repeats);
}
