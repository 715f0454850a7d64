/* Tests of the vCPU operations (xen/include/public/vcpu.h, hvm/hvm_vcpu.h): is_up, initialise, down/up, vcpu_info. */
#include <stdint.h>
#include <xen/xen.h>
#include <xen/vcpu.h>
#include <xen/hvm/hvm_vcpu.h>
#include "conf_guest.h"
#include "conf_rules.h"
#include <pvhkit/smp.h>
#include <xen/errno.h>
#include <pvhkit/thread.h>

#define VCPU_H "xen/include/public/vcpu.h"

static int need_xen(struct conf_result *r)
{
	if (!conf_have_xen()) {
		conf_skip(r, "not running on Xen (no hypercalls)");
		return 0;
	}
	return 1;
}

/* The MADT's processors, or NULL with r set to SKIP. */
static const struct pvh_test_acpi_cpu *madt(struct pvh_test_acpi_madt *m, struct conf_result *r)
{
	const void *t;
	uint32_t len;
	const struct pvh_test_acpi_cpu *c;
	const char *why;

	if (conf_madt_get(&t, &len, m, &c, &why)) {
		conf_skip(r, "no usable MADT to learn the vCPUs from (%s)", why ? why : "?");
		return NULL;
	}
	return c;
}

static int cpu_of_vcpu(uint32_t vcpu)
{
	for (unsigned i = 0; i < conf_cpu_count(); i++)
		if (conf_cpu_vcpu(i) == vcpu)
			return (int)i;
	return -1;
}

static void t_is_up(struct conf_result *r, const struct conf_expect *e)
{
	struct pvh_test_acpi_madt m;
	const struct pvh_test_acpi_cpu *c;
	unsigned up = 0;

	(void)e;
	if (!need_xen(r) || !(c = madt(&m, r)))
		return;
	for (unsigned i = 0; i < m.ncpus; i++) {
		int k = cpu_of_vcpu(c[i].uid);
		int want = k >= 0 && conf_cpu_online(k);
		long rc = pvh_test_vcpu_op(VCPUOP_is_up, c[i].uid, NULL);
		if (rc != want) {
			conf_fail(r, "expected VCPUOP_is_up(%u) = %d (%s), saw %ld", c[i].uid, want,
				  want ? "running" : "never started", rc);
			return;
		}
		up += want;
	}
	/* libxl gives the domain exactly the MADT's vCPUs: one more does not exist, and vcpu.h
	 * names no error for that: any error is a refusal (Xen says -ENOENT) */
	long rc = pvh_test_vcpu_op(VCPUOP_is_up, m.ncpus, NULL);
	if (rc >= 0) {
		conf_fail(r, "expected VCPUOP_is_up(%u) (beyond max_vcpus) refused, saw %ld",
			  m.ncpus, rc);
		return;
	}
	conf_pass(r, "%u of %u vCPUs up as started; vCPU %u does not exist (refused: %ld)", up,
		  m.ncpus, m.ncpus, rc);
}

/* A 64-bit context that would run halt_here on our page tables (if Xen ever took it). */
static void ctx64(struct vcpu_hvm_context *ctx)
{
	static uint8_t stack[512] __attribute__((aligned(16)));
	struct pvh_test_cregs cr;

	pvh_test_cregs(&cr);
	*ctx = (struct vcpu_hvm_context){ .mode = VCPU_HVM_MODE_64B };
	ctx->cpu_regs.x86_64.rip = (uintptr_t)pvh_test_halt_forever;
	ctx->cpu_regs.x86_64.rsp = (uintptr_t)(stack + sizeof(stack));
	ctx->cpu_regs.x86_64.cr0 = cr.cr0;
	ctx->cpu_regs.x86_64.cr3 = cr.cr3;
	ctx->cpu_regs.x86_64.cr4 = cr.cr4;
	ctx->cpu_regs.x86_64.efer = cr.efer;
	ctx->cpu_regs.x86_64.rflags = 2;
}

static void t_init_running(struct conf_result *r, const struct conf_expect *e)
{
	struct vcpu_hvm_context ctx;

	(void)e;
	if (!need_xen(r))
		return;
	ctx64(&ctx);
	/* CPU 0's vCPU: certainly initialised and running. vcpu.h: "Each VCPU can be initialised
	 * only once"; it names no error, so any refusal passes (Xen: -EEXIST) */
	long rc = pvh_test_vcpu_op(VCPUOP_initialise, conf_cpu_vcpu(0), &ctx);
	if (rc >= 0)
		conf_fail(r,
			  "expected VCPUOP_initialise on running vCPU %u refused (only once per "
			  "vCPU), saw %ld (accepted)",
			  conf_cpu_vcpu(0), rc);
	else
		conf_pass(r, "refused: %ld%s", rc, rc == -XEN_EEXIST ? " (-EEXIST)" : "");
}

static void t_bad_context(struct conf_result *r, const struct conf_expect *e)
{
	struct pvh_test_acpi_madt m;
	const struct pvh_test_acpi_cpu *c;
	struct vcpu_hvm_context bad[3];

	(void)e;
	if (!need_xen(r) || !(c = madt(&m, r)))
		return;
	/* a vCPU never initialised: only then does Xen look at the context (else -EEXIST first) */
	int v = -1;
	for (unsigned i = 0; i < m.ncpus && v < 0; i++)
		if (cpu_of_vcpu(c[i].uid) < 0 &&
		    pvh_test_vcpu_op(VCPUOP_is_up, c[i].uid, NULL) == 0)
			v = (int)c[i].uid;
	if (v < 0) {
		conf_skip(r, "no vCPU left uninitialised (run with maxvcpus > vcpus)");
		return;
	}
	/* 32-bit, CS a data segment; 64-bit without paging; an unknown mode */
	bad[0] = (struct vcpu_hvm_context){ .mode = VCPU_HVM_MODE_32B };
	struct vcpu_hvm_x86_32 *x = &bad[0].cpu_regs.x86_32;
	x->eip = (uint32_t)(uintptr_t)pvh_test_halt_forever;
	x->eflags = 2;
	x->cr0 = 1;
	x->cs_limit = x->ds_limit = x->ss_limit = x->es_limit = ~0u;
	x->cs_ar = 0xc93; /* data, not code */
	x->ds_ar = x->ss_ar = x->es_ar = 0xc93;
	x->tr_ar = 0x8b;
	x->tr_limit = 0x67;
	ctx64(&bad[1]);
	bad[1].cpu_regs.x86_64.cr0 &= ~(1ull << 31);
	ctx64(&bad[2]);
	bad[2].mode = 7;
	static const char *const what[] = { "a 32-bit context whose CS is a data segment",
					    "a 64-bit context with CR0.PG clear", "mode 7" };
	/* hvm_vcpu.h defines the valid contexts; which error an invalid one gets is Xen's
	 * choice (-EINVAL today): any refusal passes, and the errors are reported */
	long rcs[3];
	for (unsigned i = 0; i < 3; i++) {
		long rc = pvh_test_vcpu_op(VCPUOP_initialise, (unsigned)v, &bad[i]);
		if (rc >= 0) {
			conf_fail(r, "expected VCPUOP_initialise(%d) with %s refused, saw %ld", v,
				  what[i], rc);
			return;
		}
		rcs[i] = rc;
	}
	long up = pvh_test_vcpu_op(VCPUOP_is_up, (unsigned)v, NULL);
	if (up != 0)
		conf_fail(r, "expected vCPU %d still down after refused contexts, saw is_up %ld", v,
			  up);
	else
		conf_pass(r, "vCPU %d: 3 bad contexts refused (%ld, %ld, %ld), still down", v,
			  rcs[0], rcs[1], rcs[2]);
}

static void bump(void *arg)
{
	(*(volatile int *)arg)++;
}

static void t_down_up(struct conf_result *r, const struct conf_expect *e)
{
	(void)e;
	if (!need_xen(r))
		return;
	unsigned victim = 0;
	for (unsigned i = 1; i < conf_cpu_count(); i++)
		if (conf_cpu_online(i))
			victim = i;
	if (!victim) {
		conf_skip(r, "one CPU only: no AP to take down");
		return;
	}
	pvh_thread_pin(NULL, 0);
	uint32_t v = conf_cpu_vcpu(victim);
	int rc = pvh_cpu_offline(victim);
	if (rc) {
		conf_error(r, "taking CPU %u (vCPU %u) down failed: %d", victim, v, rc);
		return;
	}
	long up = pvh_test_vcpu_op(VCPUOP_is_up, v, NULL);
	if (up != 0) {
		pvh_cpu_online(victim);
		conf_fail(r, "expected VCPUOP_is_up(%u) = 0 after VCPUOP_down, saw %ld", v, up);
		return;
	}
	rc = pvh_cpu_online(victim);
	up = pvh_test_vcpu_op(VCPUOP_is_up, v, NULL);
	if (rc || up != 1) {
		conf_fail(r, "expected vCPU %u back up after VCPUOP_up, saw rc %d, is_up %ld", v,
			  rc, up);
		return;
	}
	volatile int ran = 0;
	if (pvh_cpu_call(victim, bump, (void *)&ran) || !ran) {
		conf_fail(r, "expected vCPU %u to run work after VCPUOP_up, saw no response", v);
		return;
	}
	conf_pass(r, "vCPU %u down (is_up 0) and up again (is_up 1, runs work)", v);
}

static void t_vcpu_info(struct conf_result *r, const struct conf_expect *e)
{
	unsigned n = 0;
	long refused = 0; /* the error a repeat got (the same for every vCPU so far) */
	int mixed = 0;

	(void)e;
	if (!need_xen(r))
		return;
	for (unsigned i = 0; i < conf_cpu_count(); i++) {
		struct pvh_test_vcpu_info vi;
		uint32_t vcpu = conf_cpu_vcpu(i);
		if (!conf_cpu_online(i) || pvh_test_vcpu_info(i, &vi))
			continue;
		if (!vi.registered) {
			conf_fail(
			    r,
			    "expected VCPUOP_register_vcpu_info to succeed for vCPU %u, it did not",
			    vcpu);
			return;
		}
		/* Xen writes the registered copy: its pvclock moves */
		if (!vi.system_time) {
			conf_fail(r,
				  "expected Xen to keep vCPU %u's registered vcpu_info (time) up "
				  "to date, saw 0",
				  vcpu);
			return;
		}
		uint64_t a = vi.area_addr;
		struct vcpu_register_vcpu_info info = { .mfn = a >> 12, .offset = a & 0xfff };
		long rc = pvh_test_vcpu_op(VCPUOP_register_vcpu_info, vcpu, &info);
		/* vcpu.h: "may be called only once per vcpu"; it names no error, and Xen's
		 * changed (4.17 -EINVAL, 4.20 -EBUSY): any error is a refusal */
		if (rc >= 0) {
			conf_fail(
			    r,
			    "expected a second register_vcpu_info for vCPU %u refused (once per "
			    "vCPU), saw %ld (accepted)",
			    vcpu, rc);
			return;
		}
		if (n && rc != refused)
			mixed = 1;
		refused = rc;
		n++;
	}
	conf_pass(
	    r, "%u vCPU%s registered, Xen updates them, a second registration is refused (%s%ld)",
	    n, n == 1 ? "" : "s", mixed ? "errors differ, last " : "", refused);
}

const struct conf_test conf_tests_vcpu[] = {
	{ "vcpu.is-up", "VCPUOP_is_up: 1 for running vCPUs, 0 for others, refused past max_vcpus",
	  VCPU_H, t_is_up },
	{ "vcpu.init-running", "VCPUOP_initialise on an initialised vCPU is refused (only once)",
	  VCPU_H ", xen/arch/x86/domain.c arch_initialise_vcpu", t_init_running },
	{ "vcpu.bad-context", "VCPUOP_initialise refuses invalid vcpu_hvm_contexts (any error)",
	  "xen/include/public/hvm/hvm_vcpu.h, xen/arch/x86/hvm/domain.c", t_bad_context },
	{ "vcpu.down-up", "VCPUOP_down then VCPUOP_up of an AP; is_up follows; it runs again",
	  VCPU_H, t_down_up },
	{ "vcpu.vcpu-info",
	  "VCPUOP_register_vcpu_info for every vCPU; Xen updates it; only once per vCPU", VCPU_H,
	  t_vcpu_info },
	{ 0 },
};
