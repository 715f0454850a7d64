/* The run-state API for apps (include/pvhkit/runstate.h) on the areas kernel/vcpu_attach.c registers. */
#include "arch/x86/xen.h"
#include "kernel/cpu.h"
#include "lib/api/api.h"
#include "pvhkit/runstate.h"
#include <xen/vcpu.h>

_Static_assert(PVH_RUNSTATE_RUNNING == RUNSTATE_running &&
		   PVH_RUNSTATE_RUNNABLE == RUNSTATE_runnable &&
		   PVH_RUNSTATE_BLOCKED == RUNSTATE_blocked &&
		   PVH_RUNSTATE_OFFLINE == RUNSTATE_offline,
	       "the API's states are Xen's");
_Static_assert((int)PVH_RUNSTATE_PHYS == (int)XEN_VCPU_AREA_PHYS &&
		   (int)PVH_RUNSTATE_VIRT == (int)XEN_VCPU_AREA_VIRT,
	       "the API's sources are the arch's");

int pvh_cpu_runstate(unsigned cpu, struct pvh_runstate *out)
{
	struct vcpu_runstate_info rs;

	if (cpu >= __atomic_load_n(&cpu_count, __ATOMIC_ACQUIRE) ||
	    xen_vcpu_runstate_read(&cpus[cpu].arch, &rs))
		return -1;
	*out = (struct pvh_runstate){
		.source = __atomic_load_n(&cpus[cpu].arch.runstate_how, __ATOMIC_ACQUIRE),
		.state = rs.state,
		.state_entry_ns = rs.state_entry_time,
		.running_ns = rs.time[RUNSTATE_running],
		.runnable_ns = rs.time[RUNSTATE_runnable],
		.blocked_ns = rs.time[RUNSTATE_blocked],
		.offline_ns = rs.time[RUNSTATE_offline],
		.steal_ns = rs.time[RUNSTATE_runnable] + rs.time[RUNSTATE_offline],
	};
	return 0;
}
