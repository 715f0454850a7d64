/* Xen's console (HYPERVISOR_console_io), the initial domain's console. */
#ifndef DRIVERS_CONSOLE_CONSOLEIO_H
#define DRIVERS_CONSOLE_CONSOLEIO_H

/* Takes over kernel output (port 0xE9 then carries nothing): 0, or -EPERM/-ENOSYS from Xen. */
int consoleio_init(void);

#endif
