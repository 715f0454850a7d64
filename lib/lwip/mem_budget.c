/* lwIP's memory (its heap and every pool: MEM_LIBC_MALLOC, MEMP_MEM_MALLOC) from the C library's malloc, under a limit sized from the arena the domain has. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/sys/sys.h"
#include "lwip/opt.h"

/*
 * Static pools sized for bulk TCP cost 1.4 MiB of image whatever the domain's size, which kept
 * apps/net out of anything below 7 MiB. Taken from malloc, lwIP holds what it uses now; the
 * limit (half the arena, 256 KiB to 4 MiB: more than the static pools held, so large domains
 * lose nothing) keeps a flood of received frames from starving the application: past it an
 * allocation fails as an exhausted pool did, the frame is dropped and TCP sends it again.
 */
#define LIMIT_MIN (256u * 1024u)
#define LIMIT_MAX (4u * 1024u * 1024u)
#define HDR	  16u /* keeps malloc's 16-byte alignment; holds the size */

static uint64_t in_use, peak, limit, failures;

static void set_limit(void)
{
	struct sys_brk_stats b;
	void *p = malloc(1); /* the arena exists once malloc has run */

	free(p);
	sys_brk_stats(&b);
	uint64_t l = b.arena / 2;

	limit = l < LIMIT_MIN ? LIMIT_MIN : l > LIMIT_MAX ? LIMIT_MAX : l;
	/* said once: with less than that lwIP drops every frame, and the guest seems deaf */
	if (b.arena < 2 * LIMIT_MIN)
		printf("lwip: only %llu KiB of C library arena: network allocations will fail\n",
		       (unsigned long long)(b.arena / 1024));
	sys_mem_account("lwIP", &in_use, &peak, &limit);
}

void *pvh_lwip_malloc(size_t n)
{
	if (!__atomic_load_n(&limit, __ATOMIC_ACQUIRE))
		set_limit(); /* first from tcpip_init, before any other lwIP thread runs */
	uint64_t now = __atomic_add_fetch(&in_use, n, __ATOMIC_RELAXED);

	if (now > limit) {
		__atomic_sub_fetch(&in_use, n, __ATOMIC_RELAXED);
		__atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	uint8_t *p = malloc(n + HDR);

	if (!p) {
		__atomic_sub_fetch(&in_use, n, __ATOMIC_RELAXED);
		__atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	/* the peak is a report, a lost race there costs nothing */
	if (now > __atomic_load_n(&peak, __ATOMIC_RELAXED))
		__atomic_store_n(&peak, now, __ATOMIC_RELAXED);
	memcpy(p, &n, sizeof(n));
	return p + HDR;
}

void pvh_lwip_free(void *q)
{
	size_t n;

	if (!q)
		return;
	uint8_t *p = (uint8_t *)q - HDR;

	memcpy(&n, p, sizeof(n));
	__atomic_sub_fetch(&in_use, n, __ATOMIC_RELAXED);
	free(p);
}

void *pvh_lwip_calloc(size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		return NULL;
	void *p = pvh_lwip_malloc(count * size);

	if (p)
		memset(p, 0, count * size);
	return p;
}

uint64_t pvh_lwip_mem_failures(void)
{
	return __atomic_load_n(&failures, __ATOMIC_RELAXED);
}
