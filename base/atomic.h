/* Small atomic helpers beyond the compiler's builtins. */
#ifndef BASE_ATOMIC_H
#define BASE_ATOMIC_H

#include <stdint.h>

/* *p = max(*p, v), atomically; concurrent callers all see their value counted. */
static inline void atomic_max_u64(uint64_t *p, uint64_t v)
{
	uint64_t cur = __atomic_load_n(p, __ATOMIC_RELAXED);

	while (v > cur &&
	       !__atomic_compare_exchange_n(p, &cur, v, 1, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		;
}

#endif
