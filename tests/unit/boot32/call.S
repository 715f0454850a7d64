/* cdecl entry into boot.S's copy_start_info for the 32-bit host test: it takes %ebx and clobbers the rest. */
	.text
	.globl call_copy_start_info
call_copy_start_info:
	push %ebp
	push %ebx
	push %esi
	push %edi
	mov 20(%esp), %ebx
	cld
	call copy_start_info
	pop %edi
	pop %esi
	pop %ebx
	pop %ebp
	ret
	.section .note.GNU-stack, "", @progbits
