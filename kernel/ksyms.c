/* Symbol lookup for backtraces: binary search over the sorted table gen-ksyms emits. */
#include <stddef.h>
#include "kernel/ksyms.h"

/* the first link pass has no table yet; the generated one replaces this */
__attribute__((weak)) const struct ksym_table ksyms_table;

const char *ksym_lookup(const struct ksym_table *t, uint64_t addr, uint64_t *off)
{
	uint64_t lo = 0, hi = t->count;

	if (!t->count || addr < t->addrs[0] || addr >= t->text_end)
		return NULL;
	/* find the last entry whose address is <= addr */
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (t->addrs[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*off = addr - t->addrs[lo];
	return t->names + t->name_offs[lo];
}
