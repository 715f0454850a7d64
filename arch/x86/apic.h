/* The local APIC, which Xen emulates for PVH guests: enable, EOI, id. */
#ifndef ARCH_X86_APIC_H
#define ARCH_X86_APIC_H

#include <stdint.h>

#define APIC_SPURIOUS_VECTOR 0xff

/* Software-enables this CPU's local APIC (needed for Xen's per-vCPU upcall vector). */
void lapic_enable(void);
void lapic_eoi(void);
uint32_t lapic_id(void);

#endif
