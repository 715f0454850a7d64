/* The console multiplexer: every registered sink receives all kernel output. */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stddef.h>

struct console_sink {
	const char *name;
	void (*write)(const char *s, size_t n);
	struct console_sink *next;
};

void console_register(struct console_sink *sink);
/* Writes to every sink, in registration order, under one lock so lines never interleave. */
void console_write(const char *s, size_t n);

#endif
