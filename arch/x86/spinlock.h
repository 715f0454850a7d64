/*
 * Spinlocks that also keep interrupts off while held (the irqsave forms), so a handler on the
 * same CPU cannot deadlock. The lock word is a ticket pair (owner, next): a free lock is taken in
 * one compare-and-swap; how a CPU waits for a held one is the kernel's policy (spin_lock_slow,
 * kernel/spinlock_pv.c): on Xen, once this CPU has a kick port, it takes a ticket (waiters take
 * turns, none starves) and, after spinning for long, sleeps until the unlocker kicks the next
 * ticket's CPU (spin_pv_kick); without one it takes no ticket and grabs the lock when it sees it
 * free, because a ticket's turn would wait for a vCPU the host may not be running. The fast paths
 * below stay a few instructions.
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
/* Waits for l and takes it: a ticket, spinning then sleeping, on Xen; test-and-set elsewhere. */
void spin_lock_slow(spinlock_t *l);
/* Wakes the CPU asleep for ticket owner of l, if there is one. */
void spin_pv_kick(spinlock_t *l, uint16_t owner);

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

static inline void spin_lock(spinlock_t *l)
{
	if (!spin_trylock(l))
		spin_lock_slow(l);
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
