/*
 * The control node: `xl shutdown` / `xl reboot` write control/shutdown; the guest clears the key
 * (its acknowledgement, in a transaction as Linux does), runs the apps' hooks and ends itself;
 * for "suspend" (xl save, xl migrate) it runs the suspend sequence (kernel/suspend.c).
 */
#include "base/string.h"
#include "drivers/xenbus/xenbus.h"
#include "kernel/printk.h"
#include "kernel/shutdown.h"
#include "kernel/suspend.h"

#define HOOKS_MAX 8

static struct {
	void (*fn)(enum xenbus_shutdown how, void *arg);
	void *arg;
} hooks[HOOKS_MAX];
static unsigned nhooks;
static struct xs_watch shutdown_watch;

int xenbus_on_shutdown(void (*hook)(enum xenbus_shutdown how, void *arg), void *arg)
{
	if (nhooks == HOOKS_MAX)
		return -ENOSPC;
	hooks[nhooks].fn = hook;
	hooks[nhooks].arg = arg;
	__atomic_store_n(&nhooks, nhooks + 1, __ATOMIC_RELEASE);
	return 0;
}

struct request {
	char what[16];
};

/* Takes the request and clears the key in one transaction, so each request is acted on once. */
static int take(const struct xs_ctx *tx, void *arg)
{
	struct request *rq = arg;
	int r = xs_read(tx, "control/shutdown", rq->what, sizeof(rq->what));

	if (r == -ENOENT || r == 0) {
		rq->what[0] = 0;
		return 0; /* nothing asked: the watch fired when it was set, or for our own clear */
	}
	if (r == -ERANGE) {
		memcpy(rq->what, "(too long)", 11);
	} else if (r < 0) {
		return r;
	}
	return xs_write(tx, "control/shutdown", "");
}

static void shutdown_changed(struct xs_watch *w, const char *path)
{
	struct request rq = { 0 };
	(void)w;
	(void)path;

	int r = xs_transaction(NULL, take, &rq);
	if (r < 0) {
		pr_warn("xenbus: control/shutdown unreadable (%d)\n", r);
		return;
	}
	if (!rq.what[0])
		return;
	enum xenbus_shutdown how;

	if (!strcmp(rq.what, "poweroff") || !strcmp(rq.what, "halt")) {
		how = XENBUS_POWEROFF;
	} else if (!strcmp(rq.what, "reboot")) {
		how = XENBUS_REBOOT;
	} else if (!strcmp(rq.what, "suspend")) {
		/* here, in the watch thread: other watch events wait until the domain is back */
		pr_info("xenbus: control/shutdown: suspend requested by the toolstack\n");
		suspend_run();
		return;
	} else {
		pr_warn("xenbus: unknown control/shutdown request '%s' ignored\n", rq.what);
		return;
	}
	pr_info("xenbus: control/shutdown: %s requested by the toolstack\n", rq.what);
	for (unsigned i = 0; i < __atomic_load_n(&nhooks, __ATOMIC_ACQUIRE); i++)
		hooks[i].fn(how, hooks[i].arg);
	if (how == XENBUS_REBOOT)
		kernel_reboot();
	kernel_exit(0);
}

int xenbus_control_init(void)
{
	int r;

	/* what Linux advertises; without feature-suspend the toolstack knows not to ask for it */
	if ((r = xs_write(NULL, "control/feature-poweroff", "1")) ||
	    (r = xs_write(NULL, "control/feature-reboot", "1")) ||
	    (r = xs_write(NULL, "control/feature-suspend", "1")))
		return r;
	shutdown_watch = (struct xs_watch){ .path = "control/shutdown", .fn = shutdown_changed };
	return xs_watch(NULL, &shutdown_watch);
}
