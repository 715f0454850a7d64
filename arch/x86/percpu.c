/* The per-CPU array and the GS base that selects each CPU's entry. */
#include "arch/x86/cpu.h"
#include "arch/x86/percpu.h"

struct cpu cpus[CPU_MAX];

void percpu_init(unsigned index, uint32_t vcpu_id)
{
	struct cpu *c = &cpus[index];

	c->self = c;
	c->index = index;
	c->vcpu_id = vcpu_id;
	wrmsr(MSR_GS_BASE, (uintptr_t)c);
}
