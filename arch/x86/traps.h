/* The register frame every exception and interrupt stub builds, and the trap entry points. */
#ifndef ARCH_X86_TRAPS_H
#define ARCH_X86_TRAPS_H

#include <stdint.h>

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

/* What the stubs call (arch/x86/trap_entry.S): interrupts go to irq_dispatch, the rest to trap_report. */
void trap_handler(struct trap_frame *f);
/*
 * The kernel's hook (kernel/fault.c): an exception (vector < 32), or an interrupt nobody
 * registered. For an exception it returns only if it is not fatal (an NMI).
 */
void trap_report(struct trap_frame *f);
/* "#PF page fault" and the like for vectors below 32, else "interrupt". */
const char *trap_name(uint64_t vector);

/* What a backtrace's consumer gives the frame walker (arch/x86/backtrace.c). */
struct backtrace_ops {
	/* the symbol holding addr and addr's offset in it, or NULL: how a frameless leaf is found */
	const char *(*lookup)(uint64_t addr, uint64_t *off);
	/* one code address, the interrupted one first, then the calls that led there */
	void (*frame)(uint64_t addr);
};
/*
 * Walks the frame-pointer chain from (rip, rsp, rbp); rsp may be 0 when unknown (it only helps
 * with frameless leaf functions). Returns how many repeated frames (deep recursion) it left out.
 */
uint64_t backtrace_walk(uint64_t rip, uint64_t rsp, uint64_t rbp, const struct backtrace_ops *ops);

#endif
