/*
 * Attaching one vCPU to Xen: everything a CPU needs from Xen before it runs threads, in one place
 * for every way a CPU starts (an AP at boot, a vCPU hot-plugged by `xl vcpu-set`): its vcpu_info
 * registered (before it starts: Xen writes it from the first event on), then, on the vCPU itself,
 * its upcall vector, its one-shot timer's VIRQ and its IPI event channel.
 * A vCPU taken down and up again (VCPUOP_down/VCPUOP_up) keeps all of it: Xen keeps the
 * registration and the bindings of a vCPU that is merely down.
 */
#include "arch/x86/apic.h"
#include "arch/x86/xen.h"
#include "kernel/cpu.h"
#include "kernel/evtchn.h"
#include "kernel/printk.h"
#include "kernel/smp_internal.h"
#include "kernel/timer.h"
#include "kernel/vcpu_attach.h"

int vcpu_attach_info(struct cpu *c)
{
	int r;

	if (!xen.hypercalls || !(r = xen_vcpu_info_register(&c->arch, c->vcpu_id)))
		return 0;
	pr_err("smp: vCPU %u: VCPUOP_register_vcpu_info failed (%d)%s\n", c->vcpu_id, r,
	       c->vcpu_id >= XEN_LEGACY_MAX_VCPUS ? ", and it has no slot in shared info" : "");
	/* below 32 the shared info's legacy slot serves instead */
	return c->vcpu_id >= XEN_LEGACY_MAX_VCPUS ? r : 0;
}

void vcpu_attach_self(struct cpu *c)
{
	if (smp_evtchn_ipi) {
		evtchn_cpu_init(c);
		timer_cpu_init();
		ipi_cpu_init(c);
	} else {
		lapic_enable();
	}
}
