/* Starting an application processor (VCPUOP_initialise/up, INIT-SIPI-SIPI) and the LAPIC IPI. */
#ifndef ARCH_X86_MP_H
#define ARCH_X86_MP_H

#include <stdint.h>

/* What a started AP runs, on the given stack with interrupts off; it never returns. */
typedef void (*mp_ap_fn)(void *arg);

/* Xen: VCPUOP_initialise of vCPU vcpu_id in 64-bit mode on our page tables, to run fn(arg). */
long mp_vcpu_initialise(uint32_t vcpu_id, uint64_t stack_top, mp_ap_fn fn, void *arg);
/* Xen: VCPUOP_up (also what brings back a vCPU that went down); Xen's result. */
long mp_vcpu_up(uint32_t vcpu_id);

/* No Xen: 0, or -ERANGE when the page tables lie above 4 GiB (the 32-bit trampoline's cr3). */
int mp_tramp_check(void);
/* Copies the real-mode trampoline to page (below 1 MiB) and makes it executable. */
void mp_tramp_setup(uint64_t page);
/* The trampoline page is data again (after the last AP started). */
void mp_tramp_release(void);
/*
 * INIT-SIPI-SIPI to apic_id through the trampoline: the AP runs fn(arg) on stack_top. The second
 * STARTUP is not sent once *arrived is set. Whether the AP arrives is the caller's to wait for.
 */
void mp_start_sipi(uint32_t apic_id, uint64_t stack_top, mp_ap_fn fn, void *arg,
		   const int *arrived);
/* A fixed IPI on IRQ_VECTOR_IPI to the CPU with local APIC id apic_id. */
void mp_lapic_ipi(uint32_t apic_id);

#endif
