/* Tests the split of a domain's free pages between the C library's arena and the kernel (lib/sys/arena_size.c). */
#include <criterion/criterion.h>
#include <stdint.h>
#include "lib/sys/sys.h"

#define MIB 256ull /* pages */

/* Small domains split their free pages evenly (2 MiB hello, 3 and 4 MiB apps/net). */
Test(arena_size, small_domain_halves)
{
	cr_assert_eq(sys_arena_pages(2 * MIB, 400), 200);
	cr_assert_eq(sys_arena_pages(4 * MIB, 786), 393);
}

/* Just over 4 MiB free: the 4 MiB floor must not leave the arena a few pages (apps/net at 5 MiB
 * got about 18, so lwIP could allocate nothing) */
Test(arena_size, just_above_the_floor)
{
	cr_assert_geq(sys_arena_pages(5 * MIB, 1040), 520);
	cr_assert_geq(sys_arena_pages(5 * MIB, 1100), 550);
}

/* Large domains: the kernel keeps an eighth of RAM, at least 4 MiB. */
Test(arena_size, large_domain_reserve)
{
	cr_assert_eq(sys_arena_pages(64 * MIB, 60 * MIB), 52 * MIB);
	cr_assert_eq(sys_arena_pages(16 * MIB, 15 * MIB), 11 * MIB);
	cr_assert_eq(sys_arena_pages(1024 * MIB, 1000 * MIB), 872 * MIB);
}

/* More free pages never give a smaller arena, at every domain size from 2 MiB to 1 GiB. */
Test(arena_size, never_shrinks_as_free_grows)
{
	for (uint64_t total = 2 * MIB; total <= 1024 * MIB;
	     total += total < 64 * MIB ? 64 : 16 * MIB) {
		uint64_t last = 0;

		for (uint64_t free = 0; free <= total; free++) {
			uint64_t a = sys_arena_pages(total, free);

			cr_assert_leq(a, free);
			cr_assert_geq(a, last,
				      "total %llu: %llu free gives %llu, one less gave %llu",
				      (unsigned long long)total, (unsigned long long)free,
				      (unsigned long long)a, (unsigned long long)last);
			last = a;
		}
	}
}
