/* apps/conformance: one test per clause of the PVH ABI and the Xen guest interfaces; shared types. */
#ifndef APPS_CONFORMANCE_CONF_H
#define APPS_CONFORMANCE_CONF_H
#include <stddef.h>
#include <stdint.h>

/*
 * Outcomes are the result library's (include/pvhkit/result.h), XTF's severities: FAIL = the
 * hypervisor broke the contract; ERROR = the test or its environment could not run it (a broken
 * expectation, a kernel service missing); SKIP = the clause does not apply here (no Xen, no
 * xenstore, a configuration that cannot show it). A NOTE is a PASS with a flag: the written clause
 * holds, but the hypervisor did something the ABI does not promise (or forbid) and a guest might
 * depend on; it is reported and counted ("N notes"), never a failure.
 */
#include <pvhkit/result.h>

#define CONF_MSG_MAX 240
struct conf_result {
	enum pvh_status status;
	int note;		/* PASS with a note (conf_note) */
	char msg[CONF_MSG_MAX]; /* "expected X, saw Y" on FAIL; why on ERROR/SKIP; detail on PASS */
};

/* Sets the outcome and its message (printf-style); returns status so rules can `return conf_set(...)`. */
enum pvh_status conf_set(struct conf_result *r, enum pvh_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define conf_pass(r, ...)  conf_set(r, PVH_PASS, __VA_ARGS__)
#define conf_fail(r, ...)  conf_set(r, PVH_FAIL, __VA_ARGS__)
#define conf_error(r, ...) conf_set(r, PVH_ERROR, __VA_ARGS__)
#define conf_skip(r, ...)  conf_set(r, PVH_SKIP, __VA_ARGS__)
/* Passed, with a note (behaviour beyond the ABI's words); returns PVH_PASS. */
enum pvh_status conf_note(struct conf_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
const char *conf_status_name(enum pvh_status s); /* "pass", "failure", "error", "skip" */

/* What the runner told us to expect (app arguments; see conf_args.c). -1 / 0 = not given. */
struct conf_expect {
	int vcpus, maxvcpus; /* vCPUs online at boot / in the MADT */
	long memory_mib;     /* configured guest memory */
	int modules;	     /* boot modules */
	int64_t cmdline_len; /* --cmdline-check=LEN:CRC over the text before the check itself */
	uint32_t cmdline_crc;
	int64_t module0_len; /* --module0=LEN:CRC: module 0's size and CRC-32 */
	uint32_t module0_crc;
	int dom0_time;	/* a dom0 helper answers wall-clock requests (tests/xen/conformance-dom0) */
	int domu;	/* 1: a Xen domU, 0: not (dom0, QEMU); -1: decide from the start info */
	int initdomain; /* --initdomain: booted as Xen's initial domain (dom0) */
};

struct conf_test {
	const char *name; /* "group.clause" */
	const char *desc; /* the clause, in one line */
	const char *ref;  /* where the clause is written */
	void (*run)(struct conf_result *r, const struct conf_expect *e);
};

/* Each group's table, terminated by an entry with name NULL. */
extern const struct conf_test conf_tests_entry[], conf_tests_start_info[], conf_tests_cpuid[],
    conf_tests_acpi[], conf_tests_vcpu[], conf_tests_evtchn[], conf_tests_gnttab[],
    conf_tests_xenstore[], conf_tests_console[], conf_tests_time[], conf_tests_vcpu_area[],
    conf_tests_reloc[];

/* The CRC-32 (IEEE, as zlib and `gzip -l`/`cksum -a crc` compute it) of n bytes. */
uint32_t conf_crc32(const void *buf, size_t n);
#endif
