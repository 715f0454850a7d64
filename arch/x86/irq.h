/* Interrupt vectors: handlers registered by vector, dispatched from the common trap path. */
#ifndef ARCH_X86_IRQ_H
#define ARCH_X86_IRQ_H

#define IRQ_VECTOR_EVTCHN 0xf3 /* Xen event-channel upcall */
#define IRQ_VECTOR_IPI	  0xf2 /* interprocessor interrupts through the LAPIC (no Xen) */

typedef void (*irq_handler_t)(void *arg);

/* Returns 0, or -EBUSY when the vector already has a handler. */
int irq_register(unsigned vector, irq_handler_t fn, void *arg);
/* Called by trap_handler for vectors >= 32; returns 0 when nothing handled it. */
int irq_dispatch(unsigned vector);

static inline void irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}

/* With interrupts off: lets one pending interrupt in (sti's shadow covers the pause), then off again. */
static inline void irq_window(void)
{
	__asm__ volatile("sti; pause; cli" ::: "memory");
}

/* The same window without PAUSE (nothing a hypervisor intercepts): sti; nop; cli. */
static inline void irq_window_nopause(void)
{
	__asm__ volatile("sti; nop; cli" ::: "memory");
}

static inline unsigned long irq_save(void)
{
	unsigned long flags;

	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

static inline void irq_restore(unsigned long flags)
{
	if (flags & (1ul << 9))
		__asm__ volatile("sti" ::: "memory");
}

#endif
