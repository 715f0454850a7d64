/* The PV console's connection byte (Xen 4.21): whether the backend serves the ring yet. */
#ifndef DRIVERS_CONSOLE_XENCONS_CONN_H
#define DRIVERS_CONSOLE_XENCONS_CONN_H

#include <stdint.h>
#include <xen/io/console.h>

/*
 * Xen 4.21 adds a byte after out_prod, XENCONSOLE_DISCONNECTED (1) until the backend has connected
 * and will empty the ring, then XENCONSOLE_CONNECTED (0): a domain started before xenconsoled
 * (dom0less, hyperlaunch) would otherwise fill a ring nobody reads and wait forever. Backends
 * before 4.21 never write it, and the toolstack hands over a zeroed page: 0, connected.
 * Newer than any Debian package (trixie's libxen-dev is 4.20): defined here, at the offset 4.21
 * gives it, which is where 4.20's structure ends.
 */
#ifndef XENCONSOLE_DISCONNECTED
#define XENCONSOLE_DISCONNECTED 1
#define XENCONSOLE_CONNECTED	0
#endif
#define XENCONS_CONNECTION_OFFSET 3088
_Static_assert(sizeof(struct xencons_interface) >= XENCONS_CONNECTION_OFFSET,
	       "the connection byte follows out_prod");

/* The byte as the backend left it. */
static inline uint8_t xencons_connection(const volatile void *page)
{
	return __atomic_load_n((const volatile uint8_t *)page + XENCONS_CONNECTION_OFFSET,
			       __ATOMIC_ACQUIRE);
}

/* Whether output may go into the ring: anything but XENCONSOLE_DISCONNECTED counts as connected. */
static inline int xencons_backend_connected(const volatile void *page)
{
	return xencons_connection(page) != XENCONSOLE_DISCONNECTED;
}

#endif
