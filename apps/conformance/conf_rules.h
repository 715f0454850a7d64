/*
 * The comparisons that decide a conformance test's outcome, as pure functions over recorded values:
 * the guest feeds them what it saw, tests/unit/test_conformance.c feeds them deliberately wrong
 * inputs and checks each is reported as a failure with a clear message.
 */
#ifndef APPS_CONFORMANCE_CONF_RULES_H
#define APPS_CONFORMANCE_CONF_RULES_H
#include <stdint.h>
#include "conf.h"
#include <pvhkit/test/boot.h>
#include <pvhkit/test/acpi.h>

/* ---- entry state (docs/misc/pvh.pandoc, "Initial state") ---- */
enum pvh_status conf_rule_cr0(uint32_t cr0, struct conf_result *r);
enum pvh_status conf_rule_cr4(uint32_t cr4, struct conf_result *r);
enum pvh_status conf_rule_eflags(uint32_t eflags, struct conf_result *r);
enum pvh_status conf_rule_efer(uint64_t efer, struct conf_result *r);
/* A segment's base, limit and attributes against the ABI (from its descriptor when readable). */
enum pvh_status conf_rule_segment(const struct pvh_test_entry_state *es, enum pvh_test_seg seg,
				  struct conf_result *r);
/* What the boot.S probes (PVH_TEST_PROBE_*) saw the hidden segment state do. */
enum pvh_status conf_rule_segment_probes(uint32_t probes, struct conf_result *r);
/* %ebx points at the start info: magic_at_ebx is the u32 read there. */
enum pvh_status conf_rule_ebx(uint32_t ebx, uint32_t magic_at_ebx, struct conf_result *r);

/* A decoded segment descriptor (or lar/lsl results). */
struct conf_seg {
	uint32_t base, limit; /* limit in bytes, granularity applied */
	uint8_t type, s, dpl, p, l, db, g;
};
void conf_seg_decode(uint64_t desc, struct conf_seg *out);

/* ---- start info (xen/include/public/arch-x86/hvm/start_info.h) ---- */
enum pvh_status conf_rule_si_magic(uint32_t magic, struct conf_result *r);
/*
 * version 0 or higher (later versions are backwards-compatible); in version 1 and newer the
 * reserved field "must be zero". min: what this loader is known to write (libxl 1): below it is a
 * note, not a failure (version 0 is a real ABI).
 */
enum pvh_status conf_rule_si_version(uint32_t version, uint32_t reserved, uint32_t min,
				     struct conf_result *r);
/* cmdline as copied (NULL when absent): its text before " --cmdline-check=" has e's length and CRC. */
enum pvh_status conf_rule_cmdline(const char *cmdline, const struct conf_expect *e,
				  struct conf_result *r);
struct conf_mem_entry {
	uint64_t addr, size;
	uint32_t type;
	uint32_t reserved; /* "must be zero for Version 1" */
};
/*
 * The memory map as given. Failures: an entry whose type is none of XEN_HVM_MEMMAP_TYPE_* (1-7),
 * a reserved field not zero, an entry past the end of the address space, RAM not adding up to
 * about the configured memory (e->memory_mib, when given). Notes (start_info.h does not promise
 * them, guests rely on them): overlapping or empty entries, the image [img_lo, img_hi) not in RAM.
 */
enum pvh_status conf_rule_memmap(const struct conf_mem_entry *m, unsigned n, uint64_t img_lo,
				 uint64_t img_hi, const struct conf_expect *e,
				 struct conf_result *r);
/* Modules: count as configured, each non-empty, in RAM, not over the image; module 0's CRC. */
struct conf_module {
	uint64_t paddr, size;
	uint32_t crc; /* CRC-32 of its content, computed by the caller */
};
enum pvh_status conf_rule_modules(const struct conf_module *mods, unsigned n,
				  const struct conf_mem_entry *m, unsigned nm, uint64_t img_lo,
				  uint64_t img_hi, const struct conf_expect *e,
				  struct conf_result *r);

/* The SIF_* flags: SIF_INITDOMAIN (and SIF_PRIVILEGED) exactly when booted as the initial domain. */
enum pvh_status conf_rule_si_flags(uint32_t flags, const struct conf_expect *e,
				   struct conf_result *r);

/* ---- CPUID (xen/include/public/arch-x86/cpuid.h) ---- */
/* leaf0 = base+0's eax..edx, ver = base+1's eax, pages/msr = base+2's eax/ebx */
enum pvh_status conf_rule_cpuid_xen(uint32_t base, const uint32_t leaf0[4], uint32_t ver,
				    uint32_t pages, uint32_t msr, struct conf_result *r);
/* Per CPU: the vCPU id from leaf +4 (or UINT32_MAX when absent) against the MADT UID. */
enum pvh_status conf_rule_vcpu_ids(const uint32_t *cpuid_ids, const uint32_t *madt_uids, unsigned n,
				   struct conf_result *r);

/* ---- ACPI (libxl's PVH tables; xen/include/public/hvm/hvm_vcpu.h for the vCPU ids) ---- */
/* The MADT lists exactly maxvcpus processors (UIDs 0..max-1), exactly vcpus of them enabled. */
enum pvh_status conf_rule_madt_cpus(const struct pvh_test_acpi_madt *m,
				    const struct pvh_test_acpi_cpu *cpus,
				    const struct conf_expect *e, struct conf_result *r);
/* Entries of one MADT type (1 = I/O APIC), or a negative errno when the table does not walk. */
int conf_madt_count_type(const void *madt, uint32_t len, uint8_t type);
enum pvh_status conf_rule_no_ioapic(int ioapics, int domu, struct conf_result *r);

/* ---- time (xen/include/public/xen.h: vcpu_time_info, shared_info wc_*) ---- */
/*
 * Clock samples taken on cpus CPUs, each against the latest one any CPU published: raw_back of
 * them saw a vCPU's own pvclock behind another's (by up to raw_worst_ns), which Xen may allow
 * unless it set XEN_PVCLOCK_TSC_STABLE_BIT (tsc_stable); mono_flat saw pvhkit's monotonic time
 * fail to increase (never allowed).
 */
struct conf_clock_samples {
	uint64_t samples, raw_back, raw_worst_ns, mono_flat;
	int tsc_stable;
};
enum pvh_status conf_rule_monotonic(const struct conf_clock_samples *c, unsigned cpus,
				    struct conf_result *r);
/* The guest's wall clock against dom0's, taken rtt_ns apart at most. */
enum pvh_status conf_rule_wallclock(uint64_t guest_ns, uint64_t dom0_ns, uint64_t rtt_ns,
				    struct conf_result *r);
#endif
