/* Attaching one vCPU to Xen (vcpu_info, upcall vector, timer, IPI channel): one routine for every start. */
#ifndef KERNEL_VCPU_ATTACH_H
#define KERNEL_VCPU_ATTACH_H

struct cpu;

/* From the CPU that starts c, before it starts: registers c's vcpu_info. 0 or a negative errno. */
int vcpu_attach_info(struct cpu *c);
/* On c itself, interrupts off, before it runs threads: upcall vector, VIRQ_TIMER, IPI channel. */
void vcpu_attach_self(struct cpu *c);

#endif
