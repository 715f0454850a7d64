/* The suspend sequence's pure logic: hooks in level order, prepare with roll-back, the request gate. */
#ifndef KERNEL_SUSPEND_SEQ_H
#define KERNEL_SUSPEND_SEQ_H

#include <stdbool.h>
#include "kernel/suspend.h"

#define SUSPEND_HOOKS_MAX 32

/* Inserts h into *list, kept in ascending level order (equal levels: registration order). */
void suspend_seq_add(struct suspend_hook **list, struct suspend_hook *h);

/*
 * Runs the prepare hooks from the highest level down. When one refuses, every hook that had
 * prepared is resumed as cancelled (lowest level first) and its error is returned, with *who
 * (may be NULL) the refusing hook's name. 0 when all prepared.
 */
int suspend_seq_prepare(struct suspend_hook *list, const char **who);

/* Runs every resume hook from the lowest level up. */
void suspend_seq_resume(struct suspend_hook *list, bool new_domain);

/*
 * Whether a suspend request may start: the kernel is not ready before the boot has finished
 * (xenstore, the frontends), and only one suspend runs at a time. suspend_gate_enter returns 0
 * (the caller now owns the gate), -EAGAIN (not ready yet) or -EBUSY (a suspend runs).
 */
enum suspend_gate { SUSPEND_GATE_BOOTING, SUSPEND_GATE_READY, SUSPEND_GATE_BUSY };
int suspend_gate_enter(int *gate);
void suspend_gate_leave(int *gate);
void suspend_gate_open(int *gate); /* the boot has finished */

#endif
