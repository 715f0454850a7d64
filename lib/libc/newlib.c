/*
 * newlib's thread glue: one struct _reent per app thread (errno, strtok, rand, ...) found through
 * __getreent() (newlib is built with __DYNAMIC_REENT__), and its retargetable locks on kernel mutexes.
 */
#include <reent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/lock.h>
#include "lib/libc/glue.h"
#include "lib/libc/locks.h"
#include "lib/sys/sys.h"

void __sinit(struct _reent *r); /* newlib's stdio setup for a reent (stdio/findfp.c) */

/* The boot thread and kernel threads share newlib's global reent; app threads get their own. */
struct _reent *__getreent(void)
{
	struct _reent *r = *sys_thread_libc_slot();

	return r ? r : _GLOBAL_REENT;
}

static void no_cleanup(struct _reent *r)
{
	(void)r;
}

void __libc_fini_array(void);

/* newlib's __libc_init_array/__libc_fini_array call these; .init_array/.fini_array do the work */
void _init(void)
{
}

void _fini(void)
{
}

void libc_init(void)
{
	__sinit(_GLOBAL_REENT);
	/* destructors after the atexit handlers registered later, as a hosted crt0 does it */
	atexit(__libc_fini_array);
}

void libc_thread_start(void)
{
	struct _reent *r = malloc(sizeof(*r));

	if (!r)
		return; /* out of memory: this thread shares the global reent */
	_REENT_INIT_PTR(r);
	/*
	 * One stdin/stdout/stderr for all threads (their FILE locks serialise them), not a buffer per
	 * thread that nobody flushes at exit: the thread's reent counts as set up, with the global streams.
	 */
	r->_stdin = _GLOBAL_REENT->_stdin;
	r->_stdout = _GLOBAL_REENT->_stdout;
	r->_stderr = _GLOBAL_REENT->_stderr;
	r->__cleanup = no_cleanup;
	r->__sdidinit = 1;
	*sys_thread_libc_slot() = r;
}

void libc_thread_end(void)
{
	void **slot = sys_thread_libc_slot();
	struct _reent *r = *slot;

	if (!r)
		return;
	_reclaim_reent(r);
	*slot = NULL;
	free(r);
}

/* newlib's named static locks; the functions behind them are in lib/libc/locks.c */
struct __lock __lock___sinit_recursive_mutex, __lock___sfp_recursive_mutex,
    __lock___atexit_recursive_mutex, __lock___at_quick_exit_mutex, __lock___malloc_recursive_mutex,
    __lock___env_recursive_mutex, __lock___tz_mutex, __lock___dd_hash_mutex,
    __lock___arc4random_mutex;
