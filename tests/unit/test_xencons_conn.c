/* The PV console's connection byte (drivers/console/xencons_conn.h, Xen 4.21) on a fake ring page. */
#include <criterion/criterion.h>
#include <stddef.h>
#include <string.h>
#include "drivers/console/xencons_conn.h"

static uint8_t page[4096] __attribute__((aligned(4096)));

Test(xencons_conn, the_byte_follows_out_prod)
{
	/* 4.21 appends the byte right after out_prod: where 4.20's structure ends */
	cr_assert_eq(offsetof(struct xencons_interface, out_prod) + sizeof(XENCONS_RING_IDX),
		     XENCONS_CONNECTION_OFFSET);
}

Test(xencons_conn, zeroed_page_of_an_old_backend_is_connected)
{
	memset(page, 0, sizeof(page));
	cr_assert(xencons_backend_connected(page));
}

Test(xencons_conn, disconnected_until_the_backend_says_so)
{
	memset(page, 0, sizeof(page));
	page[XENCONS_CONNECTION_OFFSET] = XENCONSOLE_DISCONNECTED;
	cr_assert_not(xencons_backend_connected(page));
	cr_assert_eq(xencons_connection(page), 1);
	/* the indices next to it do not disturb it */
	memset(page + XENCONS_CONNECTION_OFFSET - 16, 0xff, 16);
	cr_assert_not(xencons_backend_connected(page));
	page[XENCONS_CONNECTION_OFFSET] = XENCONSOLE_CONNECTED;
	cr_assert(xencons_backend_connected(page));
}
