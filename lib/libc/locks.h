/* The libc's lock type, shared by newlib and picolibc (same retargetable-lock interface): a kernel lock. */
#ifndef LIB_LIBC_LOCKS_H
#define LIB_LIBC_LOCKS_H

#include "lib/sys/sys.h"

struct __lock {
	struct sys_lock l;
};

#endif
