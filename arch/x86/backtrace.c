/* Walks the frame-pointer chain and hands each return address to the caller (kernel/backtrace.c). */
#include <stdint.h>
#include "arch/x86/cpu.h"
#include "arch/x86/traps.h"

#define BACKTRACE_MAX 32

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
static void frameless_caller(uint64_t rip, uint64_t rsp, const struct backtrace_ops *ops)
{
	uint64_t off;
	const char *name = ops->lookup(rip, &off);

	if (!name || (off && *(const uint8_t *)(uintptr_t)(rip - off) == 0x55) || !rsp ||
	    (rsp & 7) || rsp + 8 > paging_mapped_top())
		return;
	uint64_t ret = *(const uint64_t *)(uintptr_t)rsp;
	if (ops->lookup(ret - 1, &off))
		ops->frame(ret - 1);
}

uint64_t backtrace_walk(uint64_t rip, uint64_t rsp, uint64_t rbp, const struct backtrace_ops *ops)
{
	uint64_t last = rip, repeats = 0;

	ops->frame(rip);
	frameless_caller(rip, rsp, ops);
	for (int i = 0; i < BACKTRACE_MAX && frame_ok(rbp, 0); i++) {
		const uint64_t *frame = (const uint64_t *)rbp;
		uint64_t next = frame[0], ret = frame[1];

		if (!ret)
			break;
		/* the return address points after the call: look up the call itself */
		if (ret - 1 == last)
			repeats++; /* deep recursion: one line, not a screenful */
		else
			ops->frame(last = ret - 1);
		if (!frame_ok(next, rbp))
			break;
		rbp = next;
	}
	return repeats;
}
