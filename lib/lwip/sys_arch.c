/* lwIP's sys_arch layer on pvhkit: lwIP's OS calls mapped onto kernel semaphores, mailboxes, mutexes and app threads. */
#include "lwip/opt.h"
#include "lwip/sys.h"
#include "lwip/err.h"
#include "lwip/mem.h"

void sys_init(void)
{
}

u32_t sys_now(void)
{
	return lwip_os_now_ms();
}

sys_prot_t sys_arch_protect(void)
{
	return lwip_os_protect();
}

void sys_arch_unprotect(sys_prot_t pval)
{
	lwip_os_unprotect(pval);
}

err_t sys_sem_new(sys_sem_t *sem, u8_t count)
{
	lwip_os_sem_init(&sem->s, count);
	sem->valid = 1;
	return ERR_OK;
}

void sys_sem_free(sys_sem_t *sem)
{
	sem->valid = 0;
}

void sys_sem_signal(sys_sem_t *sem)
{
	lwip_os_sem_signal(&sem->s);
}

u32_t sys_arch_sem_wait(sys_sem_t *sem, u32_t timeout)
{
	u32_t r = lwip_os_sem_wait(&sem->s, timeout);

	return r == LWIP_OS_TIMEOUT ? SYS_ARCH_TIMEOUT : r;
}

err_t sys_mutex_new(sys_mutex_t *mutex)
{
	pvh_mutex_init(&mutex->m);
	mutex->valid = 1;
	return ERR_OK;
}

void sys_mutex_free(sys_mutex_t *mutex)
{
	mutex->valid = 0;
}

void sys_mutex_lock(sys_mutex_t *mutex)
{
	pvh_mutex_lock(&mutex->m);
}

void sys_mutex_unlock(sys_mutex_t *mutex)
{
	pvh_mutex_unlock(&mutex->m);
}

err_t sys_mbox_new(sys_mbox_t *mbox, int size)
{
	if (lwip_os_mbox_init(&mbox->m, size > 0 ? (unsigned)size : 16))
		return ERR_MEM;
	mbox->valid = 1;
	return ERR_OK;
}

void sys_mbox_free(sys_mbox_t *mbox)
{
	lwip_os_mbox_free(&mbox->m);
	mbox->valid = 0;
}

void sys_mbox_post(sys_mbox_t *mbox, void *msg)
{
	lwip_os_mbox_post(&mbox->m, msg);
}

err_t sys_mbox_trypost(sys_mbox_t *mbox, void *msg)
{
	return lwip_os_mbox_trypost(&mbox->m, msg) ? ERR_MEM : ERR_OK;
}

err_t sys_mbox_trypost_fromisr(sys_mbox_t *mbox, void *msg)
{
	return sys_mbox_trypost(mbox, msg);
}

u32_t sys_arch_mbox_fetch(sys_mbox_t *mbox, void **msg, u32_t timeout)
{
	u32_t r = lwip_os_mbox_fetch(&mbox->m, msg, timeout, 0);

	return r == LWIP_OS_TIMEOUT ? SYS_ARCH_TIMEOUT : r;
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t *mbox, void **msg)
{
	u32_t r = lwip_os_mbox_fetch(&mbox->m, msg, 0, 1);

	return r == LWIP_OS_TIMEOUT ? SYS_MBOX_EMPTY : 0;
}

struct thread_start {
	lwip_thread_fn fn;
	void *arg;
};

static void *thread_trampoline(void *p)
{
	struct thread_start st = *(struct thread_start *)p;

	mem_free(p);
	st.fn(st.arg);
	return NULL;
}

sys_thread_t sys_thread_new(const char *name, lwip_thread_fn thread, void *arg, int stacksize,
			    int prio)
{
	struct thread_start *st = mem_malloc(sizeof(*st));

	(void)prio;
	LWIP_ASSERT("sys_thread_new: out of memory", st != NULL);
	st->fn = thread;
	st->arg = arg;
	pvh_thread_t *t =
	    pvh_thread_create(name, thread_trampoline, st, stacksize > 0 ? (size_t)stacksize : 0);
	LWIP_ASSERT("sys_thread_new: no thread", t != NULL);
	return t;
}
