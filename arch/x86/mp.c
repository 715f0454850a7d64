/*
 * Starting an application processor, the mechanism only (which CPUs, when, and what they run is
 * kernel/smp.c's): VCPUOP_initialise + VCPUOP_up on Xen, or INIT-SIPI-SIPI through a trampoline
 * below 1 MiB without it (arch/x86/mp_entry.S); and the LAPIC IPI that wakes a CPU without Xen.
 *
 * Why 64-bit vcpu_hvm_context mode on Xen: the AP needs nothing but our page tables, a stack
 * and an entry point, and Xen loads flat 64-bit segments itself, so the AP starts straight in
 * long mode at mp_ap_entry64 and then loads its own GDT/TSS/IDT. The 32-bit mode would send it
 * through boot.S's entry, which is written for the boot CPU (start-info copy, BSS clearing,
 * boot page tables) and would need a second path through it, plus segment attributes that
 * Xen validates one by one. Nothing here needs memory below 4 GiB or below 1 MiB on Xen.
 */
#include <stddef.h>
#include "arch/x86/apic.h"
#include "arch/x86/cpu.h"
#include "arch/x86/hypercall.h"
#include "arch/x86/irq.h"
#include "arch/x86/mp.h"
#include "arch/x86/tsc.h"
#include "base/errno.h"
#include "base/string.h"
#include <xen/hvm/hvm_vcpu.h>

void mp_ap_entry64(void);
extern const char mp_tramp[], mp_tramp_end[];
extern const char mp_tr_gdt_ptr[], mp_tr_far32[], mp_tr_cr3[], mp_tr_efer_extra[], mp_tr_stack[],
    mp_tr_fn[], mp_tr_arg[];

static uint64_t tramp_page;

long mp_vcpu_initialise(uint32_t vcpu_id, uint64_t stack_top, mp_ap_fn fn, void *arg)
{
	struct vcpu_hvm_context ctx = { .mode = VCPU_HVM_MODE_64B };

	/* straight into long mode on our page tables; Xen loads flat 64-bit segments */
	ctx.cpu_regs.x86_64 = (struct vcpu_hvm_x86_64){
		.rip = (uintptr_t)mp_ap_entry64,
		.rsp = stack_top,
		.rdi = (uintptr_t)arg,
		.rsi = (uintptr_t)fn,
		.rflags = 0x2,
		.cr0 = read_cr0(),
		.cr3 = read_cr3(),
		.cr4 = read_cr4(),
		.efer = rdmsr(MSR_EFER),
	};
	return HYPERVISOR_vcpu_op(VCPUOP_initialise, vcpu_id, &ctx);
}

long mp_vcpu_up(uint32_t vcpu_id)
{
	return HYPERVISOR_vcpu_op(VCPUOP_up, vcpu_id, NULL);
}

int mp_tramp_check(void)
{
	return read_cr3() >> 32 ? -ERANGE : 0;
}

void mp_tramp_setup(uint64_t page)
{
	uint8_t *t = (uint8_t *)(uintptr_t)page;
	size_t n = (size_t)(mp_tramp_end - mp_tramp);

	memcpy(t, mp_tramp, n);
	/* the copy's absolute addresses: GDT base and the far jump into 32-bit code */
	uint32_t *gdt_base = (uint32_t *)(t + (mp_tr_gdt_ptr - mp_tramp) + 2);
	uint32_t *far32 = (uint32_t *)(t + (mp_tr_far32 - mp_tramp));
	*gdt_base += (uint32_t)page;
	*far32 += (uint32_t)page;
	*(uint32_t *)(t + (mp_tr_cr3 - mp_tramp)) = (uint32_t)read_cr3();
	*(uint32_t *)(t + (mp_tr_efer_extra - mp_tramp)) = (uint32_t)(rdmsr(MSR_EFER) & EFER_NXE);
	/* the AP runs this page with paging on for one jump: it must be executable meanwhile */
	paging_protect(page, PAGING_RWX);
	tramp_page = page;
}

void mp_tramp_release(void)
{
	if (tramp_page)
		paging_protect(tramp_page, PAGING_RW);
}

void mp_start_sipi(uint32_t apic_id, uint64_t stack_top, mp_ap_fn fn, void *arg, const int *arrived)
{
	uint8_t *t = (uint8_t *)(uintptr_t)tramp_page;

	*(uint64_t *)(t + (mp_tr_stack - mp_tramp)) = stack_top;
	*(uint64_t *)(t + (mp_tr_fn - mp_tramp)) = (uintptr_t)fn;
	*(uint64_t *)(t + (mp_tr_arg - mp_tramp)) = (uintptr_t)arg;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	/* the MP specification's sequence: INIT, 10 ms, then two STARTUPs 200 us apart */
	lapic_icr(apic_id, APIC_ICR_INIT | APIC_ICR_ASSERT);
	tsc_udelay(10000);
	for (int i = 0; i < 2 && !__atomic_load_n(arrived, __ATOMIC_ACQUIRE); i++) {
		lapic_icr(apic_id, APIC_ICR_STARTUP | (uint32_t)(tramp_page >> 12));
		tsc_udelay(200);
	}
}

void mp_lapic_ipi(uint32_t apic_id)
{
	lapic_icr(apic_id, APIC_ICR_FIXED | APIC_ICR_ASSERT | IRQ_VECTOR_IPI);
}
