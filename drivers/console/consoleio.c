/*
 * Xen's own console through HYPERVISOR_console_io, for the initial domain: it has no PV console
 * ring (no xenconsoled runs before it), and Xen writes its output straight to the serial line.
 */
#include "arch/x86/hypercall.h"
#include "arch/x86/xen.h"
#include "base/errno.h"
#include "drivers/console/early.h"
#include "kernel/boot.h"
#include "kernel/console.h"
#include "kernel/initcall.h"
#include "kernel/printk.h"

static void consoleio_write(const char *s, size_t n)
{
	/* Xen copies from our buffer itself and continues long writes: one call per sink write */
	while (n) {
		unsigned chunk = n > 4096 ? 4096 : (unsigned)n;

		if (HYPERVISOR_console_io(CONSOLEIO_write, chunk, s) < 0)
			return;
		s += chunk;
		n -= chunk;
	}
}

static struct console_sink consoleio_sink = { .name = "console_io", .write = consoleio_write };

static int consoleio_init(void)
{
	if (!xen.hypercalls)
		return -ENODEV;
	/* an empty write still goes through Xen's permission check (-EPERM for an unprivileged domU) */
	long r = HYPERVISOR_console_io(CONSOLEIO_write, 0, "");
	if (r < 0)
		return (int)r;
	console_register(&consoleio_sink);
	/* Xen would print everything twice otherwise: port 0xE9 output comes out as "(d0) ..." */
	early_console_debugcon_off();
	return 0;
}

/* No xenconsoled runs before the initial domain: its console is Xen's own. */
static int consoleio_boot(void)
{
	if (!xen.initial_domain || !xen.hypercalls)
		return 0;
	int r = consoleio_init();
	pr_info("hypervisor: initial domain (dom0, start-info flags %#x), console %s\n",
		boot_info.flags, r ? "on port 0xE9 (console_io refused)" : "through console_io");
	return 0;
}
INITCALL(INIT_HYPERVISOR, consoleio_boot, "console_io");
