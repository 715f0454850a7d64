/* PVH entry: 32-bit protected mode with paging off -> copy start info -> page tables -> long mode -> C. */
/*
 * The PVH boot protocol, as Xen's loader and QEMU's -kernel both speak it: the PHYS32_ENTRY
 * note below names a 32-bit physical entry point; the loader places our segments at their
 * physical addresses and starts only the boot vCPU there, with paging off, flat 4 GiB code and
 * data segments already loaded, interrupts off, and %ebx pointing at a struct hvm_start_info
 * (magic first: the only way to tell it is there). That is the whole contract: no stack, no
 * GDT or IDT we may keep, no promise about the other registers, and the APs stay down until
 * we start them. Everything we learn about the machine (the memory map, the command line, the
 * boot modules, the ACPI RSDP) arrives through that one structure.
 * It lies wherever the loader put it, in RAM that nothing tells us is taken, and the pointers
 * in it lead to more such places. So it is copied first, together with what it points to, into
 * a staging area the loader zeroed with our image: clearing the BSS, building page tables and
 * the first page allocation could otherwise land on it before C ever reads it. Pieces above
 * 4 GiB cannot be reached in 32-bit mode: boot_raw.copied says which pieces made it.
 * Then long mode: identity page tables, PAE, EFER.LME (and NXE when the CPU has it), paging on,
 * our own GDT, and a far jump into 64-bit code.
 *
 * Relocation (XEN_ELFNOTE_PHYS32_RELOC, Xen 4.19): the note lets a loader place the image at
 * another physical address (within the alignment and bounds it gives) and enter at the entry
 * point moved by as much, as Xen's PVH dom0 builder does when the linked range is not free RAM.
 * The code is position-dependent, so the very first instructions find where they run (a call
 * whose return address lands in the start info's magic, saved and put back: there is no stack)
 * and, when that is not where the image was linked, add the difference to every absolute address
 * in the image, which tools/gen-relocs listed in the .relocs segment. Everything after that, the
 * rest of this file included, runs as if linked where it was put. At the linked address the
 * cost is a handful of instructions.
 */
#include <xen/elfnote.h>
#include "arch/x86/bootraw.h"
#include "arch/x86/entry_state.h"

#define CR0_PE (1 << 0)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#define PTE_P 0x1
#define PTE_W 0x2
#define PTE_PS 0x80

/* The note that makes this ELF a PVH image: Xen and QEMU jump to pvh_start32. */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4, 4, XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.balign 4
	.long pvh_start32
	.balign 4
	.long 4, 7, XEN_ELFNOTE_GUEST_OS
	.asciz "Xen"
	.balign 4
	.asciz "pvhkit"
	.balign 4
	/*
	 * Relocatable: alignment, lowest start, highest last byte. Any 4 KiB-aligned place from 1 MiB
	 * (below it lie the BIOS area and the AP trampoline's page) to 2 GiB (addresses in
	 * instructions are sign-extended 32-bit values).
	 */
	.long 4, 12, XEN_ELFNOTE_PHYS32_RELOC
	.asciz "Xen"
	.balign 4
	.long 0x1000, 0x100000, 0x7fffffff
	.balign 4

	.section .text.boot, "ax"
	.code32
	.globl pvh_start32
pvh_start32:
	/*
	 * Where are we? The call's return address is popped from the start info's first word (its
	 * magic, kept in %edi and put back), as is EFLAGS as the loader handed it over: mov, lea,
	 * call, pop and pushf change no flag. %edi then keeps EFLAGS until it can be recorded.
	 */
	mov (%ebx), %edi
	lea 4(%ebx), %esp
	call 1f
1:	pop %ebp
	pushfl
	pop %eax
	mov %edi, (%ebx)
	mov %eax, %edi
	cli
	cld
	lea __relocs_start - 1b(%ebp), %esi
	lea __relocs_end - 1b(%ebp), %edx
	/* %ebp = the load offset; this immediate is itself a site, read before it is patched */
	sub $1b, %ebp
	jz 3f
	lea 8(%esi), %eax
	cmp %edx, %eax
	ja no_relocs
	mov (%esi), %ecx /* sites of 32-bit addresses (in instructions) */
	mov 4(%esi), %edx /* sites of 64-bit addresses (pointers) */
	add $8, %esi
	jecxz 2f
1:	mov (%esi), %eax
	add %ebp, (%eax, %ebp)
	add $4, %esi
	dec %ecx
	jnz 1b
2:	mov %edx, %ecx
	jecxz 3f
	mov %ebp, %edx
	sar $31, %edx /* the offset's sign, for the high halves */
1:	mov (%esi), %eax
	add %ebp, (%eax, %ebp)
	adc %edx, 4(%eax, %ebp)
	add $4, %esi
	dec %ecx
	jnz 1b
	/*
	 * From here on every address is where the loader put us. The ABI gives no stack: ours is
	 * in BSS, which the loader zeroed and nothing else uses yet.
	 */
3:	mov $boot_stack_top, %esp
	mov %edi, boot_entry_state + ENTRY_OFF_EFLAGS
	mov %ebp, boot_load_offset
	sar $31, %ebp
	mov %ebp, boot_load_offset + 4
	/* the first thing measured: under QEMU -icount, TSC ticks count instructions from here */
	rdtsc
	mov %eax, boot_tsc_entry
	mov %edx, boot_tsc_entry + 4
	mov %ebx, boot_raw + BOOTRAW_OFF_EBX
	mov %ebx, boot_entry_state + ENTRY_OFF_EBX /* cpuid in check_long_mode clobbers it */
	cmpl $BOOT_START_MAGIC, (%ebx)
	jne bad_magic
	call copy_start_info
	call check_long_mode
	/* after check_long_mode (rdmsr EFER needs a 64-bit CPU), before anything changes CRx/segments */
	call capture_entry_state

	/* the page tables lie outside the BSS: it is cleared in long mode, eight bytes a step */
	call build_boot_page_tables
	mov $boot_pml4, %eax
	mov %eax, %cr3
	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax
	or boot_efer_nx, %eax
	wrmsr
	mov %cr0, %eax
	or $(CR0_PG | CR0_WP | CR0_PE), %eax
	mov %eax, %cr0
	lgdt boot_gdt_ptr
	ljmp $0x08, $start64

/*
 * capture_entry_state: the control registers, EFER, %ebx and the segments as the loader left them,
 * for apps/conformance to judge against the PVH ABI. Selectors name no descriptor when the loader
 * loaded the hidden parts directly (Xen does, with selector 0): then lar/lsl fail and only what
 * could be read is marked valid. %ebx was recorded on entry (cpuid has clobbered it since).
 */
capture_entry_state:
	push %ebx
	mov %cr0, %eax
	mov %eax, boot_entry_state + ENTRY_OFF_CR0
	mov %cr4, %eax
	mov %eax, boot_entry_state + ENTRY_OFF_CR4
	mov $MSR_EFER, %ecx
	rdmsr
	mov %eax, boot_entry_state + ENTRY_OFF_EFER
	mov %edx, boot_entry_state + ENTRY_OFF_EFER + 4
	sgdt boot_entry_state + ENTRY_OFF_GDTR
	xor %eax, %eax
	mov %cs, %ax
	mov %eax, boot_entry_state + ENTRY_OFF_SEL
	mov %ds, %ax
	mov %eax, boot_entry_state + ENTRY_OFF_SEL + 4
	mov %es, %ax
	mov %eax, boot_entry_state + ENTRY_OFF_SEL + 8
	mov %ss, %ax
	mov %eax, boot_entry_state + ENTRY_OFF_SEL + 12
	str %ax
	mov %eax, boot_entry_state + ENTRY_OFF_SEL + 16
	xor %esi, %esi /* segment slot */
	xor %edi, %edi /* valid bits */
1:	mov boot_entry_state + ENTRY_OFF_SEL(, %esi, 4), %ebx
	lar %ebx, %eax
	jnz 2f
	mov %eax, boot_entry_state + ENTRY_OFF_LAR(, %esi, 4)
	bts %esi, %edi
2:	lsl %ebx, %eax
	jnz 3f
	mov %eax, boot_entry_state + ENTRY_OFF_LSL(, %esi, 4)
	lea 8(%esi), %ecx
	bts %ecx, %edi
3:	/* the descriptor itself, when the selector names a GDT slot inside the GDT's limit */
	test $4, %ebx /* an LDT selector: not followed */
	jnz 4f
	and $0xfff8, %ebx
	jz 4f
	lea 7(%ebx), %eax
	movzwl boot_entry_state + ENTRY_OFF_GDTR, %ecx
	cmp %ecx, %eax
	ja 4f
	add boot_entry_state + ENTRY_OFF_GDTR + 2, %ebx
	mov (%ebx), %eax
	mov %eax, boot_entry_state + ENTRY_OFF_DESC(, %esi, 8)
	mov 4(%ebx), %eax
	mov %eax, boot_entry_state + ENTRY_OFF_DESC + 4(, %esi, 8)
	lea 16(%esi), %ecx
	bts %ecx, %edi
4:	inc %esi
	cmp $ENTRY_NSEG, %esi
	jb 1b
	mov %edi, boot_entry_state + ENTRY_OFF_VALID
	/*
	 * Probes of the hidden state (arch/x86/entry_state.h) at A, the first 64 KiB boundary in the
	 * BSS (cleared afterwards) away from our own stack: with ESP = A, a 16-bit push through a
	 * 32-bit stack lands at A - 2; through a 16-bit one SP wraps to 0xfffe instead.
	 */
	mov $__bss_start + 2 + 0xffff, %eax
	and $0xffff0000, %eax
	lea 4(%eax), %edx
	cmp $__bss_end, %edx
	ja 6f
	mov $boot_stack_top + 2, %edx
	sub %eax, %edx
	cmp $70, %edx
	jbe 6f
	mov $ENTRY_PROBE_RAN, %edi
	mov %esp, %ecx
	mov %eax, %esp
	pushw $0x5a17
	mov %esp, %edx
	mov %ecx, %esp
	sub %eax, %edx
	cmp $-2, %edx
	jne 5f
	or $ENTRY_PROBE_SS_32, %edi
	cmpw $0x5a17, -2(%eax) /* through DS */
	jne 5f
	or $ENTRY_PROBE_SS_BASE, %edi
5:	mov %eax, %edx
	xchg %edx, %edi
	movl $0xe5a5a17e, %eax
	stosl /* through ES */
	xchg %edx, %edi
	cmpl $0xe5a5a17e, -4(%edx)
	jne 5f
	or $ENTRY_PROBE_ES_BASE, %edi
5:	mov %edi, boot_entry_state + ENTRY_OFF_PROBES
6:	movl $ENTRY_STATE_MAGIC, boot_entry_state + ENTRY_OFF_MAGIC
	pop %ebx
	ret

/* check_long_mode: stop with a message on CPUs without long mode; note whether NX exists. */
check_long_mode:
	mov $0x80000000, %eax
	cpuid
	cmp $0x80000001, %eax
	jb 1f
	mov $0x80000001, %eax
	cpuid
	bt $29, %edx
	jnc 1f
	bt $26, %edx
	jnc 3f
	movl $1, boot_pdpe1gb
3:	bt $20, %edx
	jnc 2f
	movl $EFER_NXE, boot_efer_nx
2:	ret
1:	mov $msg_no_lm, %esi
	jmp die32

/*
 * build_boot_page_tables: identity map the first 4 GiB, with four 1 GiB pages where the CPU has
 * them (2048 stores fewer), else with 2 MiB pages; C refines it later.
 */
build_boot_page_tables:
	mov $boot_pdpt + (PTE_P | PTE_W), %eax
	mov %eax, boot_pml4
	cmpl $0, boot_pdpe1gb
	je 3f
	movl $(PTE_P | PTE_W | PTE_PS), boot_pdpt
	movl $(0x40000000 | PTE_P | PTE_W | PTE_PS), boot_pdpt + 8
	movl $(0x80000000 | PTE_P | PTE_W | PTE_PS), boot_pdpt + 16
	movl $(0xc0000000 | PTE_P | PTE_W | PTE_PS), boot_pdpt + 24
	ret
3:	mov $boot_pd, %edi
	mov $boot_pdpt, %esi
	xor %ecx, %ecx
1:	lea PTE_P | PTE_W(%edi), %eax
	mov %eax, (%esi, %ecx, 8)
	add $4096, %edi
	inc %ecx
	cmp $4, %ecx
	jne 1b
	mov $boot_pd, %edi
	mov $(PTE_P | PTE_W | PTE_PS), %eax
	xor %edx, %edx /* high half of the physical address */
	xor %ecx, %ecx
2:	mov %eax, (%edi, %ecx, 8)
	mov %edx, 4(%edi, %ecx, 8)
	add $0x200000, %eax
	adc $0, %edx
	inc %ecx
	cmp $2048, %ecx
	jne 2b
	ret

bad_magic:
	mov $msg_bad_magic, %esi
	jmp die32

/* Placed away from the link address without a relocation table (a first-pass image): stop. */
no_relocs:
	mov $msg_no_relocs, %esi /* not patched: nothing was */
	add %ebp, %esi
	jmp die32

/* die32: print the string at %esi on port 0xE9 and COM1, then stop this vCPU. */
die32:
1:	lodsb
	test %al, %al
	jz 2f
	outb %al, $0xe9
	mov $0x3f8, %dx
	outb %al, %dx
	jmp 1b
	/* On Xen, hlt with interrupts off takes the vCPU down; elsewhere it just stops. */
2:	cli
	hlt
	jmp 2b

	.code64
start64:
	mov $0x10, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	xor %eax, %eax
	mov %eax, %fs
	mov %eax, %gs
	mov $boot_stack_top, %rsp
	/* Clear BSS inline: a call would keep its return address on the stack being cleared. */
	mov $__bss_start, %edi
	mov $__bss_end, %ecx
	sub %edi, %ecx
	shr $3, %ecx /* both ends are page-aligned (link.ld) */
	xor %eax, %eax
	rep stosq
	xor %ebp, %ebp /* ends backtraces */
	mov $boot_raw, %edi
	call kernel_main
	ud2

	.section .rodata.boot, "a"
msg_bad_magic:
	.asciz "pvhkit: bad hvm_start_info magic at %ebx: not started by a PVH loader, stopping\n"
msg_no_lm:
	.asciz "pvhkit: this CPU has no long mode (x86-64), stopping\n"
msg_no_relocs:
	.asciz "pvhkit: loaded away from the link address, and this image has no relocation table: stopping\n"

	.section .data.boot, "aw"
	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff /* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff /* 0x10: data */
boot_gdt_end:
boot_gdt_ptr:
	.word boot_gdt_end - boot_gdt - 1
	.long boot_gdt
	.globl boot_tsc_entry
boot_tsc_entry:
	.quad 0
/* where the loader put the image minus where it was linked (0 unless it honoured PHYS32_RELOC) */
	.globl boot_load_offset
boot_load_offset:
	.quad 0
/* the loader's register state (arch/x86/entry_state.h); set before BSS is cleared, so not in BSS */
	.balign 8
	.globl boot_entry_state
boot_entry_state:
	.skip ENTRY_STATE_SIZE
/* EFER_NXE when the CPU has NX; kept outside BSS because it is set before BSS is cleared */
	.globl boot_efer_nx
boot_efer_nx:
	.long 0
/* 1 when the CPU has 1 GiB pages (CPUID 0x80000001 EDX bit 26); set before BSS is cleared */
boot_pdpe1gb:
	.long 0

/* The staging area: not part of the BSS we clear (the loader zeroed it). */
	.section .bootstage, "aw", @nobits
	.balign 4096
	.globl boot_raw
boot_raw:
	.skip BOOTRAW_SIZE

/*
 * The boot page tables, also outside the BSS (written before it is cleared). Only the entries
 * build_boot_page_tables writes are ever walked: nothing above 4 GiB is touched before C has
 * built its own tables.
 */
	.balign 4096
	.globl boot_pml4, boot_pdpt, boot_pd
boot_pml4:
	.skip 4096
boot_pdpt:
	.skip 4096
boot_pd:
	.skip 4 * 4096

	.bss
	.balign 4096
	/* the guard page: unmapped by paging_init so an overflow faults instead of corrupting */
	.globl boot_stack_guard, boot_stack_top
boot_stack_guard:
	.skip 4096
	.skip 16384
boot_stack_top:
