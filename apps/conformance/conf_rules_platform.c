/* Rules for what the platform describes: Xen's CPUID leaves, vCPU ids, the MADT, and time. */
#include "conf_rules.h"
#include <errno.h>

enum pvh_status conf_rule_cpuid_xen(uint32_t base, const uint32_t leaf0[4], uint32_t ver,
				    uint32_t pages, uint32_t msr, struct conf_result *r)
{
	if (leaf0[1] != 0x566e6558 || leaf0[2] != 0x65584d4d || leaf0[3] != 0x4d4d566e)
		return conf_fail(
		    r, "expected the signature XenVMMXenVMM at leaf %#x, saw %08x %08x %08x", base,
		    leaf0[1], leaf0[2], leaf0[3]);
	/* leaves +1 (version), +2 (hypercall page) are the minimum; +4 (HVM features) since 4.x */
	if (leaf0[0] < base + 2 || leaf0[0] > base + 0xff)
		return conf_fail(r, "expected the max leaf in [%#x, %#x], saw %#x", base + 2,
				 base + 0xff, leaf0[0]);
	if (!(ver >> 16))
		return conf_fail(r, "expected a version (major << 16 | minor) at leaf %#x, saw %#x",
				 base + 1, ver);
	/* cpuid.h: EAX "is always guaranteed to specify one hypercall page" */
	if (pages != 1)
		return conf_fail(r, "expected one hypercall page at leaf %#x EAX, saw %u", base + 2,
				 pages);
	if (!msr)
		return conf_fail(r, "expected the hypercall-page MSR index at leaf %#x EBX, saw 0",
				 base + 2);
	return conf_pass(r, "base %#x, max leaf %#x, Xen %u.%u, %u hypercall page(s) via MSR %#x",
			 base, leaf0[0], ver >> 16, ver & 0xffff, pages, msr);
}

enum pvh_status conf_rule_vcpu_ids(const uint32_t *cpuid_ids, const uint32_t *madt_uids, unsigned n,
				   struct conf_result *r)
{
	/*
	 * cpuid.h gives the vCPU id "iff EAX has XEN_HVM_CPUID_VCPU_ID_PRESENT"; that it equals the
	 * MADT's processor UID is libxl's numbering, not the ABI's: a guest that maps one to the
	 * other (pvhkit does) relies on it, so a mismatch is a note.
	 */
	for (unsigned i = 0; i < n; i++) {
		if (cpuid_ids[i] == UINT32_MAX)
			return conf_skip(r,
					 "leaf +4 gives no vCPU id on CPU %u (VCPU_ID_PRESENT "
					 "clear: allowed)",
					 i);
		if (cpuid_ids[i] != madt_uids[i])
			return conf_note(r,
					 "CPU %u: leaf +4 vCPU id %u, MADT processor UID %u (libxl "
					 "makes them equal; the ABI does not say)",
					 i, cpuid_ids[i], madt_uids[i]);
	}
	return conf_pass(r, "%u CPU%s agree", n, n == 1 ? "" : "s");
}

enum pvh_status conf_rule_madt_cpus(const struct pvh_test_acpi_madt *m,
				    const struct pvh_test_acpi_cpu *cpus,
				    const struct conf_expect *e, struct conf_result *r)
{
	if (e->maxvcpus <= 0 || e->vcpus <= 0)
		return conf_skip(r,
				 "the runner gave no --vcpus=N --maxvcpus=M to compare with (%u "
				 "listed, %u enabled)",
				 m->ncpus, m->enabled);
	if (m->dropped)
		return conf_error(
		    r, "the MADT has more processors than this test can hold (%u dropped)",
		    m->dropped);
	if ((int)m->ncpus != e->maxvcpus)
		return conf_fail(r, "expected %d processor entries (maxvcpus), saw %u", e->maxvcpus,
				 m->ncpus);
	if ((int)m->enabled != e->vcpus)
		return conf_fail(r, "expected %d enabled processors (vcpus), saw %u", e->vcpus,
				 m->enabled);
	/* ACPI: a processor's UID is unique */
	if (m->duplicates)
		return conf_fail(r, "expected unique processor UIDs, saw %u duplicates",
				 m->duplicates);
	/*
	 * libxl numbers processors by vCPU id (UIDs 0..max-1, the first `vcpus` enabled); no ABI
	 * text says so, but a guest that starts vCPU n for UID n relies on it: a note
	 */
	for (unsigned i = 0; i < m->ncpus; i++) {
		int want_enabled = (int)cpus[i].uid < e->vcpus;
		if (cpus[i].uid >= m->ncpus)
			return conf_note(r,
					 "%u processors, %u enabled as configured; UID %u is not a "
					 "vCPU id 0..%u (libxl's numbering, not the ABI's)",
					 m->ncpus, m->enabled, cpus[i].uid, m->ncpus - 1);
		if (!!(cpus[i].flags & PVH_TEST_ACPI_CPU_ENABLED) != want_enabled)
			return conf_note(r,
					 "%u processors, %u enabled as configured; UID %u is %s "
					 "(libxl enables the lowest UIDs; the ABI does not say)",
					 m->ncpus, m->enabled, cpus[i].uid,
					 want_enabled ? "not enabled" : "enabled");
	}
	return conf_pass(r, "%u processors, %u enabled", m->ncpus, m->enabled);
}

int conf_madt_count_type(const void *madt, uint32_t len, uint8_t type)
{
	const uint8_t *t = madt;
	int n = 0;

	if (len < PVH_TEST_ACPI_MADT_HDR_LEN)
		return -EMSGSIZE;
	for (uint32_t off = PVH_TEST_ACPI_MADT_HDR_LEN; off < len;) {
		if (len - off < 2 || t[off + 1] < 2 || t[off + 1] > len - off)
			return -EBADMSG;
		n += t[off] == type;
		off += t[off + 1];
	}
	return n;
}

enum pvh_status conf_rule_no_ioapic(int ioapics, int domu, struct conf_result *r)
{
	if (!domu)
		return conf_skip(
		    r, "not a Xen PVH domU (a dom0 or another loader may have I/O APICs)");
	if (ioapics < 0)
		return conf_fail(r, "expected a MADT whose entries walk, saw a broken one (%d)",
				 ioapics);
	/* no ABI text forbids one (pvh.pandoc: guests with physical devices get the controllers
	 * they need); Xen emulates none for a PVH domU, so one listed would be a trap: a note */
	if (ioapics)
		return conf_note(r,
				 "%d I/O APIC entries in a PVH domU's MADT (Xen emulates none for "
				 "it; the ABI does not forbid listing one)",
				 ioapics);
	return conf_pass(r, "no I/O APIC entries");
}

enum pvh_status conf_rule_monotonic(const struct conf_clock_samples *c, unsigned cpus,
				    struct conf_result *r)
{
	unsigned long long n = c->samples, back = c->raw_back, worst = c->raw_worst_ns;

	if (!n)
		return conf_error(r, "no samples were taken");
	if (c->mono_flat)
		return conf_fail(r,
				 "expected pvhkit's monotonic time to increase at every read, saw "
				 "%llu of %llu samples not after another CPU's",
				 (unsigned long long)c->mono_flat, n);
	if (back && c->tsc_stable)
		return conf_fail(r,
				 "expected the vCPUs' pvclocks to agree (Xen set "
				 "XEN_PVCLOCK_TSC_STABLE_BIT), saw %llu of %llu samples go back "
				 "(worst %llu ns) on %u CPUs",
				 back, n, worst, cpus);
	if (back)
		return conf_pass(
		    r,
		    "%llu samples on %u CPUs: the vCPUs' own pvclocks differed by up to "
		    "%llu ns (%llu samples), allowed without XEN_PVCLOCK_TSC_STABLE_BIT; "
		    "pvhkit's time still increased at every read",
		    n, cpus, worst, back);
	return conf_pass(r, "%llu samples on %u CPU%s, none went back", n, cpus,
			 cpus == 1 ? "" : "s");
}

#define WALLCLOCK_TOLERANCE_NS 2000000000ll

enum pvh_status conf_rule_wallclock(uint64_t guest_ns, uint64_t dom0_ns, uint64_t rtt_ns,
				    struct conf_result *r)
{
	int64_t d = (int64_t)(guest_ns - dom0_ns);
	int64_t slack = WALLCLOCK_TOLERANCE_NS + (int64_t)rtt_ns;

	if (!guest_ns)
		return conf_fail(r, "expected a wall clock in shared info, saw 0");
	if (d > slack || d < -slack)
		return conf_fail(r,
				 "expected the wall clock within 2 s of dom0's, saw %lld ms apart "
				 "(round trip %llu ms)",
				 (long long)(d / 1000000), (unsigned long long)(rtt_ns / 1000000));
	return conf_pass(r, "%lld ms from dom0's clock (round trip %llu ms)",
			 (long long)(d / 1000000), (unsigned long long)(rtt_ns / 1000000));
}
