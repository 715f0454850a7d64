/* Tests of the per-vCPU areas by physical address (vcpu.h, Xen 4.18+): the pvclock copy and the run-state area. */
#include <stdint.h>
#include <xen/xen.h>
#include <xen/features.h>
#include <xen/vcpu.h>
#include "conf.h"
#include "conf_guest.h"
#include <pvhkit/runstate.h>
#include <pvhkit/smp.h>
#include <pvhkit/thread.h>
#include <pvhkit/test/kernel.h>
#include <pvhkit/test/xen.h>

#define VCPU_H "xen/include/public/vcpu.h (VCPUOP_register_*_phys_area), features.h"

static int offered(unsigned bit)
{
	return (pvh_test_xen_features() >> bit) & 1;
}

static int online(unsigned cpu)
{
	struct pvh_cpu_info ci;

	return pvh_cpu_info(cpu, &ci) == 0 && ci.online;
}

/*
 * vcpu.h: the secondary copy "is updated whenever the master copy is updated (and using the same
 * versioning scheme)". So a read of it between two equal reads of the master (vcpu_info's) holds
 * the same parameters and version.
 */
static void t_time_phys(struct conf_result *r, const struct conf_expect *e)
{
	unsigned n = 0;

	(void)e;
	if (!conf_have_xen()) {
		conf_skip(r, "not running on Xen (no hypercalls)");
		return;
	}
	if (!offered(XENFEAT_vcpu_time_phys_area)) {
		conf_skip(r, "Xen does not offer XENFEAT_vcpu_time_phys_area (before 4.18): the "
			     "pvclock is read from vcpu_info");
		return;
	}
	for (unsigned i = 0; i < pvh_cpu_count(); i++) {
		struct pvh_test_vcpu_time t;
		struct pvh_cpu_info ci;

		if (!online(i) || pvh_test_vcpu_time(i, &t) || pvh_cpu_info(i, &ci))
			continue;
		if (!t.phys_registered) {
			conf_fail(
			    r,
			    "expected VCPUOP_register_vcpu_time_phys_area to take vCPU %u's area "
			    "(XENFEAT_vcpu_time_phys_area is offered), it was refused",
			    ci.vcpu_id);
			return;
		}
		/* never a quiet moment: nothing to judge for this vCPU (not seen on the rig) */
		if (t.same_moment &&
		    (t.master.system_time != t.phys.system_time ||
		     t.master.tsc_timestamp != t.phys.tsc_timestamp || t.master.mul != t.phys.mul ||
		     t.master.shift != t.phys.shift)) {
			conf_fail(
			    r,
			    "expected vCPU %u's physical-address time area to match vcpu_info's "
			    "copy, saw system_time %lu vs %lu",
			    ci.vcpu_id, (unsigned long)t.phys.system_time,
			    (unsigned long)t.master.system_time);
			return;
		}
		n++;
	}
	conf_pass(r, "%u vCPU%s: the area registered by physical address follows vcpu_info's", n,
		  n == 1 ? "" : "s");
}

static void t_runstate(struct conf_result *r, const struct conf_expect *e)
{
	struct pvh_runstate a, b;
	struct pvh_cpu_info ci;
	unsigned self;
	uint64_t now;

	(void)e;
	if (!conf_have_xen()) {
		conf_skip(r, "not running on Xen (no hypercalls)");
		return;
	}
	int phys = offered(XENFEAT_runstate_phys_area);
	for (unsigned i = 0; i < pvh_cpu_count(); i++) {
		if (!online(i) || pvh_cpu_info(i, &ci))
			continue;
		if (pvh_cpu_runstate(i, &a)) {
			conf_fail(r, "expected a run-state area for vCPU %u (%s), Xen refused it",
				  ci.vcpu_id,
				  phys ? "VCPUOP_register_runstate_phys_area, offered"
				       : "VCPUOP_register_runstate_memory_area");
			return;
		}
		if (phys && a.source != PVH_RUNSTATE_PHYS) {
			conf_fail(r,
				  "expected vCPU %u's run-state area by physical address "
				  "(XENFEAT_runstate_phys_area offered), it was refused",
				  ci.vcpu_id);
			return;
		}
		if (a.state < RUNSTATE_running || a.state > RUNSTATE_offline) {
			conf_fail(r, "expected a RUNSTATE_* value for vCPU %u, saw %d", ci.vcpu_id,
				  a.state);
			return;
		}
	}
	/* read by the vCPU itself, the state is always running (vcpu.h, note 2) */
	pvh_thread_pin(NULL, 0);
	self = pvh_cpu_self();
	pvh_cpu_info(self, &ci);
	pvh_cpu_runstate(self, &a);
	now = pvh_test_vcpu_ns(NULL);
	/*
	 * Not compared with now: state_entry_time is Xen's own clock at the switch, while the
	 * guest's pvclock extrapolates from its last update (4.17 on the rig: 5 ms ahead of it)
	 */
	if (a.state != RUNSTATE_running || !a.running_ns) {
		conf_fail(
		    r,
		    "expected vCPU %u's own area to say running, with running time, saw state "
		    "%d since %lu (pvclock now %lu), running %lu ns",
		    ci.vcpu_id, a.state, (unsigned long)a.state_entry_ns, (unsigned long)now,
		    (unsigned long)a.running_ns);
		pvh_thread_pin(NULL, -1);
		return;
	}
	/* an idle stretch is accounted: the blocked (or, preempted, runnable) time grows */
	pvh_sleep_ns(50 * 1000000ull);
	pvh_cpu_runstate(self, &b);
	pvh_thread_pin(NULL, -1);
	if (b.blocked_ns + b.runnable_ns + b.offline_ns <=
		a.blocked_ns + a.runnable_ns + a.offline_ns ||
	    b.running_ns < a.running_ns || b.state_entry_ns <= a.state_entry_ns) {
		conf_fail(
		    r,
		    "expected Xen to account a 50 ms sleep of vCPU %u, saw blocked %lu -> %lu "
		    "ns, entry %lu -> %lu",
		    ci.vcpu_id, (unsigned long)a.blocked_ns, (unsigned long)b.blocked_ns,
		    (unsigned long)a.state_entry_ns, (unsigned long)b.state_entry_ns);
		return;
	}
	conf_pass(r,
		  "by %s; vCPU %u: running %lu ms, blocked %lu ms, steal %lu us; a 50 ms sleep "
		  "added %lu ms blocked",
		  phys ? "physical address"
		       : "virtual address (XENFEAT_runstate_phys_area not offered)",
		  ci.vcpu_id, (unsigned long)(b.running_ns / 1000000),
		  (unsigned long)(b.blocked_ns / 1000000), (unsigned long)(b.steal_ns / 1000),
		  (unsigned long)((b.blocked_ns - a.blocked_ns) / 1000000));
}

const struct conf_test conf_tests_vcpu_area[] = {
	{ "vcpu.time-phys-area",
	  "XENFEAT_vcpu_time_phys_area: each vCPU's pvclock copy by physical address, updated with "
	  "vcpu_info's",
	  VCPU_H, t_time_phys },
	{ "vcpu.runstate-area",
	  "each vCPU's run-state area (by physical address where XENFEAT_runstate_phys_area is "
	  "offered): RUNSTATE_* values, running when read by itself, idle time accounted",
	  VCPU_H, t_runstate },
	{ 0 },
};
