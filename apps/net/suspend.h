/* net serve suspend=MODE (suspend.c): the plan for dom0's tests/xen/net-suspend, resume counts. */
#ifndef APPS_NET_SUSPEND_H
#define APPS_NET_SUSPEND_H

/* arg "suspend=save|cancel|migrate": publishes the plan and reports each resume; else nothing. */
void net_suspend_plan(const char *arg);

#endif
