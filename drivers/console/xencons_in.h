/* The PV console's input side as a pure function (host-testable): ring bytes into a bounded buffer. */
#ifndef DRIVERS_CONSOLE_XENCONS_IN_H
#define DRIVERS_CONSOLE_XENCONS_IN_H

#include <stdint.h>

/* What was typed and not read yet: cap bytes (a power of two), head and tail free-running. */
struct xencons_in {
	char *buf;
	uint32_t cap;
	uint32_t head, tail;
};

/*
 * Moves bytes from ring (size bytes, a power of two) at indices *cons..prod into in while it has
 * room; what does not fit stays in the ring (the backend keeps it). A producer more than size
 * ahead of *cons is a broken index: nothing is read, *cons jumps to prod and -1 is returned (the
 * caller counts it). Else returns the bytes taken; *cons advanced by as many.
 */
int xencons_in_take(struct xencons_in *in, const volatile char *ring, uint32_t size, uint32_t *cons,
		    uint32_t prod);

/* Up to n bytes out of in into out; returns how many. */
uint32_t xencons_in_read(struct xencons_in *in, char *out, uint32_t n);

#endif
