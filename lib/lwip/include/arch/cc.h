/* lwIP's compiler/platform glue for pvhkit: x86-64 little endian, diagnostics and asserts to the kernel. */
#ifndef LWIP_ARCH_CC_H
#define LWIP_ARCH_CC_H

#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/time.h> /* struct timeval for lwip_select (LWIP_TIMEVAL_PRIVATE 0) */

#ifndef BYTE_ORDER
#define BYTE_ORDER LITTLE_ENDIAN
#endif
/* the libc has ssize_t (sys/types.h) */
#define SSIZE_MAX	   0x7fffffffffffffffL
#define LWIP_NO_INTTYPES_H 0

void lwip_os_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void lwip_os_assert(const char *msg, const char *file, int line);

#define LWIP_PLATFORM_DIAG(x)                                                                      \
	do {                                                                                       \
		lwip_os_diag x;                                                                    \
	} while (0)
#define LWIP_PLATFORM_ASSERT(x) lwip_os_assert((x), __FILE__, __LINE__)

#endif
