/* The PVH start info's copy into boot_raw: 32-bit, paging off, no stack beyond the caller's (tests/unit/boot32 runs it too). */
#include "arch/x86/bootraw.h"

	.section .text.boot, "ax"
	.code32

/* copy_start_info: %ebx = start info. Copies it and what it points to into boot_raw. */
	.globl copy_start_info
copy_start_info:
	mov %ebx, %esi
	mov $boot_raw + BOOTRAW_OFF_SI, %edi
	mov $SI_SIZE, %ecx
	rep movsb
	/* the version-0 structure is shorter: do not trust the v1 fields we copied */
	cmpl $1, SI_VERSION(%ebx)
	jae 1f
	movl $0, boot_raw + BOOTRAW_OFF_SI + SI_MEMMAP_PADDR
	movl $0, boot_raw + BOOTRAW_OFF_SI + SI_MEMMAP_PADDR + 4
	movl $0, boot_raw + BOOTRAW_OFF_SI + SI_MEMMAP_ENTRIES
1:
	/* command line: byte by byte up to its NUL, so nothing past it is ever read */
	mov SI_CMDLINE_PADDR(%ebx), %eax
	mov SI_CMDLINE_PADDR + 4(%ebx), %edx
	mov $boot_raw + BOOTRAW_OFF_CMDLINE, %edi
	mov $BOOTRAW_CMDLINE_MAX, %ecx
	call copy_string
	jc 1f
	orl $BOOTRAW_HAVE_CMDLINE, boot_raw + BOOTRAW_OFF_COPIED
1:
	/* memory map: at most BOOTRAW_MEMMAP_MAX entries */
	mov boot_raw + BOOTRAW_OFF_SI + SI_MEMMAP_ENTRIES, %ecx
	cmp $BOOTRAW_MEMMAP_MAX, %ecx
	jbe 2f
	mov $BOOTRAW_MEMMAP_MAX, %ecx
2:	imul $MEMMAP_ENTRY_SIZE, %ecx
	mov boot_raw + BOOTRAW_OFF_SI + SI_MEMMAP_PADDR, %eax
	mov boot_raw + BOOTRAW_OFF_SI + SI_MEMMAP_PADDR + 4, %edx
	mov $boot_raw + BOOTRAW_OFF_MEMMAP, %edi
	call copy_region
	jc 1f
	orl $BOOTRAW_HAVE_MEMMAP, boot_raw + BOOTRAW_OFF_COPIED
1:
	/* module list: at most BOOTRAW_MODS_MAX entries, then each module's command line */
	mov SI_NR_MODULES(%ebx), %ecx
	cmp $BOOTRAW_MODS_MAX, %ecx
	jbe 2f
	mov $BOOTRAW_MODS_MAX, %ecx
2:	push %ecx
	shl $5, %ecx /* MOD_ENTRY_SIZE */
	mov SI_MODLIST_PADDR(%ebx), %eax
	mov SI_MODLIST_PADDR + 4(%ebx), %edx
	mov $boot_raw + BOOTRAW_OFF_MODLIST, %edi
	call copy_region
	pop %ecx
	jc 9f
	orl $BOOTRAW_HAVE_MODLIST, boot_raw + BOOTRAW_OFF_COPIED
	xor %ebp, %ebp /* module index */
3:	cmp %ecx, %ebp
	jae 9f
	push %ecx
	mov %ebp, %esi
	shl $5, %esi
	mov boot_raw + BOOTRAW_OFF_MODLIST + MOD_CMDLINE_PADDR(%esi), %eax
	mov boot_raw + BOOTRAW_OFF_MODLIST + MOD_CMDLINE_PADDR + 4(%esi), %edx
	mov %ebp, %edi
	shl $8, %edi /* BOOTRAW_MODCMD_MAX */
	add $boot_raw + BOOTRAW_OFF_MODCMD, %edi
	mov $BOOTRAW_MODCMD_MAX, %ecx
	call copy_string
	jc 4f
	lea 3(%ebp), %ecx
	mov $1, %eax
	shl %cl, %eax
	or %eax, boot_raw + BOOTRAW_OFF_COPIED
4:	pop %ecx
	inc %ebp
	jmp 3b
9:	ret

/* copy_region: copy %ecx bytes from physical %edx:%eax to %edi. CF set when absent or not below 4 GiB. */
copy_region:
	call source_ok
	jc 1f
	add %eax, %ecx
	jc 1f
	sub %eax, %ecx
	mov %eax, %esi
	rep movsb
	clc
1:	ret

/* copy_string: like copy_region, but stops after the NUL; at most %ecx bytes. */
copy_string:
	call source_ok
	jc 3f /* absent or high: nothing copied, and the caller must know */
	mov %eax, %esi
1:	lodsb
	stosb
	test %al, %al
	jz 2f
	test %esi, %esi /* wrapped past 4 GiB */
	jz 3f
	loop 1b
2:	clc
	ret
3:	stc
	ret

/* source_ok: CF clear iff %edx:%eax is present (non-zero) and below 4 GiB (paging is off). */
source_ok:
	test %edx, %edx
	jnz 1f
	test %eax, %eax
	jz 1f
	clc
	ret
1:	stc
	ret
