/* Stacks above an unmapped guard page: an overflow faults instead of corrupting what lies below. */
#ifndef KERNEL_STACK_H
#define KERNEL_STACK_H

#include <stdint.h>

/* pages of stack above an unmapped guard page; returns the top (16-byte aligned) or 0 */
uint64_t stack_alloc_guarded(uint64_t pages);
/* Guarded IST stacks (#DF, NMI, #MC) from the page allocator, their tops in top: 0 or -ENOMEM. */
int cpu_ist_stacks(uint64_t top[3]);
/* ... and given to c's TSS. */
struct cpu;
int cpu_ist_alloc(struct cpu *c);

#endif
