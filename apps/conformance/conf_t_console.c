/* The PV console ring (xen/include/public/io/console.h): output reaches the toolstack; the runner checks. */
#include "conf_guest.h"
#include "conf_rules.h"
#include <pvhkit/kernel.h>

static void t_ring(struct conf_result *r, const struct conf_expect *e)
{
	struct pvh_test_xencons_stats st;

	(void)e;
	pvh_test_xencons_stats(&st);
	if (!st.bytes_out) {
		conf_skip(
		    r, "no PV console ring in use (no Xen, or a dom0 printing through console_io)");
		return;
	}
	/* the line the runner looks for in xenconsoled's log: it proves the ring carried it */
	pvh_printf("CONSOLE-CHECK: pvhkit conformance console line, %llu bytes so far\n",
		   (unsigned long long)st.bytes_out);
	if (st.ring_errors)
		conf_fail(r, "expected a well-behaved console ring, saw %llu bad index updates",
			  (unsigned long long)st.ring_errors);
	else
		conf_pass(r, "%llu bytes written; the runner checks the CONSOLE-CHECK line arrived",
			  (unsigned long long)st.bytes_out);
}

const struct conf_test conf_tests_console[] = {
	{ "console.ring",
	  "output written to the PV console ring reaches the toolstack (runner checks)",
	  "xen/include/public/io/console.h, hvm/params.h (HVM_PARAM_CONSOLE_PFN/EVTCHN)", t_ring },
	{ 0 },
};
