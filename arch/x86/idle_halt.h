/* The idle halt (arch/x86/idle_halt.S) and the labels the interrupt path needs to fix it up. */
#ifndef ARCH_X86_IDLE_HALT_H
#define ARCH_X86_IDLE_HALT_H

#include <stdint.h>

/* With interrupts off: enables them and halts until an interrupt has been handled. */
void cpu_idle_halt(void);

extern const char cpu_idle_hlt_insn[], cpu_idle_hlt_done[];
/* Interrupts that arrived before the idle hlt ran (and so skipped it), on every CPU. */
extern uint64_t idle_halt_skips;

/*
 * For an interrupt about to return to rip: where it should return instead. An interrupt taken
 * before the idle hlt ran (in the STI shadow, which the rig's emulated Xen does not always
 * honour) must not return onto the hlt: what it woke would wait for the next interrupt.
 */
static inline uint64_t idle_halt_resume(uint64_t rip)
{
	if (rip != (uint64_t)cpu_idle_hlt_insn)
		return rip;
	__atomic_fetch_add(&idle_halt_skips, 1, __ATOMIC_RELAXED);
	return (uint64_t)cpu_idle_hlt_done;
}

#endif
