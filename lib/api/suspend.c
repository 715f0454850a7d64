/* The suspend API for apps (include/pvhkit/suspend.h): the app-level hook and the kernel's counts. */
#include <stddef.h>
#include "kernel/suspend.h"
#include "lib/api/api.h"
#include "pvhkit/suspend.h"

static struct {
	void (*fn)(int new_domain, void *arg);
	void *arg;
} hooks[PVH_ON_RESUME_MAX];
static unsigned nhooks;

static void app_resume(bool new_domain)
{
	for (unsigned i = 0; i < __atomic_load_n(&nhooks, __ATOMIC_ACQUIRE); i++)
		hooks[i].fn(new_domain, hooks[i].arg);
}

static struct suspend_hook app_hook = { "apps (pvh_on_resume)", SUSPEND_LEVEL_APP, NULL, app_resume,
					NULL };

int pvh_on_resume(void (*fn)(int new_domain, void *arg), void *arg)
{
	if (!fn || nhooks == PVH_ON_RESUME_MAX)
		return -1;
	hooks[nhooks].fn = fn;
	hooks[nhooks].arg = arg;
	if (__atomic_fetch_add(&nhooks, 1, __ATOMIC_ACQ_REL) == 0)
		suspend_hook_register(&app_hook);
	return 0;
}

void pvh_suspend_stats(struct pvh_suspend_stats *st)
{
	struct suspend_stats k;

	suspend_get_stats(&k);
	*st = (struct pvh_suspend_stats){ k.requests, k.new_domain, k.cancelled,
					  k.refused,  k.failed,	    k.last_gap_ns };
}
