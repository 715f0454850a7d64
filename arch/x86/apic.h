/* The local APIC, which Xen emulates for PVH guests: enable, EOI, id. */
#ifndef ARCH_X86_APIC_H
#define ARCH_X86_APIC_H

#include <stdint.h>

#define APIC_SPURIOUS_VECTOR 0xff

/* Software-enables this CPU's local APIC (needed for Xen's per-vCPU upcall vector). */
void lapic_enable(void);
void lapic_eoi(void);
uint32_t lapic_id(void);
/* A local APIC register by its xAPIC offset (0x80 TPR, 0x100 ISR, 0x200 IRR, ...), either mode. */
uint32_t lapic_read(uint32_t reg);
/* 1 when the local APIC runs in x2APIC mode (32-bit ids), 0 in xAPIC mode (8-bit ids). */
int lapic_x2apic_mode(void);

#define APIC_ICR_FIXED	 0x0000
#define APIC_ICR_INIT	 0x0500
#define APIC_ICR_STARTUP 0x0600
#define APIC_ICR_ASSERT	 0x4000
/* Sends an interprocessor interrupt: icr is the low ICR word (mode, level, vector). */
void lapic_icr(uint32_t apic_id, uint32_t icr);

#endif
