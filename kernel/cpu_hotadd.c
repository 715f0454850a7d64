/*
 * vCPUs that exist but were not started at boot (the MADT lists them, not enabled: the domain's
 * maxvcpus is above its vcpus), started later when the toolstack brings them online. Each gets,
 * at boot, its stacks (a guard page splits a large page, which only the boot CPU's TLB learns
 * of before the APs run); at hot-plug its struct cpu, its tables and the very start-up a boot-time
 * AP gets (kernel/smp.c: vcpu_info, VCPUOP_initialise/VCPUOP_up, then on it kernel/vcpu_attach.c's
 * upcall vector, timer and IPI channel, and its idle thread with its run queue).
 */
#include <stddef.h>
#include "arch/x86/tsc.h"
#include "base/errno.h"
#include "kernel/cpu.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/smp_internal.h"

void smp_spares_prepare(void)
{
	for (unsigned i = 0; i < smp_nspares; i++)
		if (smp_stacks_alloc(&smp_spares[i].stacks))
			pr_warn("smp: no memory for vCPU %u's stacks: it cannot be hot-plugged\n",
				smp_spares[i].vcpu_id);
}

static struct smp_spare *spare_of(uint32_t vcpu_id)
{
	for (unsigned i = 0; i < smp_nspares; i++)
		if (smp_spares[i].vcpu_id == vcpu_id)
			return &smp_spares[i];
	return NULL;
}

int smp_vcpu_known(uint32_t vcpu_id)
{
	return cpu_by_vcpu(vcpu_id) || spare_of(vcpu_id);
}

int smp_hotadd(uint32_t vcpu_id)
{
	struct smp_spare *sp = spare_of(vcpu_id);
	unsigned n = __atomic_load_n(&cpu_count, __ATOMIC_ACQUIRE);

	if (!sp)
		return -ENOENT;
	if (!sp->stacks.top)
		return -ENOMEM;
	if (n >= CPU_MAX || n >= smp_cpu_limit)
		return -ENOSPC;
	struct cpu *c = &cpus[n];
	c->self = c;
	c->index = n;
	c->vcpu_id = vcpu_id;
	c->arch.apic_id = sp->apic_id;
	/* counted before it starts, as at boot: its event channels are bound by its index */
	__atomic_store_n(&cpu_count, n + 1, __ATOMIC_RELEASE);
	int r = smp_start_ap(c, &sp->stacks);
	if (r) {
		smp_stats.failed++;
		return r;
	}
	pr_info("smp: CPU %u up (vCPU %u, APIC id %u, hot-plugged) in %lu us\n", c->index,
		c->vcpu_id, c->arch.apic_id, (unsigned long)tsc_ticks_to_us(c->boot_ticks));
	return 0;
}
