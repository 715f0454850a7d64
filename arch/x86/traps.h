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

void trap_handler(struct trap_frame *f);
/* rsp may be 0 when unknown; it only helps with frameless leaf functions */
void backtrace_print(uint64_t rip, uint64_t rsp, uint64_t rbp);

#endif
