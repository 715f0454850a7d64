/* Per-vCPU run-state accounting from Xen: time running, waiting for a physical CPU (steal), blocked, offline. */
#ifndef PVHKIT_RUNSTATE_H
#define PVHKIT_RUNSTATE_H

#include <stdint.h>

/* how the kernel learns a vCPU's run state from Xen (struct pvh_runstate's source) */
enum pvh_runstate_source {
	PVH_RUNSTATE_NONE, /* no run-state area: not on Xen, or Xen refused it */
	PVH_RUNSTATE_PHYS, /* by physical address (VCPUOP_register_runstate_phys_area, Xen 4.18+) */
	PVH_RUNSTATE_VIRT, /* by virtual address (VCPUOP_register_runstate_memory_area) */
};

/* the vCPU's state as Xen last wrote it (Xen's RUNSTATE_* values) */
enum pvh_runstate_state {
	PVH_RUNSTATE_RUNNING = 0,
	PVH_RUNSTATE_RUNNABLE = 1, /* wants a physical CPU, Xen runs somebody else */
	PVH_RUNSTATE_BLOCKED = 2,  /* idle, waiting for an event */
	PVH_RUNSTATE_OFFLINE = 3,  /* down, or descheduled by Xen for another reason */
};

struct pvh_runstate {
	int source;		 /* enum pvh_runstate_source */
	int state;		 /* enum pvh_runstate_state, as of state_entry_ns */
	uint64_t state_entry_ns; /* Xen system time the vCPU entered that state */
	/* Xen system time spent in each state since the vCPU was created, in ns */
	uint64_t running_ns, runnable_ns, blocked_ns, offline_ns;
	/* time the vCPU could have run but did not: runnable + offline (as Linux counts steal) */
	uint64_t steal_ns;
};

/* CPU cpu's run state: 0, or -1 for a CPU that does not exist or has no run-state area. */
int pvh_cpu_runstate(unsigned cpu, struct pvh_runstate *out);

#endif
