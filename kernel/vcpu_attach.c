/*
 * Attaching one vCPU to Xen: what a CPU needs from Xen before it runs threads, in one place for
 * every way a CPU starts (an AP at boot, a vCPU hot-plugged by `xl vcpu-set`).
 */
#include "arch/x86/apic.h"
#include "kernel/cpu.h"
#include "kernel/evtchn.h"
#include "kernel/smp_internal.h"
#include "kernel/timer.h"
#include "kernel/vcpu_attach.h"

void vcpu_attach(struct cpu *c)
{
	if (smp_evtchn_ipi) {
		evtchn_cpu_init(c);
		timer_cpu_init();
		ipi_cpu_init(c);
	} else {
		lapic_enable();
	}
}
