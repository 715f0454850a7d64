/* The console multiplexer: one lock, a list of sinks (UART, port 0xE9, later the Xen PV console). */
#include "arch/x86/spinlock.h"
#include "kernel/console.h"

static struct console_sink *sinks;
static spinlock_t console_lock = SPINLOCK_INIT;

void console_register(struct console_sink *sink)
{
	unsigned long f = spin_lock_irqsave(&console_lock);
	struct console_sink **p = &sinks;

	while (*p)
		p = &(*p)->next;
	sink->next = NULL;
	sink->max_level = 7;
	*p = sink;
	spin_unlock_irqrestore(&console_lock, f);
}

void console_set_level(struct console_sink *sink, int max_level)
{
	unsigned long f = spin_lock_irqsave(&console_lock);

	sink->max_level = max_level;
	spin_unlock_irqrestore(&console_lock, f);
}

void console_flush(uint64_t timeout_ns)
{
	for (struct console_sink *k = __atomic_load_n(&sinks, __ATOMIC_ACQUIRE); k; k = k->next)
		if (k->flush)
			k->flush(timeout_ns);
}

void console_write(int level, const char *s, size_t n)
{
	unsigned long f = spin_lock_irqsave(&console_lock);

	for (struct console_sink *k = sinks; k; k = k->next)
		if (level <= k->max_level)
			k->write(s, n);
	spin_unlock_irqrestore(&console_lock, f);
}
