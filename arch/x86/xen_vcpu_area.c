/*
 * The per-vCPU areas Xen writes besides vcpu_info: the pvclock (vcpu_time_info) and the run-state
 * accounting (vcpu_runstate_info).
 * Xen 4.18 lets a guest name both by guest-physical address (VCPUOP_register_vcpu_time_phys_area,
 * VCPUOP_register_runstate_phys_area; advertised by XENFEAT_vcpu_time_phys_area and
 * XENFEAT_runstate_phys_area): Xen maps the page once, instead of translating a virtual address
 * through the guest's page tables at every update as the older VCPUOP_register_runstate_memory_area
 * does. The time area is a second copy of vcpu_info's, updated under the same version protocol
 * (odd while Xen writes). The run-state area holds the current state, when it was entered, and the
 * total time spent in each of the four states; Xen rewrites it at every state change, so a reader
 * on another vCPU copies it until state_entry_time reads the same before and after.
 */
#include <stddef.h>
#include <stdint.h>
#include "arch/x86/cpu_arch.h"
#include "arch/x86/hypercall.h"
#include "arch/x86/xen.h"
#include "base/errno.h"
#include <xen/features.h>
#include <xen/vcpu.h>

int xen_vcpu_time_area_register(struct cpu_arch *c, uint32_t vcpu_id)
{
	struct vcpu_register_time_memory_area a = { .addr.p = (uintptr_t)&c->time_area };

	if (!xen.hypercalls)
		return -ENODEV;
	if (!xen_feature(XENFEAT_vcpu_time_phys_area))
		return -EOPNOTSUPP;
	long r = HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_time_phys_area, vcpu_id, &a);
	if (r)
		return (int)r;
	/* Xen filled it in before returning: readers may switch at once */
	__atomic_store_n(&c->time_info, &c->time_area, __ATOMIC_RELEASE);
	return 0;
}

int xen_vcpu_runstate_register(struct cpu_arch *c, uint32_t vcpu_id)
{
	struct vcpu_register_runstate_memory_area a;
	long r = -EOPNOTSUPP;

	if (!xen.hypercalls)
		return -ENODEV;
	if (xen_feature(XENFEAT_runstate_phys_area)) {
		a.addr.p = (uintptr_t)&c->runstate_area;
		r = HYPERVISOR_vcpu_op(VCPUOP_register_runstate_phys_area, vcpu_id, &a);
		if (!r) {
			__atomic_store_n(&c->runstate_how, XEN_VCPU_AREA_PHYS, __ATOMIC_RELEASE);
			return 0;
		}
	}
	a.addr.v = &c->runstate_area;
	r = HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, vcpu_id, &a);
	if (!r)
		__atomic_store_n(&c->runstate_how, XEN_VCPU_AREA_VIRT, __ATOMIC_RELEASE);
	return (int)r;
}

int xen_vcpu_runstate_read(const struct cpu_arch *c, struct vcpu_runstate_info *out)
{
	const volatile struct vcpu_runstate_info *rs = &c->runstate_area;
	uint64_t t;

	if (__atomic_load_n(&c->runstate_how, __ATOMIC_ACQUIRE) == XEN_VCPU_AREA_NONE)
		return -ENODEV;
	do {
		t = rs->state_entry_time;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		out->state = rs->state;
		for (unsigned i = 0; i < 4; i++)
			out->time[i] = rs->time[i];
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while (rs->state_entry_time != t || (t & XEN_RUNSTATE_UPDATE));
	out->state_entry_time = t & ~XEN_RUNSTATE_UPDATE;
	return 0;
}
