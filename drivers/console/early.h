/* Early console sinks available before any Xen service: COM1 and port 0xE9. */
#ifndef DRIVERS_CONSOLE_EARLY_H
#define DRIVERS_CONSOLE_EARLY_H

void uart_console_init(void);
void debugcon_console_init(int on_xen);
/* Once a better console exists, port 0xE9 keeps only emergencies (crash dumps, exit lines). */
void early_console_emergency_only(void);
/* Writes straight to port 0xE9, without the console lock: for messages from inside a sink. */
void early_emergency(const char *s);

#endif
