/* Ends the guest: SCHEDOP_shutdown on Xen, isa-debug-exit on QEMU, else a clean stop with interrupts off. */
#include <stdarg.h>
#include <stddef.h>
#include "arch/x86/cpu.h"
#include "arch/x86/hypercall.h"
#include "arch/x86/traps.h"
#include "arch/x86/xen.h"
#include "kernel/backtrace.h"
#include "kernel/console.h"
#include "kernel/printk.h"
#include "kernel/shutdown.h"

#define DEBUG_EXIT_PORT	 0xf4
#define DEBUG_EXIT_CRASH 0x7f

/* Reason codes the toolstack sees for a non-zero exit status: 128 + (status & 127). */
#define XEN_EXIT_CODE_BASE 0x80
#define CONSOLE_DRAIN_NS   2000000000ull

/* xen_code: what `xl` reports as the shutdown reason code. */
static __attribute__((noreturn)) void platform_off(unsigned xen_reason, unsigned xen_code,
						   uint32_t qemu_code)
{
	irq_disable();
	if (xen.hypercalls) {
		struct sched_shutdown s = { .reason = xen_reason };

		/* the last lines must reach xenconsoled before the domain is gone */
		console_flush(CONSOLE_DRAIN_NS);
		if (xen_code != xen_reason) {
			/* Xen reports this code instead of the reason given below */
			struct sched_shutdown code = { .reason = xen_code };
			HYPERVISOR_sched_op(SCHEDOP_shutdown_code, &code);
		}
		HYPERVISOR_sched_op(SCHEDOP_shutdown, &s);
	}
	/* QEMU exits with (code << 1) | 1 when isa-debug-exit is present; otherwise this is ignored */
	outl(DEBUG_EXIT_PORT, qemu_code);
	cpu_halt_forever();
}

/* "Test result: ..." for XTF-style harnesses, which judge the console's last line alone */
static char exit_last[128];

void kernel_exit_last_line(const char *line)
{
	size_t i = 0;

	for (; line && line[i] && i + 1 < sizeof(exit_last); i++)
		exit_last[i] = line[i];
	exit_last[i] = 0;
}

void kernel_exit(int status)
{
	printk(LOG_EMERG, "EXIT: %d\n", status);
	if (exit_last[0])
		printk(LOG_EMERG, "%s\n", exit_last);
	platform_off(SHUTDOWN_poweroff,
		     status ? XEN_EXIT_CODE_BASE | (status & 0x7f) : SHUTDOWN_poweroff,
		     (uint32_t)status & 0x7f);
}

void kernel_reboot(void)
{
	printk(LOG_EMERG, "REBOOT\n");
	platform_off(SHUTDOWN_reboot, SHUTDOWN_reboot, 0);
}

void kernel_crash(const char *why)
{
	printk(LOG_EMERG, "CRASH: %s\n", why);
	platform_off(SHUTDOWN_crash, SHUTDOWN_crash, DEBUG_EXIT_CRASH);
}

void kernel_crash_now(void)
{
	platform_off(SHUTDOWN_crash, SHUTDOWN_crash, DEBUG_EXIT_CRASH);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	irq_disable();
	printk(LOG_EMERG, "PANIC: ");
	va_start(ap, fmt);
	vprintk(LOG_EMERG, fmt, ap);
	va_end(ap);
	printk(LOG_EMERG, "\n");
	backtrace_print((uintptr_t)panic, 0, (uintptr_t)__builtin_frame_address(0));
	kernel_crash("panic");
}
