/* Attaching one vCPU to Xen (kernel/vcpu_attach.h): its memory areas, then its event delivery. */
#include <stddef.h>
#include "arch/x86/apic.h"
#include "arch/x86/xen.h"
#include "base/errno.h"
#include "kernel/cpu.h"
#include "kernel/evtchn.h"
#include "kernel/printk.h"
#include "kernel/smp_internal.h"
#include "kernel/timer.h"
#include "kernel/vcpu_attach.h"
#include <xen/features.h>

void vcpu_attach_areas(struct cpu *c)
{
	int r;

	if (!xen.hypercalls)
		return;
	/* returns at once when already registered: Xen takes it once per vCPU */
	r = xen_vcpu_info_register(&c->arch, c->vcpu_id);
	if (r)
		pr_err("xen: vCPU %u: VCPUOP_register_vcpu_info failed (%d)\n", c->vcpu_id, r);
	if (!c->arch.time_info) {
		r = xen_vcpu_time_area_register(&c->arch, c->vcpu_id);
		if (r && r != -EOPNOTSUPP)
			pr_warn("xen: vCPU %u: VCPUOP_register_vcpu_time_phys_area refused (%d): "
				"the pvclock is read from vcpu_info\n",
				c->vcpu_id, r);
	}
	if (c->arch.runstate_how == XEN_VCPU_AREA_NONE) {
		r = xen_vcpu_runstate_register(&c->arch, c->vcpu_id);
		if (r)
			pr_warn("xen: vCPU %u: no run-state area (%d): no steal time for it\n",
				c->vcpu_id, r);
	}
}

void vcpu_attach_events(struct cpu *c)
{
	if (!smp_evtchn_ipi) {
		lapic_enable();
		return;
	}
	evtchn_cpu_init(c);
	if (!c->timer_port)
		timer_cpu_init();
	if (!c->ipi_port)
		ipi_cpu_init(c);
}

void vcpu_attach(struct cpu *c)
{
	vcpu_attach_areas(c);
	vcpu_attach_events(c);
}

void vcpu_attach_forget(struct cpu *c)
{
	c->arch.vcpu_info_registered = 0;
	__atomic_store_n(&c->arch.time_info, NULL, __ATOMIC_RELEASE);
	__atomic_store_n(&c->arch.runstate_how, XEN_VCPU_AREA_NONE, __ATOMIC_RELEASE);
	c->timer_port = 0;
	c->ipi_port = 0;
	c->kick_port = 0;
}

void vcpu_attach_report(unsigned n)
{
	unsigned time = 0, rs_phys = 0, rs_virt = 0;

	if (!xen.hypercalls)
		return;
	for (unsigned i = 0; i < n; i++) {
		time += cpus[i].arch.time_info != NULL;
		rs_phys += cpus[i].arch.runstate_how == XEN_VCPU_AREA_PHYS;
		rs_virt += cpus[i].arch.runstate_how == XEN_VCPU_AREA_VIRT;
	}
	/* what Xen offered decides, never its version: both bits are asked at boot */
	pr_info(
	    "xen: pvclock area by physical address on %u of %u vCPUs (XENFEAT_vcpu_time_phys_area "
	    "%s)%s\n",
	    time, n, xen_feature(XENFEAT_vcpu_time_phys_area) ? "offered" : "not offered",
	    time < n ? ", the others read vcpu_info's" : "");
	pr_info("xen: run-state area on %u of %u vCPUs: %u by physical address "
		"(XENFEAT_runstate_phys_area %s), %u by virtual address\n",
		rs_phys + rs_virt, n, rs_phys,
		xen_feature(XENFEAT_runstate_phys_area) ? "offered" : "not offered", rs_virt);
}
