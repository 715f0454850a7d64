/* The early console sinks (COM1, port 0xE9: init calls of their own) as the later consoles see them. */
#ifndef DRIVERS_CONSOLE_EARLY_H
#define DRIVERS_CONSOLE_EARLY_H

#include <stddef.h>

/* Once a better console exists, port 0xE9 keeps only emergencies (crash dumps, exit lines). */
void early_console_emergency_only(void);
/* Port 0xE9 carries nothing any more: for a console that is just as direct (console_io). */
void early_console_debugcon_off(void);
/* n bytes straight to port 0xE9, without the console lock (the PV console before its backend is there). */
void early_debugcon_write(const char *s, size_t n);
/* Writes straight to port 0xE9, without the console lock: for messages from inside a sink. */
void early_emergency(const char *s);

#endif
