/* Stacks above an unmapped guard page: an overflow faults instead of corrupting what lies below. */
#ifndef KERNEL_STACK_H
#define KERNEL_STACK_H

#include <stdint.h>

/* pages of stack above an unmapped guard page; returns the top (16-byte aligned) or 0 */
uint64_t stack_alloc_guarded(uint64_t pages);
/* Guarded IST stacks (#DF, NMI, #MC) for a CPU's TSS, from the page allocator: 0 or -ENOMEM. */
struct cpu;
int cpu_ist_alloc(struct cpu *c);

#endif
