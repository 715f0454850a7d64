/* The kernel services lwIP's port needs, behind stdint-only types so lwIP (compiled against the libc) can call them. */
#ifndef LWIP_ARCH_LWIP_OS_H
#define LWIP_ARCH_LWIP_OS_H

#include <stddef.h>
#include <stdint.h>

/* opaque storage; lwip_os.c checks the sizes */
struct lwip_os_sem {
	uint64_t opaque[8];
};
struct lwip_os_mbox {
	uint64_t opaque[12];
};

#define LWIP_OS_TIMEOUT ((uint32_t)-1)

int lwip_os_sem_init(struct lwip_os_sem *s, unsigned count);
void lwip_os_sem_signal(struct lwip_os_sem *s);
/* timeout_ms 0: forever. Returns the ms waited, or LWIP_OS_TIMEOUT. */
uint32_t lwip_os_sem_wait(struct lwip_os_sem *s, uint32_t timeout_ms);

/* A bounded queue of pointers; size is the capacity. */
int lwip_os_mbox_init(struct lwip_os_mbox *m, unsigned size);
void lwip_os_mbox_free(struct lwip_os_mbox *m);
/* Blocks while full. */
void lwip_os_mbox_post(struct lwip_os_mbox *m, void *msg);
/* 0, or -1 when full */
int lwip_os_mbox_trypost(struct lwip_os_mbox *m, void *msg);
/* timeout_ms 0: forever; -1 (LWIP_OS_TIMEOUT) as "don't wait": returns the ms waited or LWIP_OS_TIMEOUT */
uint32_t lwip_os_mbox_fetch(struct lwip_os_mbox *m, void **msg, uint32_t timeout_ms, int nowait);

uint32_t lwip_os_now_ms(void);
uint64_t lwip_os_now_ns(void);
uint32_t lwip_os_rand(void);
unsigned long lwip_os_protect(void);
void lwip_os_unprotect(unsigned long flags);
void lwip_os_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void lwip_os_assert(const char *msg, const char *file, int line);

/* The kernel command line's options (before " -- "): NULL when absent. */
const char *lwip_os_option(const char *key);

#endif
