/*
 * Bringing the application processors up: each CPU the MADT lists (kernel/smp_discover.c) gets
 * its tables and guarded stacks, then is started (arch/x86/mp.c: VCPUOP_initialise/VCPUOP_up on
 * Xen, INIT-SIPI-SIPI without) and waited for; on arrival it sets itself up and becomes its idle
 * thread. Every line this prints is what the boot tests look for.
 */
#include <stddef.h>
#include "arch/x86/apic.h"
#include "arch/x86/cpu.h"
#include "arch/x86/irq.h"
#include "arch/x86/mp.h"
#include "arch/x86/spinlock.h"
#include "arch/x86/tsc.h"
#include "arch/x86/xen.h"
#include "base/errno.h"
#include "kernel/cpu.h"
#include "kernel/evtchn.h"
#include "kernel/pmem.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/smp.h"
#include "kernel/smp_internal.h"
#include "kernel/stack.h"
#include "kernel/timer.h"
#include "kernel/vcpu_attach.h"
#include <xen/arch-x86/cpuid.h>

#define LOW_1M 0x100000ull

struct smp_stats smp_stats;
int smp_evtchn_ipi;

int smp_wait_flag(const int *flag, int want, uint64_t timeout_us)
{
	uint64_t end = tsc_deadline_us(timeout_us);

	for (unsigned i = 1; __atomic_load_n(flag, __ATOMIC_ACQUIRE) != want; i++) {
		if ((int64_t)(rdtsc() - end) >= 0)
			return -ETIMEDOUT;
		cpu_relax();
		if (!(i % 1024))
			spin_yield_vcpu();
	}
	return 0;
}

/* ---- the AP's side ---- */

/* Checks Xen's own idea of who we are (CPUID leaf +4) against the MADT's. */
static void check_vcpu_id(struct cpu *c)
{
	uint32_t a, b, cx, d;

	if (!xen.present)
		return;
	cpuid(xen.cpuid_base + 4, 0, &a, &b, &cx, &d);
	if ((a & XEN_HVM_CPUID_VCPU_ID_PRESENT) && b != c->vcpu_id) {
		/* record it; the message waits until this CPU can print safely */
		__atomic_fetch_add(&smp_stats.vcpu_id_mismatch, 1, __ATOMIC_RELAXED);
		c->vcpu_id = b;
	}
}

/* Where a started AP arrives (from arch/x86/mp_entry.S), on its own stack, interrupts off. */
static __attribute__((noreturn)) void ap_main(void *arg)
{
	struct cpu *c = arg;

	arch_cpu_self_set(c);
	cpu_init_ap(&c->arch);
	traps_load();
	check_vcpu_id(c);
	vcpu_attach(c); /* the areas Xen writes for this vCPU, its upcall vector, timer and IPIs */
	sched_ap_enter(c); /* publishes c->online and becomes this CPU's idle thread */
}

/* ---- starting one AP ---- */

static int start_xen(struct cpu *c, uint64_t stack_top)
{
	long r = mp_vcpu_initialise(c->vcpu_id, stack_top, ap_main, c);
	if (r) {
		pr_err("smp: VCPUOP_initialise(vCPU %u) failed: %ld\n", c->vcpu_id, r);
		return (int)r;
	}
	r = mp_vcpu_up(c->vcpu_id);
	if (r)
		pr_err("smp: VCPUOP_up(vCPU %u) failed: %ld\n", c->vcpu_id, r);
	return (int)r;
}

/* The INIT-SIPI trampoline's page below 1 MiB, set up once. */
static int tramp_setup(void)
{
	static uint64_t page;

	if (page)
		return 0;
	if (mp_tramp_check()) {
		pr_err("smp: page tables above 4 GiB: the 32-bit trampoline cannot load them\n");
		return -ERANGE;
	}
	page = pmem_alloc_below(&kernel_pmem, 1, LOW_1M);
	if (!page) {
		pr_err("smp: no free page below 1 MiB for the AP trampoline\n");
		return -ENOMEM;
	}
	mp_tramp_setup(page);
	return 0;
}

static int start_sipi(struct cpu *c, uint64_t stack_top)
{
	int r = tramp_setup();

	if (!r)
		mp_start_sipi(c->arch.apic_id, stack_top, ap_main, c, &c->online);
	return r;
}

/*
 * Guarded stacks for an AP: done for every AP (and every vCPU that may be hot-plugged) before the
 * first one starts, because splitting a large page for a guard page flushes only this CPU's TLB.
 */
int smp_stacks_alloc(struct ap_stacks *s)
{
	if (!(s->top = stack_alloc_guarded(AP_STACK_PAGES)) || cpu_ist_stacks(s->ist)) {
		s->top = 0; /* what was allocated stays: this is boot, and memory is short anyway */
		return -ENOMEM;
	}
	return 0;
}

int smp_start_ap(struct cpu *c, const struct ap_stacks *s)
{
	uint32_t madt_uid = c->vcpu_id;
	uint64_t t0;
	int r = cpu_prepare(&c->arch, c->index);

	/* a CPU that has its tables (r == 1) has its IST stacks too */
	if (r == 0 && s->top)
		cpu_ist_set(&c->arch, s->ist);
	if (r < 0 || !s->top) {
		pr_err("smp: no memory for CPU %u's stacks\n", c->index);
		return -ENOMEM;
	}
	if (xen.hypercalls && (r = xen_vcpu_info_register(&c->arch, c->vcpu_id))) {
		pr_err("smp: vCPU %u: VCPUOP_register_vcpu_info failed (%d)%s\n", c->vcpu_id, r,
		       c->vcpu_id >= XEN_LEGACY_MAX_VCPUS ? ", and it has no slot in shared info"
							  : "");
		if (c->vcpu_id >= XEN_LEGACY_MAX_VCPUS)
			return r;
	}
	t0 = rdtsc();
	r = xen.hypercalls ? start_xen(c, s->top) : start_sipi(c, s->top);
	if (!r)
		r = smp_wait_flag(&c->online, 1, AP_ARRIVE_TIMEOUT_US);
	c->boot_ticks = rdtsc() - t0;
	if (r == -ETIMEDOUT)
		pr_err("smp: CPU %u (%s %u) did not arrive within %lu ms\n", c->index,
		       xen.present ? "vCPU" : "APIC id", xen.present ? c->vcpu_id : c->arch.apic_id,
		       (unsigned long)(AP_ARRIVE_TIMEOUT_US / 1000));
	if (!r && c->vcpu_id != madt_uid)
		pr_warn(
		    "smp: CPU %u: the MADT says vCPU %u, CPUID leaf +4 says %u (CPUID's is used)\n",
		    c->index, madt_uid, c->vcpu_id);
	return r;
}

/* ---- the boot CPU's side ---- */

static void bsp_init(struct cpu *bsp)
{
	smp_evtchn_ipi = evtchn_available();
	if (cpu_ist_alloc(bsp))
		pr_warn("smp: no memory for the boot CPU's guarded IST stacks\n");
	if (smp_evtchn_ipi)
		ipi_cpu_init(bsp);
	else if (irq_register(IRQ_VECTOR_IPI, ipi_vector, NULL) == 0)
		lapic_enable();
	bsp->online = 1;
}

/* the boot-time APs' stacks, kept for a restart (smp_restart_ap) */
static struct ap_stacks stacks[CPU_MAX];

int smp_restart_ap(struct cpu *c)
{
	const struct ap_stacks *s = stacks[c->index].top ? &stacks[c->index] : NULL;

	for (unsigned i = 0; !s && i < smp_nspares; i++)
		if (smp_spares[i].vcpu_id == c->vcpu_id)
			s = &smp_spares[i].stacks;
	if (!s)
		return -ENOMEM;
	/* nothing runs on it: its old context (the idle thread included) is gone with the domain */
	__atomic_store_n(&c->offline_req, 0, __ATOMIC_RELEASE);
	sched_cpu_open(c);
	int r = smp_start_ap(c, s);
	if (!r)
		pr_info("smp: CPU %u started again (vCPU %u: a new domain kept no context of it)\n",
			c->index, c->vcpu_id);
	return r;
}

static void start_all(unsigned n)
{

	for (unsigned i = 1; i < n; i++)
		smp_stacks_alloc(&stacks[i]);
	/* the vCPUs `xl vcpu-set` may add later get theirs now, for the same reason */
	smp_spares_prepare();
	for (unsigned i = 1; i < n; i++) {
		struct cpu *c = &cpus[i];

		__atomic_store_n(&cpu_count, i + 1, __ATOMIC_RELEASE);
		if (smp_start_ap(c, &stacks[i])) {
			smp_stats.failed++;
			continue;
		}
		smp_stats.online++;
		smp_stats.bringup_ticks += c->boot_ticks;
		if (xen.present)
			pr_info("smp: CPU %u up (vCPU %u, APIC id %u) in %lu us\n", c->index,
				c->vcpu_id, c->arch.apic_id, tsc_ticks_to_us(c->boot_ticks));
		else
			pr_info("smp: CPU %u up (APIC id %u) in %lu us\n", c->index,
				c->arch.apic_id, tsc_ticks_to_us(c->boot_ticks));
	}
	mp_tramp_release();
}

int smp_init(void)
{
	bsp_init(&cpus[0]);
	unsigned n = smp_discover();
	/* cpus[] entries are filled; start each AP and let the count include it only once it lives */
	smp_stats.online = 1;
	start_all(n);
	if (xen.hypercalls) {
		unsigned reg = 0;
		for (unsigned i = 0; i < n; i++)
			reg += cpus[i].arch.vcpu_info_registered;
		pr_info(
		    "smp: vcpu_info of %u of %u CPUs registered with VCPUOP_register_vcpu_info\n",
		    reg, n);
		vcpu_attach_report(n);
	}
	if (n > 1)
		pr_info("smp: %u CPUs online, %u failed, %u disabled in the MADT; %s\n",
			smp_stats.online, smp_stats.failed, smp_stats.disabled,
			xen.hypercalls ? "started with VCPUOP_initialise/VCPUOP_up"
				       : "started with INIT-SIPI-SIPI");
	else
		pr_info("smp: 1 CPU online\n");
	return 0;
}
