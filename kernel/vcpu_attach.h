/* Attaching one vCPU to Xen: the one routine run at AP start and at hot-plug. */
#ifndef KERNEL_VCPU_ATTACH_H
#define KERNEL_VCPU_ATTACH_H

struct cpu;

/*
 * On c itself (c == this_cpu()), interrupts off, before it runs threads: its upcall vector, its
 * VIRQ_TIMER and its IPI (and spinlock-kick) event channels; without Xen's event channels only
 * the local APIC is enabled. Its vcpu_info is registered by the CPU that starts it (kernel/smp.c).
 * A vCPU taken down and up again (VCPUOP_down/VCPUOP_up) keeps all of it.
 */
void vcpu_attach(struct cpu *c);

#endif
