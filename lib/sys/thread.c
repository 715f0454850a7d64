/* Where the C library keeps the calling thread's state (newlib's reent, picolibc's TLS block). */
#include "kernel/sched.h"
#include "lib/sys/sys.h"

void **sys_thread_libc_slot(void)
{
	return &thread_self()->libc;
}
