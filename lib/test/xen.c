/* include/pvhkit/test/xen.h (test images only): the kernel's Xen facts, raw hypercalls, CPUID, registers, per-vCPU state. */
#include "arch/x86/cpu.h"
#include "arch/x86/hypercall.h"
#include "arch/x86/irq.h"
#include "arch/x86/xen.h"
#include "drivers/console/xencons.h"
#include "kernel/cpu.h"
#include "kernel/pvclock.h"
#include "kernel/time.h"
#include "pvhkit/test/xen.h"

_Static_assert(PVH_TEST_CPU_MAX == CPU_MAX, "the test header's CPU_MAX is the kernel's");

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

struct shared_info *pvh_test_shared_info(void)
{
	return xen_shared_info;
}

void pvh_test_cregs(struct pvh_test_cregs *out)
{
	*out = (struct pvh_test_cregs){ read_cr0(), read_cr3(), read_cr4(), rdmsr(MSR_EFER) };
}

void pvh_test_halt_forever(void)
{
	cpu_halt_forever();
}

const void *pvh_test_phys_map(uint64_t paddr, uint64_t len)
{
	uint64_t top = paging_mapped_top();

	if (paddr < 4096 || len > top || paddr > top - len)
		return NULL;
	return (const void *)(uintptr_t)paddr;
}

int pvh_test_vcpu_info(unsigned cpu, struct pvh_test_vcpu_info *out)
{
	if (cpu >= cpu_count)
		return -1;
	const struct cpu_arch *a = &cpus[cpu].arch;

	*out = (struct pvh_test_vcpu_info){
		.registered = a->vcpu_info_registered,
		.system_time = a->vcpu_info ? a->vcpu_info->time.system_time : 0,
		.area_addr = (uintptr_t)&a->vcpu_info_area,
	};
	return 0;
}

void pvh_test_xencons_stats(struct pvh_test_xencons_stats *st)
{
	struct xencons_stats s;

	xencons_get_stats(&s);
	*st = (struct pvh_test_xencons_stats){ s.bytes_out, s.bytes_in, s.full_waits, s.ring_errors,
					       s.bytes_before_connect };
}

int pvh_test_xencons_connection(void)
{
	return xencons_connection_byte();
}

uint32_t pvh_test_xen_features(void)
{
	return xen.features;
}

/* A copy of one vcpu_time_info under its version lock: the version it was read at. */
static uint32_t time_copy(const volatile struct vcpu_time_info *t, struct pvh_test_timecopy *out)
{
	struct pvclock_snapshot s;
	uint8_t flags;
	uint32_t v = time_info_copy(t, &s, &flags, NULL);

	*out = (struct pvh_test_timecopy){ .version = v,
					   .mul = s.mul,
					   .tsc_timestamp = s.tsc_timestamp,
					   .system_time = s.system_time,
					   .shift = s.shift,
					   .flags = flags };
	return v;
}

int pvh_test_vcpu_time(unsigned cpu, struct pvh_test_vcpu_time *out)
{
	if (cpu >= cpu_count)
		return -1;
	const struct cpu_arch *a = &cpus[cpu].arch;
	const volatile struct vcpu_time_info *phys =
	    __atomic_load_n(&a->time_info, __ATOMIC_ACQUIRE);

	*out = (struct pvh_test_vcpu_time){ .phys_registered = phys != NULL };
	if (!a->vcpu_info)
		return 0;
	for (int tries = 0; tries < 1000; tries++) {
		struct pvh_test_timecopy again;
		uint32_t v = time_copy(&a->vcpu_info->time, &out->master);

		if (phys)
			time_copy(phys, &out->phys);
		if (time_copy(&a->vcpu_info->time, &again) == v) {
			out->same_moment = 1;
			break;
		}
	}
	return 0;
}
