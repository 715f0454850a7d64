/* Suspend and resume (save/restore, live migration): the kernel's sequence and the hooks layers add to it. */
#ifndef KERNEL_SUSPEND_H
#define KERNEL_SUSPEND_H

#include <stdbool.h>

/*
 * Hook levels: suspend runs the hooks from the highest level down (frontends stop before the
 * xenstore client they use), resume from the lowest up (time, events and grants come back before
 * xenstore, xenstore before the frontends that reconnect through it, apps last).
 */
enum suspend_level {
	SUSPEND_LEVEL_CORE = 0,	     /* time, event channels, grant table, per-vCPU state */
	SUSPEND_LEVEL_CONSOLE = 10,  /* the PV console */
	SUSPEND_LEVEL_XENSTORE = 20, /* the xenstore client and its watches */
	SUSPEND_LEVEL_FRONTEND = 30, /* blkfront, netfront */
	SUSPEND_LEVEL_APP = 40,	     /* the public pvh_on_resume hooks */
};

struct suspend_hook {
	const char *name;
	enum suspend_level level;
	/*
	 * Quiesce, in thread context on the boot vCPU with the other vCPUs still running; may sleep.
	 * 0, or a negative errno to refuse: the suspend is then abandoned and every hook that had
	 * prepared is resumed as cancelled. NULL: nothing to do.
	 */
	int (*prepare)(void);
	/*
	 * After SCHEDOP_shutdown(SHUTDOWN_suspend) returned and every vCPU runs again, in thread
	 * context. new_domain: a restore or a migration target, where Xen kept nothing of the
	 * domain's (grants, event channels, registrations, the xenstore connection); false: the
	 * suspend was cancelled (xl save -c, a failed save), everything is still bound.
	 * On a new domain the kernel has already forgotten every event channel (kernel/evtchn.c:
	 * evtchn_resume): never unbind or close a port from before (its number may now be
	 * someone else's), bind the new one; a grant ref from before is free to end (the entry is
	 * empty: gnttab_end_access succeeds) but its page may be given again only through a new ref.
	 * Hooks run in the xenstore watch thread (the control watch): one that waits for a watch
	 * event waits forever, so a hook polls what it waits for (xenbus_front's reconnect does).
	 */
	void (*resume)(bool new_domain);
	struct suspend_hook *next; /* the kernel's list */
};

/* Adds h (static storage) to the sequence; safe at any time before or between suspends. */
void suspend_hook_register(struct suspend_hook *h);

/*
 * The whole sequence, in thread context (the control watch runs it): prepare, park the other
 * vCPUs, SCHEDOP_shutdown(SHUTDOWN_suspend) on the boot vCPU, rebuild, resume. 0 once resumed
 * (cancelled or in a new domain); -EAGAIN before suspend_ready, -EBUSY while one runs, a hook's
 * refusal, or Xen's. Every refusal is said on the console and counted.
 */
int suspend_run(void);
/* The boot has finished (xenstore, the frontends are up): suspend requests are taken from now on. */
void suspend_ready(void);

struct suspend_stats {
	unsigned long requests;	  /* suspends started (past the gate) */
	unsigned long new_domain; /* resumed in a new domain (restore, migration) */
	unsigned long cancelled;  /* resumed in the same domain (xl save -c, a failed save) */
	unsigned long refused;	  /* not started: too early, already running, a hook refused */
	unsigned long failed;	  /* Xen refused the suspend hypercall */
	unsigned long long last_gap_ns; /* the last suspend, hypercall to resumed, monotonic time */
};
void suspend_get_stats(struct suspend_stats *st);

#endif
