/* What the SMP files (smp.c, smp_discover.c, ipi.c, cpu_hotplug.c) share among themselves. */
#ifndef KERNEL_SMP_INTERNAL_H
#define KERNEL_SMP_INTERNAL_H

#include <stdint.h>

struct cpu;

#define AP_ARRIVE_TIMEOUT_US 5000000ull /* a slow rig runs 40 vCPUs on 2 CPUs */

/* what an IPI asks of its target (struct cpu's ipi_pending bits) */
#define IPI_RESCHED 0x1
#define IPI_CALL    0x2
#define IPI_TIMER   0x4

/* IPIs are event channels (Xen) rather than LAPIC vectors */
extern int smp_evtchn_ipi;

/* Fills cpus[] from the ACPI MADT (index 0 is this CPU); the number of CPUs to start. */
unsigned smp_discover(void);
/* Spins until *flag == want or timeout_us passed: 0 or -ETIMEDOUT. Yields the vCPU on Xen. */
int smp_wait_flag(const int *flag, int want, uint64_t timeout_us);

/* c's IPI event channel and spinlock kick port (Xen), on c itself or before it starts. */
void ipi_cpu_init(struct cpu *c);
/* The LAPIC IPI vector's handler (no Xen). */
void ipi_vector(void *arg);
/* Sets what in c's pending IPI work and interrupts it. */
void ipi_send(struct cpu *c, uint32_t what);

#endif
