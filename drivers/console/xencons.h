/* The Xen PV console: the ring xenconsoled reads, found through HVM params. */
#ifndef DRIVERS_CONSOLE_XENCONS_H
#define DRIVERS_CONSOLE_XENCONS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Copies up to n bytes of input and returns the count. block: waits (other threads run) until at
 * least one byte has arrived, unless there is no ring or no scheduler yet; else never waits.
 */
size_t xencons_read(char *buf, size_t n, int block);

struct xencons_stats {
	uint64_t bytes_out, bytes_in, full_waits, ring_errors;
	uint64_t
	    bytes_before_connect; /* written to port 0xE9 while the backend was not connected */
};
void xencons_get_stats(struct xencons_stats *st);
/* The ring's connection byte (Xen 4.21; drivers/console/xencons_conn.h), or -1 without a ring. */
int xencons_connection_byte(void);

#endif
