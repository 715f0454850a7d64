/* The PV console's input ring into the reader's buffer: the backend's producer index checked, nothing dropped. */
#include "drivers/console/xencons_in.h"

int xencons_in_take(struct xencons_in *in, const volatile char *ring, uint32_t size, uint32_t *cons,
		    uint32_t prod)
{
	uint32_t c = *cons, start;

	if (prod - c > size) {
		*cons = prod; /* skip to it, read nothing */
		return -1;
	}
	start = c;
	for (; c != prod && in->head - in->tail < in->cap; c++)
		in->buf[in->head++ & (in->cap - 1)] = ring[c & (size - 1)];
	*cons = c;
	return (int)(c - start);
}

uint32_t xencons_in_read(struct xencons_in *in, char *out, uint32_t n)
{
	uint32_t got = 0;

	while (got < n && in->tail != in->head)
		out[got++] = in->buf[in->tail++ & (in->cap - 1)];
	return got;
}
