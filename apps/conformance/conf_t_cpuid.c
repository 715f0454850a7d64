/* Tests of Xen's CPUID leaves (xen/include/public/arch-x86/cpuid.h) and the hypercall page they lead to. */
#include <stdint.h>
#include <xen/xen.h>
#include <xen/version.h>
#include <xen/arch-x86/cpuid.h>
#include "conf_guest.h"
#include "conf_rules.h"
#include <pvhkit/smp.h>

#define CPUID_H "xen/include/public/arch-x86/cpuid.h"

static int need_xen(struct conf_result *r)
{
	if (!conf_xen()->present) {
		conf_skip(r, "not running on Xen (no XenVMMXenVMM CPUID leaves)");
		return 0;
	}
	return 1;
}

static void t_leaves(struct conf_result *r, const struct conf_expect *e)
{
	uint32_t l0[4], v[4], p[4];

	(void)e;
	if (!need_xen(r))
		return;
	pvh_test_cpuid(conf_xen()->cpuid_base, 0, &l0[0], &l0[1], &l0[2], &l0[3]);
	pvh_test_cpuid(conf_xen()->cpuid_base + 1, 0, &v[0], &v[1], &v[2], &v[3]);
	pvh_test_cpuid(conf_xen()->cpuid_base + 2, 0, &p[0], &p[1], &p[2], &p[3]);
	conf_rule_cpuid_xen(conf_xen()->cpuid_base, l0, v[0], p[0], p[1], r);
}

static void t_hypercall(struct conf_result *r, const struct conf_expect *e)
{
	(void)e;
	if (!need_xen(r))
		return;
	if (!conf_xen()->hypercalls) {
		conf_fail(
		    r,
		    "expected the hypercall page filled after writing its MSR, saw it untouched");
		return;
	}
	long v = pvh_test_xen_version(XENVER_version, NULL);
	if (v != (long)conf_xen()->version)
		conf_fail(r, "expected XENVER_version to equal CPUID's %u.%u, saw %ld (%ld.%ld)",
			  conf_xen()->version >> 16, conf_xen()->version & 0xffff, v, v >> 16,
			  v & 0xffff);
	else
		conf_pass(r, "xen_version %ld.%ld through the hypercall page", v >> 16, v & 0xffff);
}

static uint32_t cpuid_max(uint32_t base)
{
	uint32_t a, b, c, d;

	pvh_test_cpuid(base, 0, &a, &b, &c, &d);
	return a;
}

struct ids {
	uint32_t vcpu, apic;
};

static void read_ids(void *arg)
{
	struct ids *id = arg;
	uint32_t a, b, c, d;

	pvh_test_cpuid(conf_xen()->cpuid_base + 4, 0, &a, &b, &c, &d);
	id->vcpu = a & XEN_HVM_CPUID_VCPU_ID_PRESENT ? b : UINT32_MAX;
	pvh_test_cpuid(1, 0, &a, &b, &c, &d);
	id->apic = b >> 24;
}

static void t_vcpu_id(struct conf_result *r, const struct conf_expect *e)
{
	static uint32_t got[PVH_TEST_CPU_MAX], uid[PVH_TEST_CPU_MAX];
	const void *t;
	uint32_t len;
	struct pvh_test_acpi_madt m;
	const struct pvh_test_acpi_cpu *cpus_madt;
	const char *why;
	unsigned n = 0;

	(void)e;
	if (!need_xen(r))
		return;
	if (conf_xen()->cpuid_base + 4 > cpuid_max(conf_xen()->cpuid_base)) {
		conf_skip(r,
			  "no leaf %#x (HVM features) below the max leaf %#x: no vCPU id to check",
			  conf_xen()->cpuid_base + 4, cpuid_max(conf_xen()->cpuid_base));
		return;
	}
	if (conf_madt_get(&t, &len, &m, &cpus_madt, &why)) {
		conf_skip(r, "no usable MADT to compare with (%s)", why ? why : "?");
		return;
	}
	for (unsigned i = 0; i < conf_cpu_count(); i++) {
		struct ids id;
		if (!conf_cpu_online(i))
			continue;
		if (pvh_cpu_call(i, read_ids, &id)) {
			conf_error(r, "could not run CPUID on CPU %u", i);
			return;
		}
		unsigned k = 0;
		while (k < m.ncpus && cpus_madt[k].apic_id != id.apic)
			k++;
		if (k == m.ncpus) {
			conf_fail(r, "expected CPU %u's APIC id %u in the MADT, saw it missing", i,
				  id.apic);
			return;
		}
		got[n] = id.vcpu;
		uid[n++] = cpus_madt[k].uid;
	}
	conf_rule_vcpu_ids(got, uid, n, r);
}

const struct conf_test conf_tests_cpuid[] = {
	{ "cpuid.leaves",
	  "Xen's leaves: signature XenVMMXenVMM, version, hypercall-page count and MSR", CPUID_H,
	  t_leaves },
	{ "cpuid.hypercall-page",
	  "the MSR from leaf +2 installs the hypercall page; xen_version works",
	  CPUID_H " (leaf +2), xen/include/public/version.h", t_hypercall },
	{ "cpuid.vcpu-id",
	  "leaf +4 EBX (when VCPU_ID_PRESENT) and the MADT processor UID agree on every CPU "
	  "(libxl's numbering: noted if not)",
	  CPUID_H " (leaf +4)", t_vcpu_id },
	{ 0 },
};
