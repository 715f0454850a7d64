/* Save, restore and live migration as an app sees them: a hook run after each resume, and counts. */
#ifndef PVHKIT_SUSPEND_H
#define PVHKIT_SUSPEND_H

#include <stdint.h>

/*
 * Threads simply keep running across `xl save`/`xl restore`, `xl save -c` and `xl migrate`; the
 * kernel reconnects what Xen forgot. An app that wants to know (to announce itself, to re-read
 * something of the host's) registers fn: it runs once after every resume, in a kernel thread,
 * after the kernel, xenstore and the frontends are back. new_domain: 1 after a restore or a
 * migration (another domain id, perhaps another host), 0 after a cancelled suspend (xl save -c:
 * the same domain goes on). fn may block and use the whole API. 0, or -1 when the table is full
 * (PVH_ON_RESUME_MAX hooks).
 */
#define PVH_ON_RESUME_MAX 8
int pvh_on_resume(void (*fn)(int new_domain, void *arg), void *arg);

struct pvh_suspend_stats {
	uint64_t requests;   /* suspends started */
	uint64_t new_domain; /* resumed in a new domain (restore, migration target) */
	uint64_t cancelled;  /* resumed in the same domain (xl save -c, a failed save) */
	uint64_t refused; /* requests refused: during the boot or another suspend, or by a driver */
	uint64_t failed;  /* Xen refused the suspend */
	uint64_t
	    last_gap_ns; /* the last suspend: monotonic time from the hypercall to the resume */
};
void pvh_suspend_stats(struct pvh_suspend_stats *st);

#endif
