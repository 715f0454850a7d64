/* include/pvhkit/test/xen.h (test images only): the kernel's Xen facts, raw hypercalls, CPUID, interrupt masking. */
#include "arch/x86/cpu.h"
#include "arch/x86/hypercall.h"
#include "arch/x86/irq.h"
#include "arch/x86/xen.h"
#include "pvhkit/test/xen.h"

void pvh_test_xen_info(struct pvh_test_xen *out)
{
	*out = (struct pvh_test_xen){ xen.present, xen.hypercalls, xen.cpuid_base, xen.version };
}

long pvh_test_hypercall(unsigned op, unsigned long a1, unsigned long a2, unsigned long a3)
{
	return hypercall3(op, a1, a2, a3);
}

long pvh_test_xen_version(int cmd, void *arg)
{
	return HYPERVISOR_xen_version(cmd, arg);
}

long pvh_test_vcpu_op(int cmd, unsigned vcpu, void *arg)
{
	return HYPERVISOR_vcpu_op(cmd, vcpu, arg);
}

void pvh_test_cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	cpuid(leaf, sub, a, b, c, d);
}

unsigned long pvh_test_irq_save(void)
{
	return irq_save();
}

void pvh_test_irq_restore(unsigned long flags)
{
	irq_restore(flags);
}
