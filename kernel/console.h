/* The console multiplexer: every registered sink receives all kernel output. */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stddef.h>

struct console_sink {
	const char *name;
	void (*write)(const char *s, size_t n);
	int max_level; /* receives messages at this printk level or more urgent */
	struct console_sink *next;
};

/* Adds a sink that receives every level; console_set_level narrows it later. */
void console_register(struct console_sink *sink);
void console_set_level(struct console_sink *sink, int max_level);
/* Writes to every sink that takes this level, under one lock so lines never interleave. */
void console_write(int level, const char *s, size_t n);

#endif
