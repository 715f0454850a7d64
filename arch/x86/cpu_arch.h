/* The x86 part of each CPU's per-CPU data (kernel/cpu.h embeds it), and the GS base that finds it. */
#ifndef ARCH_X86_CPU_ARCH_H
#define ARCH_X86_CPU_ARCH_H

#include <stdint.h>
#include <xen/xen.h>
#include <xen/vcpu.h>
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
	/*
	 * Areas Xen writes for this vCPU besides vcpu_info (arch/x86/xen_vcpu_area.c): the pvclock
	 * by physical address (4.18's VCPUOP_register_vcpu_time_phys_area; NULL time_info: read the
	 * copy in vcpu_info) and the run-state accounting (XEN_VCPU_AREA_*: how it is registered).
	 * Neither may straddle a page: each is aligned to a power of two at least its size.
	 */
	volatile struct vcpu_time_info *time_info;
	uint8_t runstate_how;
	struct vcpu_time_info time_area __attribute__((aligned(32)));
	struct vcpu_runstate_info runstate_area __attribute__((aligned(64)));
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
