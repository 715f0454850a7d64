/* lwIP's OS types for pvhkit: semaphores, mailboxes, mutexes and threads of the kernel scheduler. */
#ifndef LWIP_ARCH_SYS_ARCH_H
#define LWIP_ARCH_SYS_ARCH_H

#include "lwip_os.h" /* beside this file: the port's kernel services */
#include <pvhkit/thread.h>

typedef struct {
	int valid;
	struct lwip_os_sem s;
} sys_sem_t;
typedef struct {
	int valid;
	struct lwip_os_mbox m;
} sys_mbox_t;
typedef struct {
	int valid;
	pvh_mutex_t m;
} sys_mutex_t;
typedef pvh_thread_t *sys_thread_t;

#define sys_sem_valid(s)	 ((s) != NULL && (s)->valid)
#define sys_sem_set_invalid(s)	 ((s)->valid = 0)
#define sys_mbox_valid(m)	 ((m) != NULL && (m)->valid)
#define sys_mbox_set_invalid(m)	 ((m)->valid = 0)
#define sys_mutex_valid(m)	 ((m) != NULL && (m)->valid)
#define sys_mutex_set_invalid(m) ((m)->valid = 0)

typedef unsigned long sys_prot_t;

#endif
