/*
 * picolibc's thread glue: errno per app thread through __pvh_errno() (picolibc is built without
 * TLS and with -Derrno-function=__pvh_errno), and its one global libc lock on a kernel mutex.
 * stdin/stdout/stderr are picolibc's POSIX console (-Dposix-console): read/write on fds 0-2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/lock.h>
#include "lib/libc/glue.h"
#include "lib/libc/locks.h"
#include "lib/sys/sys.h"

int *__pvh_errno(void);

struct libc_thread {
	int err;
};

/* the boot thread's and kernel threads' errno */
static int shared_errno;

int *__pvh_errno(void)
{
	struct libc_thread *t = *sys_thread_libc_slot();

	return t ? &t->err : &shared_errno;
}

void libc_init(void)
{
}

void libc_thread_start(void)
{
	/* out of memory: this thread shares the boot thread's errno */
	*sys_thread_libc_slot() = calloc(1, sizeof(struct libc_thread));
}

void libc_thread_end(void)
{
	void **slot = sys_thread_libc_slot();
	void *t = *slot;

	*slot = NULL;
	free(t);
}

/* malloc, atexit, env, tz, arc4random: picolibc takes this one recursive lock for all of them */
struct __lock __lock___libc_recursive_mutex;
