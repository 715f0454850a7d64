/* Kernel side of the lwIP port: semaphores, mailboxes, time and randomness over the scheduler (kernel flags, no libc). */
#include <stdarg.h>
#include "arch/x86/cpu.h"
#include "arch/x86/spinlock.h"
#include "base/string.h"
#include "kernel/boot.h"
#include "kernel/cmdline.h"
#include "kernel/heap.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/shutdown.h"
#include "kernel/time.h"
#include "kernel/waitq.h"
#include "lib/lwip/include/arch/lwip_os.h"

struct ksem {
	spinlock_t lock;
	long count;
	struct waitq wq;
};

struct kmbox {
	spinlock_t lock;
	void **slot;
	unsigned size, head, count;
	struct waitq not_empty, not_full;
};

_Static_assert(sizeof(struct ksem) <= sizeof(struct lwip_os_sem), "lwip_os_sem too small");
_Static_assert(sizeof(struct kmbox) <= sizeof(struct lwip_os_mbox), "lwip_os_mbox too small");

int lwip_os_sem_init(struct lwip_os_sem *os, unsigned count)
{
	struct ksem *s = (struct ksem *)os;

	memset(os, 0, sizeof(*os));
	s->count = count;
	return 0;
}

void lwip_os_sem_signal(struct lwip_os_sem *os)
{
	struct ksem *s = (struct ksem *)os;
	unsigned long f = spin_lock_irqsave(&s->lock);

	s->count++;
	spin_unlock_irqrestore(&s->lock, f);
	waitq_wake_one(&s->wq);
}

static int ksem_take(struct ksem *s)
{
	unsigned long f = spin_lock_irqsave(&s->lock);
	int ok = s->count > 0;

	if (ok)
		s->count--;
	spin_unlock_irqrestore(&s->lock, f);
	return ok;
}

uint32_t lwip_os_sem_wait(struct lwip_os_sem *os, uint32_t timeout_ms)
{
	struct ksem *s = (struct ksem *)os;
	uint64_t t0 = time_monotonic_ns();
	int r = 0;

	if (timeout_ms == 0)
		WAIT_UNTIL(&s->wq, ksem_take(s));
	else
		r = WAIT_UNTIL_TIMEOUT(&s->wq, ksem_take(s), (uint64_t)timeout_ms * 1000000ull);
	if (r)
		return LWIP_OS_TIMEOUT;
	/* another waiter may still find a count: pass the wake on (wake_one woke only us) */
	if (__atomic_load_n(&s->count, __ATOMIC_RELAXED) > 0)
		waitq_wake_one(&s->wq);
	uint64_t ms = (time_monotonic_ns() - t0) / 1000000ull;
	return ms >= LWIP_OS_TIMEOUT ? LWIP_OS_TIMEOUT - 1 : (uint32_t)ms;
}

int lwip_os_mbox_init(struct lwip_os_mbox *om, unsigned size)
{
	struct kmbox *m = (struct kmbox *)om;

	memset(om, 0, sizeof(*om));
	if (size == 0)
		size = 16;
	m->slot = kzalloc(size * sizeof(void *));
	if (!m->slot)
		return -1;
	m->size = size;
	return 0;
}

void lwip_os_mbox_free(struct lwip_os_mbox *om)
{
	struct kmbox *m = (struct kmbox *)om;

	kfree(m->slot);
	m->slot = NULL;
}

static int kmbox_put(struct kmbox *m, void *msg)
{
	unsigned long f = spin_lock_irqsave(&m->lock);
	int ok = m->count < m->size;

	if (ok) {
		m->slot[(m->head + m->count) % m->size] = msg;
		m->count++;
	}
	spin_unlock_irqrestore(&m->lock, f);
	if (ok)
		waitq_wake_one(&m->not_empty);
	return ok;
}

static int kmbox_get(struct kmbox *m, void **msg)
{
	unsigned long f = spin_lock_irqsave(&m->lock);
	int ok = m->count > 0;

	if (ok) {
		*msg = m->slot[m->head];
		m->head = (m->head + 1) % m->size;
		m->count--;
	}
	spin_unlock_irqrestore(&m->lock, f);
	if (ok)
		waitq_wake_one(&m->not_full);
	return ok;
}

void lwip_os_mbox_post(struct lwip_os_mbox *om, void *msg)
{
	struct kmbox *m = (struct kmbox *)om;

	WAIT_UNTIL(&m->not_full, kmbox_put(m, msg));
}

int lwip_os_mbox_trypost(struct lwip_os_mbox *om, void *msg)
{
	return kmbox_put((struct kmbox *)om, msg) ? 0 : -1;
}

uint32_t lwip_os_mbox_fetch(struct lwip_os_mbox *om, void **msg, uint32_t timeout_ms, int nowait)
{
	struct kmbox *m = (struct kmbox *)om;
	void *dummy;
	uint64_t t0;
	int r = 0;

	if (!msg)
		msg = &dummy;
	if (nowait)
		return kmbox_get(m, msg) ? 0 : LWIP_OS_TIMEOUT;
	t0 = time_monotonic_ns();
	if (timeout_ms == 0)
		WAIT_UNTIL(&m->not_empty, kmbox_get(m, msg));
	else
		r = WAIT_UNTIL_TIMEOUT(&m->not_empty, kmbox_get(m, msg),
				       (uint64_t)timeout_ms * 1000000ull);
	if (r)
		return LWIP_OS_TIMEOUT;
	uint64_t ms = (time_monotonic_ns() - t0) / 1000000ull;
	return ms >= LWIP_OS_TIMEOUT ? LWIP_OS_TIMEOUT - 1 : (uint32_t)ms;
}

uint32_t lwip_os_now_ms(void)
{
	return (uint32_t)(time_monotonic_ns() / 1000000ull);
}

uint64_t lwip_os_now_ns(void)
{
	return time_monotonic_ns();
}

/* xorshift seeded from the TSC: lwIP wants unpredictable ports and ISNs, not crypto */
uint32_t lwip_os_rand(void)
{
	static spinlock_t lock = SPINLOCK_INIT;
	static uint64_t x;
	uint64_t tsc = rdtsc();
	uint32_t r;

	unsigned long f = spin_lock_irqsave(&lock);
	x ^= tsc * 0x9e3779b97f4a7c15ull;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	r = (uint32_t)(x >> 16);
	spin_unlock_irqrestore(&lock, f);
	return r;
}

static spinlock_t protect_lock = SPINLOCK_INIT;

unsigned long lwip_os_protect(void)
{
	return spin_lock_irqsave(&protect_lock);
}

void lwip_os_unprotect(unsigned long flags)
{
	spin_unlock_irqrestore(&protect_lock, flags);
}

void lwip_os_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(LOG_INFO, fmt, ap);
	va_end(ap);
}

void lwip_os_assert(const char *msg, const char *file, int line)
{
	panic("lwIP assertion \"%s\" failed at %s:%d", msg, file, line);
}

const char *lwip_os_option(const char *key)
{
	return cmdline_opt(&boot_cmdline, key);
}
