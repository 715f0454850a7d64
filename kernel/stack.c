/* Stacks above an unmapped guard page, for the APs and for every CPU's IST stacks. */
#include "arch/x86/cpu.h"
#include "base/errno.h"
#include "kernel/cpu.h"
#include "kernel/pmem.h"
#include "kernel/stack.h"

#define IST_STACK_PAGES 2

uint64_t stack_alloc_guarded(uint64_t pages)
{
	uint64_t base = (uintptr_t)page_alloc(pages + 1);

	if (!base)
		return 0;
	/* an overflow runs into the unmapped page below and faults instead of corrupting */
	paging_protect(base, PAGING_NONE);
	return base + (pages + 1) * PAGE_SIZE;
}

int cpu_ist_stacks(uint64_t top[3])
{
	for (int i = 0; i < 3; i++)
		if (!(top[i] = stack_alloc_guarded(IST_STACK_PAGES)))
			return -ENOMEM;
	return 0;
}

int cpu_ist_alloc(struct cpu *c)
{
	uint64_t top[3];

	if (cpu_ist_stacks(top))
		return -ENOMEM;
	cpu_ist_set(&c->arch, top);
	return 0;
}
