/* Tests of the per-vCPU areas by physical address (vcpu.h, Xen 4.18+): the pvclock copy and the run-state area. */
#include <stdint.h>
#include <xen/xen.h>
#include <xen/features.h>
#include <xen/vcpu.h>
#include "apps/conformance/conf.h"
#include "apps/conformance/conf_guest.h"
#include "arch/x86/xen.h"
#include "kernel/cpu.h"
#include "kernel/sched.h"
#include "kernel/time.h"
#include <pvhkit/runstate.h>
#include <pvhkit/smp.h>
#include <pvhkit/thread.h>

#define VCPU_H "xen/include/public/vcpu.h (VCPUOP_register_*_phys_area), features.h"

/* A copy of one vcpu_time_info under its version lock: the version it was read at. */
static uint32_t time_copy(volatile struct vcpu_time_info *t, struct vcpu_time_info *out)
{
	uint32_t v;

	do {
		v = t->version;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		out->tsc_timestamp = t->tsc_timestamp;
		out->system_time = t->system_time;
		out->tsc_to_system_mul = t->tsc_to_system_mul;
		out->tsc_shift = t->tsc_shift;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((v & 1) || v != t->version);
	return v;
}

/*
 * vcpu.h: the secondary copy "is updated whenever the master copy is updated (and using the same
 * versioning scheme)". So a read of the copy between two equal reads of the master (vcpu_info's)
 * holds the same parameters. Retried a few times: Xen may update between the reads.
 */
static int same_as_master(struct cpu *c, struct vcpu_time_info *m, struct vcpu_time_info *s)
{
	for (int tries = 0; tries < 1000; tries++) {
		struct vcpu_time_info m2;
		uint32_t v1 = time_copy(&c->arch.vcpu_info->time, m);
		time_copy(c->arch.time_info, s);
		uint32_t v2 = time_copy(&c->arch.vcpu_info->time, &m2);
		if (v1 != v2)
			continue;
		return m->system_time == s->system_time && m->tsc_timestamp == s->tsc_timestamp &&
		       m->tsc_to_system_mul == s->tsc_to_system_mul && m->tsc_shift == s->tsc_shift;
	}
	return 1; /* never a quiet moment: nothing to judge (not seen on the rig) */
}

static void t_time_phys(struct conf_result *r, const struct conf_expect *e)
{
	unsigned n = 0;

	(void)e;
	if (!conf_have_xen()) {
		conf_skip(r, "not running on Xen (no hypercalls)");
		return;
	}
	if (!xen_feature(XENFEAT_vcpu_time_phys_area)) {
		conf_skip(r, "Xen does not offer XENFEAT_vcpu_time_phys_area (before 4.18): the "
			     "pvclock is read from vcpu_info");
		return;
	}
	for (unsigned i = 0; i < cpu_count; i++) {
		struct cpu *c = &cpus[i];
		struct vcpu_time_info m, s;

		if (!c->online)
			continue;
		if (!c->arch.time_info) {
			conf_fail(
			    r,
			    "expected VCPUOP_register_vcpu_time_phys_area to take vCPU %u's area "
			    "(XENFEAT_vcpu_time_phys_area is offered), it was refused",
			    c->vcpu_id);
			return;
		}
		if (!same_as_master(c, &m, &s)) {
			conf_fail(
			    r,
			    "expected vCPU %u's physical-address time area to match vcpu_info's "
			    "copy, saw system_time %lu vs %lu",
			    c->vcpu_id, (unsigned long)s.system_time, (unsigned long)m.system_time);
			return;
		}
		n++;
	}
	conf_pass(r, "%u vCPU%s: the area registered by physical address follows vcpu_info's", n,
		  n == 1 ? "" : "s");
}

/* Blocks this thread (and, with nothing else to run, its vCPU) for ms milliseconds. */
static void nap(unsigned ms)
{
	pvh_sleep_ns((uint64_t)ms * 1000000);
}

static void t_runstate(struct conf_result *r, const struct conf_expect *e)
{
	struct pvh_runstate a, b;
	unsigned self;
	uint64_t now;

	(void)e;
	if (!conf_have_xen()) {
		conf_skip(r, "not running on Xen (no hypercalls)");
		return;
	}
	int phys = xen_feature(XENFEAT_runstate_phys_area);
	for (unsigned i = 0; i < cpu_count; i++) {
		if (!cpus[i].online)
			continue;
		if (pvh_cpu_runstate(i, &a)) {
			conf_fail(r, "expected a run-state area for vCPU %u (%s), Xen refused it",
				  cpus[i].vcpu_id,
				  phys ? "VCPUOP_register_runstate_phys_area, offered"
				       : "VCPUOP_register_runstate_memory_area");
			return;
		}
		if (phys && a.source != PVH_RUNSTATE_PHYS) {
			conf_fail(r,
				  "expected vCPU %u's run-state area by physical address "
				  "(XENFEAT_runstate_phys_area offered), it was refused",
				  cpus[i].vcpu_id);
			return;
		}
		if (a.state < RUNSTATE_running || a.state > RUNSTATE_offline) {
			conf_fail(r, "expected a RUNSTATE_* value for vCPU %u, saw %d",
				  cpus[i].vcpu_id, a.state);
			return;
		}
	}
	/* read by the vCPU itself, the state is always running (vcpu.h, note 2) */
	sched_pin(NULL, 0);
	self = pvh_cpu_self();
	pvh_cpu_runstate(self, &a);
	now = time_vcpu_ns(NULL);
	if (a.state != RUNSTATE_running || a.state_entry_ns > now || !a.running_ns) {
		conf_fail(
		    r,
		    "expected vCPU %u's own area to say running since before now (%lu ns) with "
		    "running time, saw state %d since %lu, running %lu ns",
		    cpus[self].vcpu_id, (unsigned long)now, a.state,
		    (unsigned long)a.state_entry_ns, (unsigned long)a.running_ns);
		sched_pin(NULL, -1);
		return;
	}
	/* an idle stretch is accounted: the blocked (or, preempted, runnable) time grows */
	nap(50);
	pvh_cpu_runstate(self, &b);
	sched_pin(NULL, -1);
	if (b.blocked_ns + b.runnable_ns + b.offline_ns <=
		a.blocked_ns + a.runnable_ns + a.offline_ns ||
	    b.running_ns < a.running_ns || b.state_entry_ns <= a.state_entry_ns) {
		conf_fail(
		    r,
		    "expected Xen to account a 50 ms sleep of vCPU %u, saw blocked %lu -> %lu "
		    "ns, entry %lu -> %lu",
		    cpus[self].vcpu_id, (unsigned long)a.blocked_ns, (unsigned long)b.blocked_ns,
		    (unsigned long)a.state_entry_ns, (unsigned long)b.state_entry_ns);
		return;
	}
	conf_pass(r,
		  "by %s; vCPU %u: running %lu ms, blocked %lu ms, steal %lu us; a 50 ms "
		  "sleep added %lu ms blocked",
		  phys ? "physical address"
		       : "virtual address (XENFEAT_runstate_phys_area not offered)",
		  cpus[self].vcpu_id, (unsigned long)(b.running_ns / 1000000),
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
