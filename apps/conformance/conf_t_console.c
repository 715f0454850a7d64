/* The PV console ring (xen/include/public/io/console.h): output reaches the toolstack; the runner checks. */
#include "conf_guest.h"
#include "conf_rules.h"
#include <pvhkit/kernel.h>
#include <pvhkit/test/xen.h>

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

/*
 * io/console.h (4.21): the byte after out_prod is XENCONSOLE_DISCONNECTED (1) until the backend
 * serves the ring, then XENCONSOLE_CONNECTED (0); a backend before 4.21 leaves the zeroed page's 0.
 * Any other value is outside the ABI. How long it stayed disconnected is reported, not judged.
 */
static void t_connection(struct conf_result *r, const struct conf_expect *e)
{
	struct pvh_test_xencons_stats st;
	int b = pvh_test_xencons_connection();

	(void)e;
	if (b < 0) {
		conf_skip(r, "no PV console ring (no Xen, or the initial domain)");
		return;
	}
	pvh_test_xencons_stats(&st);
	if (b != 0 && b != 1) {
		conf_fail(
		    r, "expected the connection byte 0 (connected) or 1 (disconnected), saw %d", b);
		return;
	}
	conf_pass(r,
		  "connection byte %d (%s); %llu bytes went to port 0xE9 before the backend "
		  "connected",
		  b, b == 0 ? "connected, or a backend before 4.21" : "disconnected",
		  (unsigned long long)st.bytes_before_connect);
}

const struct conf_test conf_tests_console[] = {
	{ "console.ring",
	  "output written to the PV console ring reaches the toolstack (runner checks)",
	  "xen/include/public/io/console.h, hvm/params.h (HVM_PARAM_CONSOLE_PFN/EVTCHN)", t_ring },
	{ "console.connection",
	  "the ring's connection byte is XENCONSOLE_CONNECTED or XENCONSOLE_DISCONNECTED; output "
	  "before the backend connects is not lost",
	  "xen/include/public/io/console.h (Xen 4.21: connection)", t_connection },
	{ 0 },
};
