/* The symbol table linked into every image, for symbolised backtraces. */
#ifndef KERNEL_KSYMS_H
#define KERNEL_KSYMS_H

#include <stdint.h>

struct ksym_table {
	uint64_t count;
	const uint64_t *addrs;	   /* sorted ascending */
	const uint32_t *name_offs; /* into names */
	const char *names;
	uint64_t text_end; /* addresses at or past this are not code */
};

/* Filled by the second link pass (tools/gen-ksyms); empty in the first. */
extern const struct ksym_table ksyms_table;

/* Name of the function containing addr and the offset into it, or NULL. */
const char *ksym_lookup(const struct ksym_table *t, uint64_t addr, uint64_t *off);

#endif
