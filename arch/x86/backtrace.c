/* Walks the frame-pointer chain and prints each return address with its symbol. */
#include <stdint.h>
#include "arch/x86/traps.h"
#include "kernel/ksyms.h"
#include "kernel/printk.h"
#include "arch/x86/cpu.h"

#define BACKTRACE_MAX 32

static void print_addr(uint64_t addr)
{
	uint64_t off;
	const char *name = ksym_lookup(&ksyms_table, addr, &off);

	if (name)
		printk(LOG_EMERG, "    [<%016lx>] %s+0x%lx\n", addr, name, off);
	else
		printk(LOG_EMERG, "    [<%016lx>] ?\n", addr);
}

/* a frame is followed only while it is aligned, mapped RAM and moving up the stack */
static int frame_ok(uint64_t rbp, uint64_t prev)
{
	return rbp && !(rbp & 7) && rbp > prev && rbp + 16 <= paging_mapped_top();
}

/*
 * gcc gives leaf functions that need no stack no frame, even with frame pointers on:
 * then rbp is still the caller's and the caller would be skipped. Such a function
 * does not start with "push %rbp", and its return address is at the top of the stack.
 * The same holds for any function stopped at its very first instruction.
 */
static void print_frameless_caller(uint64_t rip, uint64_t rsp)
{
	uint64_t off;
	const char *name = ksym_lookup(&ksyms_table, rip, &off);

	if (!name || (off && *(const uint8_t *)(uintptr_t)(rip - off) == 0x55) || !rsp ||
	    (rsp & 7) || rsp + 8 > paging_mapped_top())
		return;
	uint64_t ret = *(const uint64_t *)(uintptr_t)rsp;
	if (ksym_lookup(&ksyms_table, ret - 1, &off))
		print_addr(ret - 1);
}

void backtrace_print(uint64_t rip, uint64_t rsp, uint64_t rbp)
{
	uint64_t last = rip, repeats = 0;

	printk(LOG_EMERG, "  backtrace:\n");
	print_addr(rip);
	print_frameless_caller(rip, rsp);
	for (int i = 0; i < BACKTRACE_MAX && frame_ok(rbp, 0); i++) {
		const uint64_t *frame = (const uint64_t *)rbp;
		uint64_t next = frame[0], ret = frame[1];

		if (!ret)
			break;
		/* the return address points after the call: look up the call itself */
		if (ret - 1 == last)
			repeats++; /* deep recursion: one line, not a screenful */
		else
			print_addr(last = ret - 1);
		if (!frame_ok(next, rbp))
			break;
		rbp = next;
	}
	if (repeats)
		printk(LOG_EMERG, "    (%lu repeated frames not shown)\n", repeats);
}
