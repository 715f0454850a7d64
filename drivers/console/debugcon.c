/* Port 0xE9 output: Xen logs it as "(dN) ..." and QEMU shows it with -debugcon. */
#include "arch/x86/cpu.h"
#include "arch/x86/xen.h"
#include "drivers/console/early.h"
#include "kernel/console.h"
#include "kernel/initcall.h"
#include "kernel/printk.h"

#define DEBUGCON_PORT 0xe9

static void debugcon_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		outb(DEBUGCON_PORT, (uint8_t)s[i]);
}

static struct console_sink debugcon_sink = { .name = "debugcon", .write = debugcon_write };

void early_debugcon_write(const char *s, size_t n)
{
	debugcon_write(s, n);
}

void early_console_emergency_only(void)
{
	console_set_level(&debugcon_sink, LOG_EMERG);
}

void early_console_debugcon_off(void)
{
	console_set_level(&debugcon_sink, -1); /* below every level: nothing passes */
}

void early_emergency(const char *s)
{
	while (*s)
		outb(DEBUGCON_PORT, (uint8_t)*s++);
}

/* QEMU's debugcon reads back 0xE9; Xen handles the port for every HVM/PVH guest. */
static int debugcon_console_init(void)
{
	if (xen.present || inb(DEBUGCON_PORT) == DEBUGCON_PORT)
		console_register(&debugcon_sink);
	return 0;
}
INITCALL(INIT_EARLY_DEBUGCON, debugcon_console_init, "debugcon");
