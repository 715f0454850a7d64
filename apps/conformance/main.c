/*
 * conformance: checks, clause by clause, that the hypervisor (or PVH loader) honours the PVH boot
 * ABI and the core Xen guest interfaces. Prints TAP 13, a JUnit XML document between markers and
 * a RESULT line. Arguments: --list, --only GROUP|TEST[,...], and what the runner configured
 * (--vcpus=N --maxvcpus=M --memory=MiB --modules=N --module0=LEN:CRC --cmdline-check=LEN:CRC
 * --dom0-time --domu/--not-domu): see README.md, "For hypervisor developers".
 */
#include <stdarg.h>
#include <stdio.h>
#include <pvhkit/kernel.h>
#include <pvhkit/smp.h>
#include "conf_args.h"
#include "conf_guest.h"
#include "conf_report.h"
#include <pvhkit/test/kernel.h>

/* in the order they run: boot ABI first (nothing else disturbs it), xenstore late, vCPU down/up last */
static const struct conf_test *const groups[] = {
	conf_tests_entry,   conf_tests_reloc,  conf_tests_start_info, conf_tests_cpuid,
	conf_tests_acpi,    conf_tests_evtchn, conf_tests_gnttab,     conf_tests_xenstore,
	conf_tests_console, conf_tests_time,   conf_tests_vcpu_area,  conf_tests_vcpu,
};
#define NGROUPS (sizeof(groups) / sizeof(groups[0]))

static void out_line(void *ctx, const char *s);
static void out_line(void *ctx, const char *s)
{
	(void)ctx;
	pvh_printf("%s\n", s);
}

static const struct conf_out out = { out_line, NULL };

static void usage(const char *bad)
{
	pvh_printf("conformance: argument '%s' not understood\n"
		   "usage: -- [--list] [--only GROUP|TEST[,...]] [--vcpus=N] [--maxvcpus=N] "
		   "[--memory=MiB]\n"
		   "          [--modules=N] [--module0=LEN:CRC32] [--cmdline-check=LEN:CRC32] "
		   "[--dom0-time]\n"
		   "          [--domu|--not-domu|--initdomain]\n",
		   bad);
}

int main(int argc, char **argv)
{
	struct conf_args a;

	if (conf_args_parse(argc, argv, &a)) {
		usage(a.bad);
		return pvh_result(PVH_ERROR, "conformance: bad argument '%s'", a.bad);
	}
	unsigned planned = 0;
	for (unsigned g = 0; g < NGROUPS; g++)
		for (const struct conf_test *t = groups[g]; t->name; t++) {
			if (!conf_selected(a.only, t->name))
				continue;
			planned++;
			if (a.list)
				pvh_printf("%-24s %s\n%-24s   [%s]\n", t->name, t->desc, "",
					   t->ref);
		}
	if (a.list)
		return 0;
	if (!planned)
		return pvh_result(PVH_ERROR, "conformance: --only '%s' selects no test", a.only);
	struct conf_record *recs = pvh_malloc(planned * sizeof(*recs));
	if (!recs)
		return pvh_result(PVH_ERROR, "conformance: out of memory");
	/* main stays on CPU 0: the vCPU tests take other CPUs down, the IPI tests send from here */
	pvh_thread_pin(NULL, 0);
	pvh_printf("# conformance: %s, %u CPU%s online, %s\n",
		   conf_xen()->present ? "Xen" : "no Xen", pvh_cpu_online_count(),
		   pvh_cpu_online_count() == 1 ? "" : "s",
		   conf_is_domu(&a.expect) ? "PVH domU" : "not a Xen domU");
	conf_report_plan(&out, planned);
	unsigned n = 0;
	for (unsigned g = 0; g < NGROUPS; g++)
		for (const struct conf_test *t = groups[g]; t->name; t++) {
			if (!conf_selected(a.only, t->name))
				continue;
			struct conf_record *rec = &recs[n++];
			*rec = (struct conf_record){ .test = t, .res = { PVH_PASS, 0, "" } };
			uint64_t t0 = pvh_test_monotonic_ns();
			t->run(&rec->res, &a.expect);
			rec->ns = pvh_test_monotonic_ns() - t0;
			conf_report_tap(&out, n, rec);
		}
	conf_report_junit(&out, recs, n);
	struct pvh_tally tot;
	char text[160];
	conf_totals(recs, n, &tot);
	conf_result_text(&tot, conf_notes(recs, n), text, sizeof(text));
	int rc = pvh_result(conf_overall(&tot), "%s", text);
	/* XTF's result line, for harnesses written for XTF: here, and again as the console's very
	 * last line after the kernel's EXIT line (xtf-runner reads only the last line) */
	snprintf(text, sizeof(text), "Test result: %s", pvh_status_xtf_word(conf_overall(&tot)));
	pvh_printf("%s\n", text);
	pvh_exit_last_line(text);
	return rc;
}
