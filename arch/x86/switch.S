/* Thread stack switching: callee-saved registers on the old stack, then the new stack. */
	.text
/* void switch_stack(uint64_t *save_rsp, uint64_t new_rsp) */
	.globl switch_stack
switch_stack:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	mov %rsp, (%rdi)
	mov %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

/* A new thread's first return lands here: align the stack as the ABI wants and enter C. */
	.globl thread_trampoline
thread_trampoline:
	xor %ebp, %ebp /* ends backtraces */
	and $-16, %rsp
	call thread_main
	ud2
