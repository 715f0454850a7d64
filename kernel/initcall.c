/* Runs the registered init calls (kernel/initcall.h) in level order, each once, reporting failures. */
#include "kernel/initcall.h"
#include "kernel/printk.h"

/* the table the linker script gathers, sorted by level */
extern const struct initcall __initcall_start[], __initcall_end[];

void initcalls_run(int end)
{
	static const struct initcall *next = __initcall_start;

	for (; next < __initcall_end && next->level < end; next++) {
		int r = next->fn();

		/* each service reports for itself; a failure leaves it "not available", nothing more */
		if (r)
			pr_warn("%s: not available (%d)\n", next->name, r);
	}
}
