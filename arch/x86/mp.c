/*
 * Application processors: found in the ACPI MADT, started with VCPUOP_initialise + VCPUOP_up on
 * Xen or INIT-SIPI-SIPI without it, then IPIs (remote calls, reschedule kicks) and, on Xen,
 * taking a CPU offline and back with VCPUOP_down / VCPUOP_up.
 *
 * Why 64-bit vcpu_hvm_context mode on Xen: the AP needs nothing but our page tables, a stack
 * and an entry point, and Xen loads flat 64-bit segments itself, so the AP starts straight in
 * long mode at mp_ap_entry64 and then loads its own GDT/TSS/IDT. The 32-bit mode would send it
 * through boot.S's entry, which is written for the boot CPU (start-info copy, BSS clearing,
 * boot page tables) and would need a second path through it, plus segment attributes that
 * Xen validates one by one. Nothing here needs memory below 4 GiB or below 1 MiB on Xen.
 */
#include <stddef.h>
#include "arch/x86/apic.h"
#include "arch/x86/cpu.h"
#include "arch/x86/hypercall.h"
#include "arch/x86/irq.h"
#include "arch/x86/mp.h"
#include "arch/x86/percpu.h"
#include "arch/x86/spinlock_pv.h"
#include "arch/x86/xen.h"
#include "drivers/acpi/acpi.h"
#include "kernel/boot.h"
#include "base/errno.h"
#include "kernel/evtchn.h"
#include "kernel/pmem.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "base/string.h"
#include <xen/arch-x86/cpuid.h>
#include <xen/hvm/hvm_vcpu.h>

#define AP_STACK_PAGES	     4
#define AP_ARRIVE_TIMEOUT_US 5000000ull /* a slow rig runs 40 vCPUs on 2 CPUs */
#define OFFLINE_TIMEOUT_US   5000000ull
#define CALL_TIMEOUT_US	     5000000ull
#define LOW_1M		     0x100000ull
#define FALLBACK_TSC_HZ                                                                            \
	3000000000ull /* assumed when nobody says: delays come out long, not short */

#define IPI_RESCHED 0x1
#define IPI_CALL    0x2
#define IPI_TIMER   0x4

void mp_ap_entry64(void);
extern const char mp_tramp[], mp_tramp_end[];
extern const char mp_tr_gdt_ptr[], mp_tr_far32[], mp_tr_cr3[], mp_tr_efer_extra[], mp_tr_stack[],
    mp_tr_cpu[];

struct mp_stats mp_stats;
static struct acpi_cpu madt_cpus[CPU_MAX * 4];
static uint64_t tsc_hz;
static int use_evtchn_ipi; /* IPIs are event channels (Xen) rather than LAPIC vectors */
static uint64_t tramp_page;

/* ---- time for waits: pvclock where there is Xen, else the TSC at its stated frequency ---- */

static uint64_t tsc_rate(void)
{
	uint32_t a, b, c, d;

	if (tsc_hz)
		return tsc_hz;
	tsc_hz = time_tsc_hz();
	cpuid(0, 0, &a, &b, &c, &d);
	if (!tsc_hz && a >= 0x15) {
		cpuid(0x15, 0, &a, &b, &c, &d);
		if (a && b && c)
			tsc_hz = (uint64_t)c * b / a;
	}
	if (!tsc_hz && a >= 0x16) {
		cpuid(0x16, 0, &a, &b, &c, &d);
		tsc_hz = (uint64_t)(a & 0xffff) * 1000000;
	}
	if (!tsc_hz)
		tsc_hz = FALLBACK_TSC_HZ;
	return tsc_hz;
}

static uint64_t ticks_to_us(uint64_t t)
{
	return t / (tsc_rate() / 1000000);
}

static void udelay(uint64_t us)
{
	uint64_t end = rdtsc() + us * (tsc_rate() / 1000000);

	while ((int64_t)(rdtsc() - end) < 0)
		cpu_relax();
}

/* Spins until *flag == want or timeout_us passed: 0 or -ETIMEDOUT. Yields the vCPU on Xen. */
static int wait_flag(const int *flag, int want, uint64_t timeout_us)
{
	uint64_t end = rdtsc() + timeout_us * (tsc_rate() / 1000000);

	for (unsigned i = 1; __atomic_load_n(flag, __ATOMIC_ACQUIRE) != want; i++) {
		if ((int64_t)(rdtsc() - end) >= 0)
			return -ETIMEDOUT;
		cpu_relax();
		if (!(i % 1024))
			spin_yield_vcpu();
	}
	return 0;
}

/* ---- discovery ---- */

/* ACPI tables are read through the identity map: anything mapped but page 0 (never mapped). */
static const void *acpi_map(void *ctx, uint64_t paddr, uint64_t len)
{
	(void)ctx;
	if (paddr < PAGE_SIZE || len > paging_mapped_top() || paddr > paging_mapped_top() - len)
		return NULL;
	return (const void *)(uintptr_t)paddr;
}

static const struct acpi_mem acpi_guest_mem = { acpi_map, NULL };

/* "acpi_dump": every table the root points to, as hex lines tests/unit fixtures are made of */
static void dump_region(uint64_t paddr, uint32_t len)
{
	const uint8_t *p = acpi_map(NULL, paddr, len);
	char line[80];

	if (!p)
		return;
	for (uint32_t off = 0; off < len; off += 32) {
		int n = 0;

		for (uint32_t i = off; i < len && i < off + 32; i++) {
			line[n++] = "0123456789abcdef"[p[i] >> 4];
			line[n++] = "0123456789abcdef"[p[i] & 15];
		}
		line[n] = 0;
		pr_info("acpi-dump: %016lx %s\n", paddr + off, line);
	}
}

static void dump_table(uint64_t paddr)
{
	const uint8_t *h = acpi_map(NULL, paddr, ACPI_HDR_LEN);
	uint32_t len = h ? acpi_get32(h + 4) : 0;

	if (h)
		dump_region(paddr, len < ACPI_HDR_LEN ? ACPI_HDR_LEN : len > 65536 ? 65536 : len);
}

static void acpi_dump(uint64_t rsdp)
{
	struct acpi_rsdp r;
	const uint8_t *p = acpi_map(NULL, rsdp, ACPI_RSDP_V2_LEN);

	if (!p || acpi_rsdp_parse(p, ACPI_RSDP_V2_LEN, &r))
		p = acpi_map(NULL, rsdp, ACPI_RSDP_V1_LEN), r.revision = 0;
	if (!p)
		return;
	pr_info("acpi-dump: rsdp %016lx\n", rsdp);
	dump_region(rsdp, r.revision >= 2 ? ACPI_RSDP_V2_LEN : ACPI_RSDP_V1_LEN);
	if (acpi_rsdp_parse(p, r.revision >= 2 ? ACPI_RSDP_V2_LEN : ACPI_RSDP_V1_LEN, &r))
		return;
	for (int x = 0; x < 2; x++) {
		uint64_t root = x ? r.xsdt : r.rsdt;
		const uint8_t *h = root ? acpi_map(NULL, root, ACPI_HDR_LEN) : NULL;

		if (!h)
			continue;
		dump_table(root);
		uint32_t len = acpi_get32(h + 4), es = x ? 8 : 4;
		const uint8_t *t = len >= ACPI_HDR_LEN ? acpi_map(NULL, root, len) : NULL;
		for (uint32_t off = ACPI_HDR_LEN; t && off + es <= len && off < 4096; off += es)
			dump_table(x ? acpi_get64(t + off) : acpi_get32(t + off));
	}
	pr_info("acpi-dump: end\n");
}

/*
 * Fills cpus[] from the MADT: index 0 is this CPU, then the enabled processors in table order.
 * On Xen a CPU is its ACPI processor UID (= vCPU id); without Xen it is its APIC id.
 */
static unsigned discover(void)
{
	uint64_t rsdp = boot_info.rsdp_paddr;
	struct acpi_find f;
	struct acpi_madt m;
	const void *madt;
	uint32_t len;
	unsigned n = 1;

	if (!rsdp) {
		/* the legacy search only where a BIOS could have put one: never on Xen's PVH */
		if (xen.present || acpi_rsdp_scan(&acpi_guest_mem, &rsdp)) {
			pr_info("acpi: no RSDP (the loader gave none%s); running on one CPU\n",
				xen.present ? "" : ", none in the BIOS area");
			return 1;
		}
		pr_info("acpi: RSDP found by the BIOS-area search at %#lx\n", rsdp);
	}
	if (cmdline_opt(&boot_cmdline, "acpi_dump"))
		acpi_dump(rsdp);
	int r = acpi_find_table(&acpi_guest_mem, rsdp, "APIC", &madt, &len, &f);
	if (r) {
		pr_warn("acpi: no usable MADT (%s, %d); running on one CPU\n", f.why, r);
		mp_stats.acpi_errors++;
		return 1;
	}
	r = acpi_madt_parse(madt, len, madt_cpus, sizeof(madt_cpus) / sizeof(madt_cpus[0]), &m);
	if (r) {
		pr_warn("acpi: MADT rejected: %s at offset %u (%d); running on one CPU\n", m.why,
			m.bad_offset, r);
		mp_stats.acpi_errors++;
		return 1;
	}
	pr_info("acpi: RSDP rev %u (%s), %s, MADT: %u CPUs, %u enabled, %u disabled%s\n",
		f.rsdp.revision, f.rsdp.oem, f.used_xsdt ? "XSDT" : "RSDT", m.ncpus, m.enabled,
		m.disabled + m.online_capable, m.online_capable ? " (some online-capable)" : "");
	if (f.xsdt_bad_signature)
		pr_warn(
		    "acpi: XSDT with a wrong signature but a right checksum used (Xen 4.17 gives a "
		    "PVH dom0 on an RSDT-only host such a header)\n");
	if (m.dropped || m.duplicates || m.bad_apic_id)
		pr_warn("acpi: MADT: %u processor entries beyond %u ignored, %u duplicate UIDs, %u "
			"with APIC id 0xff\n",
			m.dropped, (unsigned)(sizeof(madt_cpus) / sizeof(madt_cpus[0])),
			m.duplicates, m.bad_apic_id);
	mp_stats.possible = m.ncpus;
	mp_stats.disabled = m.disabled + m.online_capable;

	uint32_t self_apic = lapic_id();
	int found_self = 0;
	unsigned long max = CPU_MAX;
	cmdline_opt_uint(&boot_cmdline, "maxcpus", &max);
	for (unsigned i = 0; i < m.ncpus; i++) {
		const struct acpi_cpu *a = &madt_cpus[i];
		int self = xen.present ? a->uid == cpus[0].vcpu_id : a->apic_id == self_apic;

		if (self) {
			found_self = 1;
			cpus[0].apic_id = a->apic_id;
			continue;
		}
		if (!(a->flags & ACPI_CPU_ENABLED))
			continue;
		if (n >= CPU_MAX || n >= max) {
			mp_stats.over_limit++;
			continue;
		}
		struct cpu *c = &cpus[n];
		c->self = c;
		c->index = n++;
		c->vcpu_id = xen.present ? a->uid : a->apic_id;
		c->apic_id = a->apic_id;
	}
	if (!found_self)
		pr_warn("acpi: the boot CPU (%s %u) is not in the MADT\n",
			xen.present ? "vCPU" : "APIC id",
			xen.present ? cpus[0].vcpu_id : self_apic);
	if (mp_stats.over_limit)
		pr_warn("smp: %u enabled CPUs beyond the limit of %lu not started\n",
			mp_stats.over_limit, max < CPU_MAX ? max : CPU_MAX);
	return n;
}

/* ---- starting one AP ---- */

static int start_xen(struct cpu *c, uint64_t stack_top)
{
	struct vcpu_hvm_context ctx = { .mode = VCPU_HVM_MODE_64B };

	/* straight into long mode on our page tables; Xen loads flat 64-bit segments */
	ctx.cpu_regs.x86_64 = (struct vcpu_hvm_x86_64){
		.rip = (uintptr_t)mp_ap_entry64,
		.rsp = stack_top,
		.rdi = (uintptr_t)c,
		.rflags = 0x2,
		.cr0 = read_cr0(),
		.cr3 = read_cr3(),
		.cr4 = read_cr4(),
		.efer = rdmsr(MSR_EFER),
	};
	long r = HYPERVISOR_vcpu_op(VCPUOP_initialise, c->vcpu_id, &ctx);
	if (r) {
		pr_err("smp: VCPUOP_initialise(vCPU %u) failed: %ld\n", c->vcpu_id, r);
		return (int)r;
	}
	r = HYPERVISOR_vcpu_op(VCPUOP_up, c->vcpu_id, NULL);
	if (r)
		pr_err("smp: VCPUOP_up(vCPU %u) failed: %ld\n", c->vcpu_id, r);
	return (int)r;
}

static int tramp_setup(void)
{
	if (tramp_page)
		return 0;
	if (read_cr3() >> 32) {
		pr_err("smp: page tables above 4 GiB: the 32-bit trampoline cannot load them\n");
		return -ERANGE;
	}
	tramp_page = pmem_alloc_below(&kernel_pmem, 1, LOW_1M);
	if (!tramp_page) {
		pr_err("smp: no free page below 1 MiB for the AP trampoline\n");
		return -ENOMEM;
	}
	uint8_t *t = (uint8_t *)(uintptr_t)tramp_page;
	size_t n = (size_t)(mp_tramp_end - mp_tramp);

	memcpy(t, mp_tramp, n);
	/* the copy's absolute addresses: GDT base and the far jump into 32-bit code */
	uint32_t *gdt_base = (uint32_t *)(t + (mp_tr_gdt_ptr - mp_tramp) + 2);
	uint32_t *far32 = (uint32_t *)(t + (mp_tr_far32 - mp_tramp));
	*gdt_base += (uint32_t)tramp_page;
	*far32 += (uint32_t)tramp_page;
	*(uint32_t *)(t + (mp_tr_cr3 - mp_tramp)) = (uint32_t)read_cr3();
	*(uint32_t *)(t + (mp_tr_efer_extra - mp_tramp)) = (uint32_t)(rdmsr(MSR_EFER) & EFER_NXE);
	/* the AP runs this page with paging on for one jump: it must be executable meanwhile */
	paging_protect(tramp_page, PAGING_RWX);
	return 0;
}

static void tramp_release(void)
{
	if (tramp_page)
		paging_protect(tramp_page, PAGING_RW);
}

static int start_sipi(struct cpu *c, uint64_t stack_top)
{
	int r = tramp_setup();
	if (r)
		return r;
	uint8_t *t = (uint8_t *)(uintptr_t)tramp_page;

	*(uint64_t *)(t + (mp_tr_stack - mp_tramp)) = stack_top;
	*(uint64_t *)(t + (mp_tr_cpu - mp_tramp)) = (uintptr_t)c;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	/* the MP specification's sequence: INIT, 10 ms, then two STARTUPs 200 us apart */
	lapic_icr(c->apic_id, APIC_ICR_INIT | APIC_ICR_ASSERT);
	udelay(10000);
	for (int i = 0; i < 2 && !__atomic_load_n(&c->online, __ATOMIC_ACQUIRE); i++) {
		lapic_icr(c->apic_id, APIC_ICR_STARTUP | (uint32_t)(tramp_page >> 12));
		udelay(200);
	}
	return 0;
}

/*
 * Tables and guarded stacks for an AP. Done for every AP before the first one starts: splitting
 * a large page for a guard page flushes only this CPU's TLB.
 */
static uint64_t prepare_ap(struct cpu *c)
{
	uint64_t stack_top = 0;

	if (cpu_prepare(c) || !(stack_top = stack_alloc_guarded(AP_STACK_PAGES)))
		pr_err("smp: no memory for CPU %u's stacks\n", c->index);
	return stack_top;
}

static int start_ap(struct cpu *c, uint64_t stack_top)
{
	uint32_t madt_uid = c->vcpu_id;
	uint64_t t0;
	int r;

	if (!stack_top)
		return -ENOMEM;
	if (xen.hypercalls && (r = xen_vcpu_info_register(c))) {
		pr_err("smp: vCPU %u: VCPUOP_register_vcpu_info failed (%d)%s\n", c->vcpu_id, r,
		       c->vcpu_id >= XEN_LEGACY_MAX_VCPUS ? ", and it has no slot in shared info"
							  : "");
		if (c->vcpu_id >= XEN_LEGACY_MAX_VCPUS)
			return r;
	}
	t0 = rdtsc();
	r = xen.hypercalls ? start_xen(c, stack_top) : start_sipi(c, stack_top);
	if (!r)
		r = wait_flag(&c->online, 1, AP_ARRIVE_TIMEOUT_US);
	c->boot_ticks = rdtsc() - t0;
	if (r == -ETIMEDOUT)
		pr_err("smp: CPU %u (%s %u) did not arrive within %lu ms\n", c->index,
		       xen.present ? "vCPU" : "APIC id", xen.present ? c->vcpu_id : c->apic_id,
		       (unsigned long)(AP_ARRIVE_TIMEOUT_US / 1000));
	if (!r && c->vcpu_id != madt_uid)
		pr_warn(
		    "smp: CPU %u: the MADT says vCPU %u, CPUID leaf +4 says %u (CPUID's is used)\n",
		    c->index, madt_uid, c->vcpu_id);
	return r;
}

int mp_init(void)
{
	struct cpu *bsp = &cpus[0];

	use_evtchn_ipi = evtchn_available();
	if (cpu_ist_alloc(bsp))
		pr_warn("smp: no memory for the boot CPU's guarded IST stacks\n");
	if (use_evtchn_ipi)
		mp_ipi_cpu_init(bsp);
	else if (irq_register(IRQ_VECTOR_IPI, mp_ipi_vector, NULL) == 0)
		lapic_enable();
	bsp->online = 1;

	unsigned n = discover();
	/* cpus[] entries are filled; start each AP and let the count include it only once it lives */
	mp_stats.online = 1;
	static uint64_t stack_top[CPU_MAX];
	for (unsigned i = 1; i < n; i++)
		stack_top[i] = prepare_ap(&cpus[i]);
	for (unsigned i = 1; i < n; i++) {
		struct cpu *c = &cpus[i];

		__atomic_store_n(&cpu_count, i + 1, __ATOMIC_RELEASE);
		if (start_ap(c, stack_top[i])) {
			mp_stats.failed++;
			continue;
		}
		mp_stats.online++;
		mp_stats.bringup_ticks += c->boot_ticks;
		if (xen.present)
			pr_info("smp: CPU %u up (vCPU %u, APIC id %u) in %lu us\n", c->index,
				c->vcpu_id, c->apic_id, ticks_to_us(c->boot_ticks));
		else
			pr_info("smp: CPU %u up (APIC id %u) in %lu us\n", c->index, c->apic_id,
				ticks_to_us(c->boot_ticks));
	}
	tramp_release();
	if (xen.hypercalls) {
		unsigned reg = 0;
		for (unsigned i = 0; i < n; i++)
			reg += cpus[i].vcpu_info_registered;
		pr_info(
		    "smp: vcpu_info of %u of %u CPUs registered with VCPUOP_register_vcpu_info\n",
		    reg, n);
	}
	if (n > 1)
		pr_info("smp: %u CPUs online, %u failed, %u disabled in the MADT; %s\n",
			mp_stats.online, mp_stats.failed, mp_stats.disabled,
			xen.hypercalls ? "started with VCPUOP_initialise/VCPUOP_up"
				       : "started with INIT-SIPI-SIPI");
	else
		pr_info("smp: 1 CPU online\n");
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
		__atomic_fetch_add(&mp_stats.vcpu_id_mismatch, 1, __ATOMIC_RELAXED);
		c->vcpu_id = b;
	}
}

void mp_ap_main(struct cpu *c)
{
	wrmsr(MSR_GS_BASE, (uintptr_t)c);
	cpu_init_ap(c);
	traps_load();
	check_vcpu_id(c);
	if (use_evtchn_ipi) {
		evtchn_cpu_init(c);
		timer_cpu_init();
		mp_ipi_cpu_init(c);
	} else {
		lapic_enable();
	}
	sched_ap_enter(c); /* publishes c->online and becomes this CPU's idle thread */
}

/* ---- IPIs ---- */

static void ipi_work(void)
{
	struct cpu *c = this_cpu();
	uint32_t what = __atomic_exchange_n(&c->ipi_pending, 0, __ATOMIC_ACQ_REL);
	struct cpu_call *call = __atomic_exchange_n(&c->call, NULL, __ATOMIC_ACQ_REL);

	c->ipis++;
	if (call) {
		call->fn(call->arg);
		__atomic_store_n(&call->done, 1, __ATOMIC_RELEASE);
	}
	if (what & IPI_TIMER)
		timer_poke();
	/* IPI_RESCHED needs nothing here: the idle loop looks at the run queue after hlt */
}

void mp_ipi_vector(void *arg)
{
	(void)arg;
	ipi_work();
	lapic_eoi();
}

static void ipi_event(evtchn_port_t port, void *arg)
{
	(void)port;
	(void)arg;
	ipi_work();
}

void mp_ipi_cpu_init(struct cpu *c)
{
	evtchn_port_t port;

	if (evtchn_bind_ipi(c->vcpu_id, &port) || evtchn_bind(port, ipi_event, NULL)) {
		pr_err("smp: CPU %u: no IPI event channel\n", c->index);
		return;
	}
	__atomic_store_n(&c->ipi_port, port, __ATOMIC_RELEASE);
	spin_pv_cpu_init(c);
}

static void send_ipi(struct cpu *c, uint32_t what)
{
	__atomic_fetch_or(&c->ipi_pending, what, __ATOMIC_ACQ_REL);
	if (use_evtchn_ipi) {
		uint32_t port = __atomic_load_n(&c->ipi_port, __ATOMIC_ACQUIRE);
		if (port)
			evtchn_notify(port);
	} else {
		lapic_icr(c->apic_id, APIC_ICR_FIXED | APIC_ICR_ASSERT | IRQ_VECTOR_IPI);
	}
}

void mp_kick(struct cpu *c)
{
	if (c != this_cpu())
		send_ipi(c, IPI_RESCHED);
}

void mp_timer_kick(struct cpu *c)
{
	send_ipi(c, IPI_TIMER);
}

int mp_call(unsigned index, void (*fn)(void *), void *arg)
{
	if (index >= __atomic_load_n(&cpu_count, __ATOMIC_ACQUIRE) ||
	    !__atomic_load_n(&cpus[index].online, __ATOMIC_ACQUIRE))
		return -ENODEV;
	struct cpu *c = &cpus[index];
	if (c == this_cpu()) {
		unsigned long f = irq_save();
		fn(arg);
		irq_restore(f);
		return 0;
	}
	/* callers wait with interrupts on, so two CPUs calling each other both get served */
	struct cpu_call call = { fn, arg, 0 };
	struct cpu_call *mine = &call;
	spin_lock(&c->call_lock);
	__atomic_store_n(&c->call, &call, __ATOMIC_RELEASE);
	send_ipi(c, IPI_CALL);
	int r = wait_flag(&call.done, 1, CALL_TIMEOUT_US);
	/* timed out: take the request back, unless the target already took it (then wait) */
	if (r && !__atomic_compare_exchange_n(&c->call, &mine, NULL, 0, __ATOMIC_ACQ_REL,
					      __ATOMIC_ACQUIRE))
		r = wait_flag(&call.done, 1, UINT64_MAX / 4);
	spin_unlock(&c->call_lock);
	return r;
}

/* ---- offline / online (Xen) ---- */

int mp_cpu_is_up(unsigned index)
{
	if (index >= __atomic_load_n(&cpu_count, __ATOMIC_ACQUIRE))
		return -ENODEV;
	if (!xen.hypercalls)
		return __atomic_load_n(&cpus[index].online, __ATOMIC_ACQUIRE);
	long r = HYPERVISOR_vcpu_op(VCPUOP_is_up, cpus[index].vcpu_id, NULL);
	return r < 0 ? (int)r : r != 0;
}

/* In the idle thread of the CPU going down, interrupts off, nothing else running here. */
void mp_offline_self(void)
{
	struct cpu *c = this_cpu();

	timer_cpu_offline(c);
	__atomic_store_n(&c->online, 0, __ATOMIC_RELEASE);
	/* VCPUOP_down on ourselves returns once somebody's VCPUOP_up brings us back */
	while (__atomic_load_n(&c->offline_req, __ATOMIC_ACQUIRE))
		HYPERVISOR_vcpu_op(VCPUOP_down, c->vcpu_id, NULL);
	__atomic_store_n(&c->online, 1, __ATOMIC_RELEASE);
}

/* The AP that VCPUOP_down/up may act on: Xen only, never the boot CPU. */
static int hotplug_target(unsigned index, struct cpu **c)
{
	if (!xen.hypercalls)
		return -ENOSYS;
	if (index == 0 || index >= __atomic_load_n(&cpu_count, __ATOMIC_ACQUIRE))
		return -EINVAL;
	*c = &cpus[index];
	return 0;
}

int mp_cpu_down(unsigned index)
{
	struct cpu *c;
	int r = hotplug_target(index, &c);
	if (r)
		return r;
	if (!__atomic_load_n(&c->online, __ATOMIC_ACQUIRE))
		return 0;
	if (c == this_cpu())
		return -EBUSY;
	__atomic_store_n(&c->offline_req, 1, __ATOMIC_RELEASE);
	send_ipi(c, IPI_RESCHED);
	r = wait_flag(&c->online, 0, OFFLINE_TIMEOUT_US);
	if (r)
		return r;
	/* online = 0 comes just before the hypercall: wait until Xen agrees */
	for (unsigned i = 0; mp_cpu_is_up(index) > 0; i++) {
		if (i > 100000)
			return -ETIMEDOUT;
		spin_yield_vcpu();
	}
	return 0;
}

int mp_cpu_up(unsigned index)
{
	struct cpu *c;
	int r = hotplug_target(index, &c);
	if (r)
		return r;
	if (!__atomic_load_n(&c->offline_req, __ATOMIC_ACQUIRE))
		return 0;
	__atomic_store_n(&c->offline_req, 0, __ATOMIC_RELEASE);
	/* an up that overtook the AP's own down is lost: ask again until it is back */
	for (int i = 0; i < 50; i++) {
		long rc = HYPERVISOR_vcpu_op(VCPUOP_up, c->vcpu_id, NULL);
		if (rc)
			return (int)rc;
		if (!wait_flag(&c->online, 1, AP_ARRIVE_TIMEOUT_US / 50))
			return 0;
	}
	return -ETIMEDOUT;
}

uint64_t mp_tsc_hz(void)
{
	return tsc_rate();
}
