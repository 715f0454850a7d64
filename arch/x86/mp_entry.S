/*
 * Where application processors enter the kernel. On Xen, VCPUOP_initialise starts them in
 * 64-bit mode at mp_ap_entry64 with our page tables, stack, %rsi = what to run, %rdi = its argument. Without
 * Xen, INIT-SIPI-SIPI starts them in real mode at a copy of mp_tramp below 1 MiB, which goes
 * through 32-bit protected mode into long mode and joins the same path.
 */
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define CR4_PAE (1 << 5)
#define CR0_PE (1 << 0)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)

#define TR_OFF(sym) ((sym) - mp_tramp)

	.text
	.code64
/* %rsp = the CPU's stack top (16-byte aligned), %rsi = the function to run, %rdi = its argument. */
	.globl mp_ap_entry64
mp_ap_entry64:
	cli
	cld
	xor %ebp, %ebp /* ends backtraces */
	call *%rsi
	ud2

/* From the trampoline: %ebx = its linear base; take the stack, function and argument from its data. */
mp_tramp64:
	mov %ebx, %ebx /* the upper halves of the registers are undefined after the mode switch */
	mov TR_OFF(tr_stack)(%rbx), %rsp
	mov TR_OFF(tr_fn)(%rbx), %rsi
	mov TR_OFF(tr_arg)(%rbx), %rdi
	jmp mp_ap_entry64

/* The trampoline: copied to a page below 1 MiB; the SIPI vector is that page's number. */
	.section .rodata
	.balign 16
	.globl mp_tramp, mp_tramp_end
	.code16
mp_tramp:
	cli
	cld
	mov %cs, %ax
	mov %ax, %ds
	xor %ebx, %ebx
	mov %ax, %bx
	shl $4, %ebx /* CS = page >> 4: the linear base of this copy */
	lgdtl TR_OFF(tr_gdt_ptr)
	mov %cr0, %eax
	or $CR0_PE, %eax
	mov %eax, %cr0
	ljmpl *TR_OFF(tr_far32)

	.code32
tr_prot32:
	mov $0x10, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	mov TR_OFF(tr_cr3)(%ebx), %eax
	mov %eax, %cr3
	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax
	or TR_OFF(tr_efer_extra)(%ebx), %eax /* NX, as the BSP has it: our PTEs use the NX bit */
	wrmsr
	mov %cr0, %eax
	or $(CR0_PG | CR0_WP | CR0_PE), %eax
	mov %eax, %cr0
	ljmp $0x18, $mp_tramp64 /* kernel text lies below 4 GiB */

	.balign 8
tr_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff /* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff /* 0x10: data */
	.quad 0x00af9a000000ffff /* 0x18: 64-bit code */
tr_gdt_end:
/* filled in by mp.c for the copy: */
	.globl mp_tr_gdt_ptr, mp_tr_far32, mp_tr_cr3, mp_tr_efer_extra, mp_tr_stack, mp_tr_fn, mp_tr_arg
	.balign 8
tr_gdt_ptr:
mp_tr_gdt_ptr:
	.word tr_gdt_end - tr_gdt - 1
	.long TR_OFF(tr_gdt) /* + the copy's base */
	.balign 8
tr_far32:
mp_tr_far32:
	.long TR_OFF(tr_prot32) /* + the copy's base */
	.word 0x08
	.balign 8
tr_cr3:
mp_tr_cr3:
	.long 0
tr_efer_extra:
mp_tr_efer_extra:
	.long 0
tr_stack:
mp_tr_stack:
	.quad 0
tr_fn:
mp_tr_fn:
	.quad 0
tr_arg:
mp_tr_arg:
	.quad 0
mp_tramp_end:
	.code64
