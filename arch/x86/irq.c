/* The vector table behind irq_register: one handler per vector, set once. */
#include "arch/x86/apic.h"
#include "arch/x86/irq.h"
#include "base/errno.h"

static struct {
	irq_handler_t fn;
	void *arg;
} handlers[256];

int irq_register(unsigned vector, irq_handler_t fn, void *arg)
{
	if (vector < 32 || vector > 255)
		return -EINVAL;
	if (handlers[vector].fn)
		return -EBUSY;
	handlers[vector].arg = arg;
	__atomic_store_n(&handlers[vector].fn, fn, __ATOMIC_RELEASE);
	return 0;
}

int irq_dispatch(unsigned vector)
{
	irq_handler_t fn = __atomic_load_n(&handlers[vector].fn, __ATOMIC_ACQUIRE);

	if (vector == APIC_SPURIOUS_VECTOR)
		return 1; /* spurious interrupts need no EOI */
	if (!fn)
		return 0;
	fn(handlers[vector].arg);
	return 1;
}
