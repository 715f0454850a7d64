/*
 * The conformance guest's rules (apps/conformance/conf_rules_*.c) can fail: each is fed a good
 * input (pass) and deliberately wrong ones (bad magic, IF set at entry, one enabled CPU too many,
 * ...) and must report a *failure* whose message says what was expected and what was seen.
 * Also the TAP/JUnit/RESULT output and the argument parser.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "apps/conformance/conf_args.h"
#include "apps/conformance/conf_report.h"
#include "apps/conformance/conf_rules.h"

static struct conf_result r;

static const struct conf_expect none = { .vcpus = -1,
					 .maxvcpus = -1,
					 .memory_mib = -1,
					 .modules = -1,
					 .cmdline_len = -1,
					 .module0_len = -1,
					 .domu = -1 };

#define expect_fail(call, ...)                                                                     \
	do {                                                                                       \
		memset(&r, 0, sizeof(r));                                                          \
		cr_assert_eq(call, PVH_FAIL, "%s: not a failure (%s)", #call, r.msg);              \
		cr_assert_eq(r.status, PVH_FAIL);                                                  \
		const char *want[] = { __VA_ARGS__ };                                              \
		for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++)                      \
			cr_assert(strstr(r.msg, want[i]), "%s: message '%s' lacks '%s'", #call,    \
				  r.msg, want[i]);                                                 \
	} while (0)
#define expect_pass(call) cr_assert_eq(call, PVH_PASS, "%s: %s", #call, r.msg)
/* behaviour the ABI does not promise: reported as a note, never a failure */
#define expect_note(call, ...)                                                                     \
	do {                                                                                       \
		memset(&r, 0, sizeof(r));                                                          \
		cr_assert(call == PVH_PASS && r.note, "%s: not a note (%s)", #call, r.msg);        \
		const char *want[] = { __VA_ARGS__ };                                              \
		for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++)                      \
			cr_assert(strstr(r.msg, want[i]), "%s: message '%s' lacks '%s'", #call,    \
				  r.msg, want[i]);                                                 \
	} while (0)

/* A descriptor from its parts (the inverse of conf_seg_decode). */
static uint64_t desc(uint32_t base, uint32_t limit20, unsigned type, unsigned s, unsigned p,
		     unsigned db, unsigned g)
{
	uint64_t lo = (limit20 & 0xffff) | ((uint64_t)(base & 0xffff) << 16);
	uint64_t hi = ((base >> 16) & 0xff) | (type << 8) | (s << 12) | (p << 15) |
		      (limit20 & 0xf0000) | (db << 22) | (g << 23) | (base & 0xff000000);
	return lo | hi << 32;
}

/* The state Xen's or QEMU's loader should hand over, with readable descriptors for all five. */
static struct pvh_test_entry_state good_entry(void)
{
	struct pvh_test_entry_state es = {
		.magic = PVH_TEST_ENTRY_MAGIC, .eflags = 0x2, .cr0 = 0x11, .ebx = 0x1000
	};

	es.desc[PVH_TEST_SEG_CS] = desc(0, 0xfffff, 0xb, 1, 1, 1, 1);
	es.desc[PVH_TEST_SEG_DS] = es.desc[PVH_TEST_SEG_ES] = es.desc[PVH_TEST_SEG_SS] =
	    desc(0, 0xfffff, 0x3, 1, 1, 1, 1);
	es.desc[PVH_TEST_SEG_TR] = desc(0, 0x67, 0xb, 0, 1, 0, 0);
	for (int i = 0; i < PVH_TEST_NSEG; i++) {
		es.sel[i] = 8 * (i + 1);
		es.valid |= PVH_TEST_VALID_DESC(i);
	}
	return es;
}

Test(conformance_entry, good_state_passes)
{
	struct pvh_test_entry_state es = good_entry();

	expect_pass(conf_rule_cr0(es.cr0, &r));
	expect_pass(conf_rule_cr4(es.cr4, &r));
	expect_pass(conf_rule_eflags(es.eflags, &r));
	expect_pass(conf_rule_efer(0, &r));
	expect_pass(conf_rule_ebx(es.ebx, 0x336ec578, &r));
	for (int i = 0; i < PVH_TEST_NSEG; i++)
		expect_pass(conf_rule_segment(&es, (enum pvh_test_seg)i, &r));
}

Test(conformance_entry, if_set_is_a_failure)
{
	expect_fail(conf_rule_eflags(0x202, &r), "EFLAGS.IF", "0x202");
	expect_fail(conf_rule_eflags(0x20002, &r), "EFLAGS.VM");
	expect_fail(conf_rule_eflags(0x102, &r), "EFLAGS.TF");
	/* DF: "other bits are all unspecified"; C code needs it clear, so it is noted */
	expect_note(conf_rule_eflags(0x402, &r), "DF set", "unspecified");
}

Test(conformance_entry, control_registers)
{
	expect_fail(conf_rule_cr0(0x10, &r), "CR0.PE set", "0x10");
	expect_fail(conf_rule_cr0(0x80000011, &r), "writeable", "0x80000011");
	expect_fail(conf_rule_cr0(0x60000011, &r), "0x60000000"); /* CD and NW left on */
	expect_fail(conf_rule_cr4(0x20, &r), "CR4 0", "0x20");
	expect_fail(conf_rule_efer(0x500, &r), "LMA");
	expect_fail(conf_rule_ebx(0x1000, 0x12345678, &r), "0x336ec578", "0x12345678");
	expect_fail(conf_rule_ebx(0, 0, &r), "saw 0");
}

Test(conformance_entry, bad_segments)
{
	struct pvh_test_entry_state es = good_entry();

	es.desc[PVH_TEST_SEG_CS] = desc(0, 0xfffff, 0xb, 1, 1, 0, 1); /* 16-bit code */
	expect_fail(conf_rule_segment(&es, PVH_TEST_SEG_CS, &r), "CS 32-bit");
	es.desc[PVH_TEST_SEG_CS] = desc(0x1000, 0xfffff, 0xb, 1, 1, 1, 1);
	expect_fail(conf_rule_segment(&es, PVH_TEST_SEG_CS, &r), "base 0", "0x1000");
	es.desc[PVH_TEST_SEG_DS] = desc(0, 0xffff, 0x3, 1, 1, 1, 0); /* 64 KiB limit */
	expect_fail(conf_rule_segment(&es, PVH_TEST_SEG_DS, &r), "limit 0xffffffff", "0xffff");
	es.desc[PVH_TEST_SEG_ES] = desc(0, 0xfffff, 0x1, 1, 1, 1, 1); /* read-only data */
	expect_fail(conf_rule_segment(&es, PVH_TEST_SEG_ES, &r), "read/write");
	/* SS is not in pvh.pandoc: the same findings are notes */
	es.desc[PVH_TEST_SEG_SS] = desc(0, 0xfffff, 0x1, 1, 1, 1, 1);
	expect_note(conf_rule_segment(&es, PVH_TEST_SEG_SS, &r), "not in the ABI", "read/write");
	es.desc[PVH_TEST_SEG_SS] = desc(0, 0xfffff, 0x3, 1, 1, 1, 1);
	expect_pass(conf_rule_segment(&es, PVH_TEST_SEG_SS, &r));
	es.desc[PVH_TEST_SEG_TR] = desc(0, 0x67, 0x9, 0, 1, 0, 0); /* available, not busy */
	expect_fail(conf_rule_segment(&es, PVH_TEST_SEG_TR, &r), "busy", "0x9");
	es.desc[PVH_TEST_SEG_TR] = desc(0, 0xffff, 0xb, 0, 1, 0, 0);
	expect_fail(conf_rule_segment(&es, PVH_TEST_SEG_TR, &r), "0x67", "0xffff");
}

Test(conformance_entry, segment_probes)
{
	const uint32_t all = PVH_TEST_PROBE_RAN | PVH_TEST_PROBE_SS_32 | PVH_TEST_PROBE_SS_BASE |
			     PVH_TEST_PROBE_ES_BASE;

	expect_pass(conf_rule_segment_probes(all, &r));
	expect_note(conf_rule_segment_probes(all & ~PVH_TEST_PROBE_SS_32, &r), "16-bit stack",
		    "unspecified");
	expect_note(conf_rule_segment_probes(all & ~PVH_TEST_PROBE_SS_BASE, &r), "SS's base");
	expect_fail(conf_rule_segment_probes(all & ~PVH_TEST_PROBE_ES_BASE, &r), "ES's base");
	cr_assert_eq(conf_rule_segment_probes(0, &r), PVH_SKIP);
}

Test(conformance_entry, null_selector_is_a_skip)
{
	struct pvh_test_entry_state es = good_entry();

	es.valid = 0;
	es.sel[PVH_TEST_SEG_TR] = 0;
	cr_assert_eq(conf_rule_segment(&es, PVH_TEST_SEG_TR, &r), PVH_SKIP);
	cr_assert(strstr(r.msg, "cannot be read back"), "%s", r.msg);
}

Test(conformance_start_info, magic_version_cmdline)
{
	struct conf_expect e = none;
	const char *prefix = "loglevel=6 -- --only entry \"a b\"";
	char line[200];

	expect_pass(conf_rule_si_magic(0x336ec578, &r));
	expect_fail(conf_rule_si_magic(0x336ec579, &r), "0x336ec578", "0x336ec579");
	/* version 0 is allowed by start_info.h: from libxl, which writes 1, it is only noted */
	expect_note(conf_rule_si_version(0, 0, 1, &r), "version 0", "allowed");
	expect_pass(
	    conf_rule_si_version(0, 0, 0, &r)); /* Xen's PVH dom0 builder writes version 0 */
	expect_pass(conf_rule_si_version(1, 0, 1, &r));
	expect_fail(conf_rule_si_version(1, 7, 1, &r), "reserved field zero", "0x7");
	expect_pass(conf_rule_si_version(0, 7, 0, &r)); /* no reserved field in version 0 */

	e.cmdline_len = (int64_t)strlen(prefix);
	e.cmdline_crc = conf_crc32(prefix, strlen(prefix));
	snprintf(line, sizeof(line), "%s --cmdline-check=%lld:%08x", prefix,
		 (long long)e.cmdline_len, e.cmdline_crc);
	expect_pass(conf_rule_cmdline(line, &e, &r));
	line[5] = 'X'; /* a loader that altered one byte */
	expect_fail(conf_rule_cmdline(line, &e, &r), "CRC-32");
	expect_fail(conf_rule_cmdline("loglevel=6", &e, &r), "not found");
	expect_fail(conf_rule_cmdline(NULL, &e, &r), "saw none");
	cr_assert_eq(conf_rule_cmdline(line, &none, &r), PVH_SKIP);
}

Test(conformance_start_info, flags)
{
	struct conf_expect e = none;

	e.domu = 1;
	expect_pass(conf_rule_si_flags(0, &e, &r));
	expect_fail(conf_rule_si_flags(3, &e, &r), "neither", "0x3");
	e.domu = 0;
	e.initdomain = 1;
	expect_pass(conf_rule_si_flags(3, &e, &r));
	expect_fail(conf_rule_si_flags(0, &e, &r), "SIF_INITDOMAIN", "saw flags 0");
	cr_assert_eq(conf_rule_si_flags(0, &none, &r), PVH_SKIP);
}

Test(conformance_start_info, crc32_matches_zlib)
{
	/* the value `printf 123456789 | gzip | tail -c8` carries (the standard check value) */
	cr_assert_eq(conf_crc32("123456789", 9), 0xcbf43926);
}

Test(conformance_start_info, memmap)
{
	struct conf_expect e = none;
	struct conf_mem_entry m[] = {
		{ 0, 0x9f000, 1, 0 },
		{ 0x100000, 0x3f00000, 1, 0 },
		{ 0xfc000000, 0x1000, 3, 0 },
	};

	e.memory_mib = 64;
	expect_pass(conf_rule_memmap(m, 3, 0x100000, 0x200000, &e, &r));
	/* an entry overlapping another: start_info.h does not forbid it, a note */
	m[2] = (struct conf_mem_entry){ 0x3000000, 0x2000000, 2, 0 };
	expect_note(conf_rule_memmap(m, 3, 0x100000, 0x200000, &e, &r), "1 overlapping", "entry 2");
	/* an empty entry: a note */
	m[2] = (struct conf_mem_entry){ 0xfc000000, 0, 3, 0 };
	expect_note(conf_rule_memmap(m, 3, 0x100000, 0x200000, &e, &r), "1 of size 0");
	m[2] = (struct conf_mem_entry){ 0xfc000000, 0x1000, 3, 0 };
	/* the image not in RAM: a note */
	expect_note(conf_rule_memmap(m, 3, 0x8000000, 0x8100000, &e, &r), "NOT in RAM");
	/* a type start_info.h does not define (QEMU 7.2 microvm's all-zero entry) */
	m[2] = (struct conf_mem_entry){ 0, 0, 0, 0 };
	expect_fail(conf_rule_memmap(m, 3, 0x100000, 0x200000, &e, &r), "XEN_HVM_MEMMAP_TYPE_",
		    "type 0");
	/* a reserved field that "must be zero" */
	m[2] = (struct conf_mem_entry){ 0xfc000000, 0x1000, 3, 1 };
	expect_fail(conf_rule_memmap(m, 3, 0x100000, 0x200000, &e, &r), "reserved field zero");
	m[2] = (struct conf_mem_entry){ 0xfc000000, 0x1000, 3, 0 };
	/* twice the configured memory */
	e.memory_mib = 32;
	expect_fail(conf_rule_memmap(m, 3, 0x100000, 0x200000, &e, &r), "about 32 MiB");
	/* memmap_entries 0: "no memory map being provided", nothing to judge */
	cr_assert_eq(conf_rule_memmap(m, 0, 0x100000, 0x200000, &e, &r), PVH_SKIP);
}

Test(conformance_start_info, modules)
{
	struct conf_expect e = none;
	struct conf_mem_entry m[] = { { 0x100000, 0x3f00000, 1, 0 } };
	struct conf_module mod = { 0x2000000, 37, 0xdeadbeef };

	e.modules = 1;
	e.module0_len = 37;
	e.module0_crc = 0xdeadbeef;
	expect_pass(conf_rule_modules(&mod, 1, m, 1, 0x100000, 0x200000, &e, &r));
	expect_fail(conf_rule_modules(&mod, 0, m, 1, 0x100000, 0x200000, &e, &r),
		    "expected 1 modules", "saw nr_modules 0");
	mod.crc = 0xdeadbeee;
	expect_fail(conf_rule_modules(&mod, 1, m, 1, 0x100000, 0x200000, &e, &r), "deadbeef",
		    "deadbeee");
	mod = (struct conf_module){ 0x180000, 37, 0xdeadbeef };
	expect_fail(conf_rule_modules(&mod, 1, m, 1, 0x100000, 0x200000, &e, &r),
		    "apart from the image");
	/* beyond the map's RAM: start_info.h does not say where modules lie, a note */
	mod = (struct conf_module){ 0x8000000, 37, 0xdeadbeef };
	expect_note(conf_rule_modules(&mod, 1, m, 1, 0x100000, 0x200000, &e, &r),
		    "1 outside the map's RAM");
}

/* A MADT: header, then one local APIC entry per processor (UID i, APIC id 2i), then I/O APICs. */
static unsigned madt(uint8_t *t, unsigned ncpu, unsigned enabled, unsigned ioapics)
{
	unsigned len = PVH_TEST_ACPI_MADT_HDR_LEN;

	memset(t, 0, 512);
	memcpy(t, "APIC", 4);
	t[8] = 4;
	for (unsigned i = 0; i < ncpu; i++, len += 8) {
		uint8_t *e = t + len;
		e[0] = 0, e[1] = 8, e[2] = (uint8_t)i, e[3] = (uint8_t)(2 * i), e[4] = i < enabled;
	}
	for (unsigned i = 0; i < ioapics; i++, len += 12) {
		uint8_t *e = t + len;
		e[0] = 1, e[1] = 12, e[2] = (uint8_t)i;
	}
	t[4] = (uint8_t)len, t[5] = (uint8_t)(len >> 8);
	uint8_t sum = 0;
	for (unsigned i = 0; i < len; i++)
		sum = (uint8_t)(sum + t[i]);
	t[9] = (uint8_t)-sum;
	return len;
}

Test(conformance_acpi, madt_counts)
{
	uint8_t t[512];
	struct pvh_test_acpi_cpu cpus[16];
	struct pvh_test_acpi_madt m;
	struct conf_expect e = none;

	e.vcpus = 3;
	e.maxvcpus = 8;
	unsigned len = madt(t, 8, 3, 0);
	cr_assert_eq(pvh_test_acpi_madt_parse(t, len, cpus, 16, &m), 0);
	expect_pass(conf_rule_madt_cpus(&m, cpus, &e, &r));
	/* one enabled CPU too many */
	len = madt(t, 8, 4, 0);
	cr_assert_eq(pvh_test_acpi_madt_parse(t, len, cpus, 16, &m), 0);
	expect_fail(conf_rule_madt_cpus(&m, cpus, &e, &r), "expected 3 enabled", "saw 4");
	/* one processor entry missing */
	len = madt(t, 7, 3, 0);
	cr_assert_eq(pvh_test_acpi_madt_parse(t, len, cpus, 16, &m), 0);
	expect_fail(conf_rule_madt_cpus(&m, cpus, &e, &r), "expected 8 processor entries", "saw 7");
	cr_assert_eq(conf_rule_madt_cpus(&m, cpus, &none, &r), PVH_SKIP);
	/* the right counts, but not libxl's numbering (UID = vCPU id, lowest enabled): a note */
	len = madt(t, 8, 3, 0);
	cr_assert_eq(pvh_test_acpi_madt_parse(t, len, cpus, 16, &m), 0);
	cpus[0].flags &= ~PVH_TEST_ACPI_CPU_ENABLED;
	cpus[5].flags |= PVH_TEST_ACPI_CPU_ENABLED;
	expect_note(conf_rule_madt_cpus(&m, cpus, &e, &r), "UID 0 is not enabled");
	cr_assert_eq(pvh_test_acpi_madt_parse(t, len, cpus, 16, &m), 0);
	cpus[7].uid = 42;
	expect_note(conf_rule_madt_cpus(&m, cpus, &e, &r), "UID 42");
}

Test(conformance_acpi, ioapic_in_a_domu)
{
	uint8_t t[512];
	unsigned len = madt(t, 2, 2, 1);

	cr_assert_eq(conf_madt_count_type(t, len, 1), 1);
	/* not forbidden by the ABI: a note */
	expect_note(conf_rule_no_ioapic(conf_madt_count_type(t, len, 1), 1, &r), "1 I/O APIC");
	cr_assert_eq(conf_rule_no_ioapic(1, 0, &r), PVH_SKIP); /* dom0 / QEMU may have one */
	len = madt(t, 2, 2, 0);
	expect_pass(conf_rule_no_ioapic(conf_madt_count_type(t, len, 1), 1, &r));
	t[PVH_TEST_ACPI_MADT_HDR_LEN + 1] = 0; /* an entry of length 0 must not loop forever */
	cr_assert_lt(conf_madt_count_type(t, len, 1), 0);
}

Test(conformance_platform, cpuid_ids_time)
{
	const uint32_t good[4] = { 0x40000005, 0x566e6558, 0x65584d4d, 0x4d4d566e };
	uint32_t bad[4] = { 0x40000005, 0x566e6558, 0x65584d4d, 0x4d4d566f };
	uint32_t ids[3] = { 0, 1, 2 }, uids[3] = { 0, 1, 2 };

	expect_pass(conf_rule_cpuid_xen(0x40000000, good, 0x40011, 1, 0x40000000, &r));
	expect_fail(conf_rule_cpuid_xen(0x40000000, bad, 0x40011, 1, 0x40000000, &r),
		    "XenVMMXenVMM");
	expect_fail(conf_rule_cpuid_xen(0x40000000, good, 0x40011, 0, 0x40000000, &r),
		    "hypercall page");
	/* "always guaranteed to specify one hypercall page" */
	expect_fail(conf_rule_cpuid_xen(0x40000000, good, 0x40011, 2, 0x40000000, &r),
		    "one hypercall page", "saw 2");
	expect_pass(conf_rule_vcpu_ids(ids, uids, 3, &r));
	ids[2] = 4; /* the APIC id, not the vCPU id: libxl's numbering broken, not the ABI */
	expect_note(conf_rule_vcpu_ids(ids, uids, 3, &r), "CPU 2", "vCPU id 4", "UID 2");
	ids[2] = UINT32_MAX; /* VCPU_ID_PRESENT clear: nothing to compare */
	cr_assert_eq(conf_rule_vcpu_ids(ids, uids, 3, &r), PVH_SKIP);
	struct conf_clock_samples c = { .samples = 1000 };
	expect_pass(conf_rule_monotonic(&c, 4, &r));
	c.raw_back = 3, c.raw_worst_ns = 5000;
	expect_pass(conf_rule_monotonic(&c, 4, &r)); /* skew Xen did not rule out */
	cr_assert(strstr(r.msg, "up to 5000 ns"), "%s", r.msg);
	c.tsc_stable = 1;
	expect_fail(conf_rule_monotonic(&c, 4, &r), "3 of 1000", "5000 ns", "TSC_STABLE");
	c = (struct conf_clock_samples){ .samples = 1000, .mono_flat = 2 };
	expect_fail(conf_rule_monotonic(&c, 4, &r), "2 of 1000", "increase");
	c.samples = 0;
	cr_assert_eq(conf_rule_monotonic(&c, 4, &r), PVH_ERROR);
	expect_pass(conf_rule_wallclock(1700000000500000000ull, 1700000000000000000ull, 0, &r));
	expect_fail(conf_rule_wallclock(1700000005000000000ull, 1700000000000000000ull, 0, &r),
		    "within 2 s", "5000 ms");
}

static char outbuf[16384];
static void capture(void *ctx, const char *s)
{
	(void)ctx;
	strcat(outbuf, s);
	strcat(outbuf, "\n");
}

static void t_dummy(struct conf_result *res, const struct conf_expect *e)
{
	(void)res;
	(void)e;
}

Test(conformance_report, tap_junit_result)
{
	static const struct conf_test tests[] = {
		{ "entry.cr4", "CR4 clear", "pvh.pandoc", t_dummy },
		{ "entry.eflags", "EFLAGS", "pvh.pandoc", t_dummy },
		{ "evtchn.mask", "mask <holds>", "event_channel.h", t_dummy },
	};
	struct conf_record recs[3] = {
		{ &tests[0], { PVH_PASS, 0, "CR4 0" }, 1000 },
		{ &tests[1], { PVH_FAIL, 0, "expected EFLAGS.IF clear, saw EFLAGS 0x202" }, 0 },
		{ &tests[2], { PVH_SKIP, 0, "not on Xen" }, 0 },
	};
	struct conf_out o = { capture, NULL };
	struct pvh_tally t;
	char line[200];

	outbuf[0] = 0;
	for (unsigned i = 0; i < 3; i++)
		conf_report_tap(&o, i + 1, &recs[i]);
	cr_assert(strstr(outbuf, "ok 1 - entry.cr4\n"));
	cr_assert(
	    strstr(
		outbuf,
		"not ok 2 - entry.eflags # failure: expected EFLAGS.IF clear, saw EFLAGS 0x202\n"),
	    "%s", outbuf);
	cr_assert(strstr(outbuf, "ok 3 - evtchn.mask # SKIP not on Xen\n"));
	outbuf[0] = 0;
	conf_report_junit(&o, recs, 3);
	cr_assert(strstr(outbuf, CONF_JUNIT_BEGIN "\n<?xml"), "%s", outbuf);
	cr_assert(strstr(outbuf, "<testsuite name=\"entry\" tests=\"2\" failures=\"1\""), "%s",
		  outbuf);
	cr_assert(strstr(
	    outbuf,
	    "<testsuite name=\"evtchn\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"1\""));
	cr_assert(strstr(outbuf, "mask &lt;holds&gt;") || strstr(outbuf, "<skipped"), "%s", outbuf);
	cr_assert(strstr(outbuf, "</testsuites>\n" CONF_JUNIT_END "\n"));
	conf_totals(recs, 3, &t);
	conf_result_text(&t, conf_notes(recs, 3), line, sizeof(line));
	cr_assert_str_eq(line,
			 "conformance: 3 tests, 1 passed, 1 failed, 0 errors, 1 skipped, 0 notes");
	cr_assert_str_eq(pvh_status_xtf_word(conf_overall(&t)), "FAILURE");
	/* a note passes: counted with the passed and as a note, never as a failure */
	recs[1].res.status = PVH_PASS;
	recs[1].res.note = 1;
	conf_totals(recs, 3, &t);
	cr_assert_eq(conf_overall(&t), PVH_PASS);
	conf_result_text(&t, conf_notes(recs, 3), line, sizeof(line));
	cr_assert_str_eq(line,
			 "conformance: 3 tests, 2 passed, 0 failed, 0 errors, 1 skipped, 1 notes");
	cr_assert_str_eq(pvh_status_xtf_word(conf_overall(&t)), "SUCCESS");
	outbuf[0] = 0;
	conf_report_tap(&o, 2, &recs[1]);
	cr_assert(strstr(outbuf, "ok 2 - entry.eflags\n#   note: "), "%s", outbuf);
	recs[1].res.note = 0;
	recs[1].res.status = PVH_FAIL;
	conf_totals(recs, 3, &t);
	cr_assert_str_eq(pvh_status_word(conf_overall(&t)), "FAIL");
	recs[1].res.status = PVH_ERROR;
	conf_totals(recs, 3, &t);
	cr_assert_eq(conf_overall(&t), PVH_ERROR);
	recs[0].res.status = recs[1].res.status = PVH_SKIP;
	conf_totals(recs, 3, &t);
	cr_assert_eq(conf_overall(&t), PVH_SKIP);
	conf_totals(recs, 0, &t);
	cr_assert_eq(conf_overall(&t), PVH_SKIP, "no tests at all is SKIP, as before");
}

Test(conformance_report, xml_escape)
{
	char buf[64];

	conf_xml_escape("a<b & \"c\"\x01", buf, sizeof(buf));
	cr_assert_str_eq(buf, "a&lt;b &amp; &quot;c&quot;?");
	conf_xml_escape("&&&&&&", buf, 12); /* never cuts an entity in half */
	cr_assert_str_eq(buf, "&amp;&amp;");
}

Test(conformance_args, parse_and_select)
{
	char *argv[] = { "conformance",
			 "--only",
			 "evtchn,gnttab.copy",
			 "--vcpus=4",
			 "--maxvcpus=8",
			 "--memory=64",
			 "--modules=1",
			 "--module0=37:0xdeadbeef",
			 "--cmdline-check=40:cbf43926",
			 "--dom0-time",
			 NULL };
	struct conf_args a;

	cr_assert_eq(conf_args_parse(10, argv, &a), 0);
	cr_assert_eq(a.expect.vcpus, 4);
	cr_assert_eq(a.expect.maxvcpus, 8);
	cr_assert_eq(a.expect.memory_mib, 64);
	cr_assert_eq(a.expect.module0_len, 37);
	cr_assert_eq(a.expect.module0_crc, 0xdeadbeef);
	cr_assert_eq(a.expect.cmdline_len, 40);
	cr_assert_eq(a.expect.cmdline_crc, 0xcbf43926);
	cr_assert(a.expect.dom0_time);
	cr_assert(conf_selected(a.only, "evtchn.ipi"));
	cr_assert(conf_selected(a.only, "gnttab.copy"));
	cr_assert(!conf_selected(a.only, "gnttab.version"));
	cr_assert(!conf_selected(a.only, "evtchnx.foo"));
	char *bad[] = { "conformance", "--vcpus=x", NULL };
	cr_assert_eq(conf_args_parse(2, bad, &a), -1);
	cr_assert_str_eq(a.bad, "--vcpus=x");
	char *one[] = { "conformance", "--vcpus=2", NULL };
	cr_assert_eq(conf_args_parse(2, one, &a), 0);
	cr_assert_eq(a.expect.maxvcpus, 2);
}
