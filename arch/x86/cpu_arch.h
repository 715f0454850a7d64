/* The x86 part of each CPU's per-CPU data (kernel/cpu.h embeds it), and the GS base that finds it. */
#ifndef ARCH_X86_CPU_ARCH_H
#define ARCH_X86_CPU_ARCH_H

#include <stdint.h>
#include <xen/xen.h>
#include "arch/x86/cpu.h"

/* CPUs with descriptor tables reserved in arch/x86/cpu.c: the kernel's CPU_MAX may not exceed it */
#define ARCH_CPU_MAX 64
#define MSR_GS_BASE  0xc0000101

struct cpu_arch {
	uint32_t apic_id; /* the local APIC id: the INIT-SIPI and IPI target without Xen */
	/* descriptor tables (arch/x86/cpu.c) */
	uint64_t *gdt;
	void *tss;
	/* Xen: where this vCPU's event flags and pvclock live (registered copy, or shared info's) */
	struct vcpu_info *vcpu_info;
	int vcpu_info_registered;
	/* Xen's vcpu_info, 64 bytes, must not straddle a page: aligned to its size */
	struct vcpu_info vcpu_info_area __attribute__((aligned(64)));
};

/*
 * The per-CPU block this CPU's GS base points at. Its first word must hold its own address, so
 * one load from %gs:0 finds it without knowing the CPU's index.
 */
static inline void *arch_cpu_self(void)
{
	void *c;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(c));
	return c;
}

/* Points this CPU's GS base at self, whose first word is self. */
static inline void arch_cpu_self_set(void *self)
{
	wrmsr(MSR_GS_BASE, (uintptr_t)self);
}

#endif
