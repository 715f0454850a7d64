/* net serve suspend=MODE: tells dom0's tests/xen/net-suspend what to do and when the guest resumed (pvh_on_resume). */
#include <stdio.h>
#include <string.h>
#include <pvhkit/kernel.h>
#include <pvhkit/suspend.h>
#include <pvhkit/xenstore.h>
#include "suspend.h"

static unsigned resumed_new, resumed_cancelled;

/* After each resume: the count dom0 waits for ("<new domains> <cancelled>"), and a console line. */
static void on_resume(int new_domain, void *arg)
{
	char v[32];
	(void)arg;

	if (new_domain)
		resumed_new++;
	else
		resumed_cancelled++;
	pvh_snprintf(v, sizeof(v), "%u %u", resumed_new, resumed_cancelled);
	pvh_xenstore_write(NULL, "data/suspend/count", v);
	printf("net: resumed (%s), %u new domains, %u cancelled\n",
	       new_domain ? "a new domain" : "cancelled", resumed_new, resumed_cancelled);
	fflush(stdout);
}

void net_suspend_plan(const char *arg)
{
	char v[32];

	if (!arg || strncmp(arg, "suspend=", 8))
		return;
	pvh_on_resume(on_resume, NULL);
	pvh_snprintf(v, sizeof(v), "%s 1", arg + 8);
	pvh_xenstore_write(NULL, "data/suspend/plan", v);
}
