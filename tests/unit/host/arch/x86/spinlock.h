/* Host stand-in for the kernel's spinlock: unit tests run single-threaded per test process. */
#ifndef ARCH_X86_SPINLOCK_H
#define ARCH_X86_SPINLOCK_H

typedef struct {
	int locked;
} spinlock_t;

#define SPINLOCK_INIT                                                                              \
	{                                                                                          \
		0                                                                                  \
	}

static inline void spin_lock(spinlock_t *l)
{
	l->locked = 1;
}

static inline void spin_unlock(spinlock_t *l)
{
	l->locked = 0;
}

static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
	l->locked = 1;
	return 0;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	(void)flags;
	l->locked = 0;
}

#endif
