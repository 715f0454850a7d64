/* The per-CPU array, and the GS base that selects each CPU's entry. */
#include <stddef.h>
#include "kernel/cpu.h"

struct cpu cpus[CPU_MAX];
unsigned cpu_count = 1;

void percpu_init(unsigned index, uint32_t vcpu_id)
{
	struct cpu *c = &cpus[index];

	c->self = c;
	c->index = index;
	c->vcpu_id = vcpu_id;
	arch_cpu_self_set(c);
}

struct cpu *cpu_by_vcpu(uint32_t vcpu_id)
{
	for (unsigned i = 0; i < __atomic_load_n(&cpu_count, __ATOMIC_ACQUIRE); i++)
		if (cpus[i].vcpu_id == vcpu_id)
			return &cpus[i];
	return NULL;
}
