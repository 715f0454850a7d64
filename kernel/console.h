/* The console multiplexer: every registered sink receives all kernel output. */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

struct console_sink {
	const char *name;
	void (*write)(const char *s, size_t n);
	/* optional: waits until what was written has left (a ring's consumer took it), or timeout_ns */
	int (*flush)(uint64_t timeout_ns);
	int max_level; /* receives messages at this printk level or more urgent */
	struct console_sink *next;
};

/* Adds a sink that receives every level; console_set_level narrows it later. */
void console_register(struct console_sink *sink);
void console_set_level(struct console_sink *sink, int max_level);
/* Writes to every sink that takes this level, under one lock so lines never interleave. */
void console_write(int level, const char *s, size_t n);
/*
 * Before the guest ends: every sink with a flush op drains (each up to timeout_ns). Without the
 * lock, so a crash that interrupted a writer still gets its last lines out.
 */
void console_flush(uint64_t timeout_ns);

#endif
