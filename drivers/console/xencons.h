/* The Xen PV console: the ring xenconsoled reads, found through HVM params. */
#ifndef DRIVERS_CONSOLE_XENCONS_H
#define DRIVERS_CONSOLE_XENCONS_H

#include <stddef.h>
#include <stdint.h>

/* Takes over kernel output (port 0xE9 then carries emergencies only); 0 or a negative errno. */
int xencons_init(void);
/* Waits until the backend has consumed everything written, or timeout_ns passed: 0 or -ETIMEDOUT. */
int xencons_flush(uint64_t timeout_ns);
/*
 * Copies up to n bytes of input and returns the count. block: waits (other threads run) until at
 * least one byte has arrived, unless there is no ring or no scheduler yet; else never waits.
 */
size_t xencons_read(char *buf, size_t n, int block);

struct xencons_stats {
	uint64_t bytes_out, bytes_in, full_waits, ring_errors;
};
void xencons_get_stats(struct xencons_stats *st);

#endif
