/*
 * Ticket spinlocks that also keep interrupts off while held, so a handler on the same CPU cannot
 * deadlock. Tickets make waiters take turns (no CPU starves); a waiter that has spun for long
 * gives its time slice back to Xen, because on an oversubscribed host the holder's vCPU may
 * be the one that is not running. On Xen, once this CPU has a kick port, a waiter that has spun
 * for long sleeps instead (SCHEDOP_poll) and the unlocker wakes the next ticket's CPU: the
 * paravirtual slow path in kernel/spinlock_pv.c. The fast paths below stay a few instructions;
 * the contended path is a hook the kernel implements (spin_lock_slow, spin_pv_kick), because
 * what a waiter does (spin, yield, or sleep on an event channel) is policy over per-CPU state.
 */
#ifndef ARCH_X86_SPINLOCK_H
#define ARCH_X86_SPINLOCK_H

#include <stdint.h>

typedef struct {
	union {
		uint32_t word;
		struct {
			uint16_t owner; /* the ticket being served */
			uint16_t next;	/* the next ticket to hand out */
		} t;
	};
} spinlock_t;

#define SPINLOCK_INIT                                                                              \
	{                                                                                          \
		{                                                                                  \
			0                                                                          \
		}                                                                                  \
	}
/* pause-loop iterations before a waiter yields its vCPU (or sleeps, kernel/spinlock_pv.c) */
#define SPIN_YIELD_AFTER 4096
/* the same for a waiter with others queued ahead of it, where sleeping is possible */
#define SPIN_QUEUED_AFTER 64

/* Gives this vCPU's time to the others (SCHEDOP_yield on Xen; a no-op elsewhere). */
void spin_yield_vcpu(void);

/*
 * Hooks into the kernel (kernel/spinlock_pv.c): spin_pv_on is set once a kick port exists (Xen
 * only); spin_pv_sleepers counts CPUs asleep in spin_lock_slow.
 */
extern int spin_pv_on;
extern unsigned spin_pv_sleepers;
/* Waits until ticket me is served: spins, then sleeps on Xen or yields the vCPU elsewhere. */
void spin_lock_slow(spinlock_t *l, uint16_t me);
/* Wakes the CPU asleep for ticket owner of l, if there is one. */
void spin_pv_kick(spinlock_t *l, uint16_t owner);

static inline void spin_lock(spinlock_t *l)
{
	uint16_t me = __atomic_fetch_add(&l->t.next, 1, __ATOMIC_RELAXED);

	if (__atomic_load_n(&l->t.owner, __ATOMIC_ACQUIRE) != me)
		spin_lock_slow(l, me);
}

static inline int spin_trylock(spinlock_t *l)
{
	uint32_t w = __atomic_load_n(&l->word, __ATOMIC_RELAXED);
	uint16_t owner = (uint16_t)w, next = (uint16_t)(w >> 16);

	if (owner != next)
		return 0;
	uint32_t taken = (uint32_t)owner | (uint32_t)(uint16_t)(next + 1) << 16;
	return __atomic_compare_exchange_n(&l->word, &w, taken, 0, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

static inline void spin_unlock(spinlock_t *l)
{
	/* only the holder writes owner: a plain increment, published with release */
	uint16_t owner = (uint16_t)(l->t.owner + 1);

	__atomic_store_n(&l->t.owner, owner, __ATOMIC_RELEASE);
	if (__atomic_load_n(&spin_pv_on, __ATOMIC_RELAXED)) {
		/* owner store before the sleepers load; pairs with the fence in spin_lock_slow */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(&spin_pv_sleepers, __ATOMIC_RELAXED))
			spin_pv_kick(l, owner);
	}
}

static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
	unsigned long flags;

	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	spin_lock(l);
	return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	spin_unlock(l);
	if (flags & (1ul << 9))
		__asm__ volatile("sti" ::: "memory");
}

static inline int spin_is_locked(spinlock_t *l)
{
	uint32_t w = __atomic_load_n(&l->word, __ATOMIC_RELAXED);

	return (uint16_t)w != (uint16_t)(w >> 16);
}

#endif
