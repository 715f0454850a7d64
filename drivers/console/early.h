/* Early console sinks available before any Xen service: COM1 and port 0xE9. */
#ifndef DRIVERS_CONSOLE_EARLY_H
#define DRIVERS_CONSOLE_EARLY_H

void uart_console_init(void);
void debugcon_console_init(int on_xen);

#endif
