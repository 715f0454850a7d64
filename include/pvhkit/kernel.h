/* The kernel's API for applications: console output, boot information, memory, exit. */
#ifndef PVHKIT_KERNEL_H
#define PVHKIT_KERNEL_H

#include <stddef.h>
#include <stdint.h>

/*
 * Conventions of the whole API (include/pvhkit/): every name starts with pvh_ (PVH_ for
 * constants). A function that says it returns "a negative errno" returns >= 0 on success and on
 * failure the negative of a constant of the C library's own <errno.h>, so `r == -ETIMEDOUT` is
 * right under newlib and picolibc alike (they number several errors unlike Linux; the library
 * translates the kernel's numbers at this boundary). Callbacks that return a negative errno to
 * the API use the same numbers. Other functions say what they return (-1, NULL).
 */

/* printf-style output to the console (no floating point). */
int pvh_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int pvh_snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "640 KiB", "127.5 MiB", ... */
void pvh_format_size(char *buf, size_t n, uint64_t bytes);

/* The command line exactly as the loader passed it. */
const char *pvh_cmdline(void);

struct pvh_mem_region {
	uint64_t addr, size;
	uint32_t type; /* 1 RAM, 2 reserved, 3 ACPI, 4 NVS, 5 unusable, 6 disabled, 7 persistent */
	const char *type_name;
};
/* The loader's memory map, entry i as given (unsorted, unfiltered). Returns 0 or -1 past the end. */
int pvh_memmap_get(unsigned i, struct pvh_mem_region *out);

struct pvh_module {
	uint64_t paddr, size;
	const char *cmdline;
};
/* Boot modules handed over by the loader; NULL past the end. */
const struct pvh_module *pvh_module_get(unsigned i);

struct pvh_mem_stats {
	uint64_t total_pages, free_pages;
	uint64_t heap_bytes_in_use, heap_allocs, heap_frees;
};
void pvh_mem_stats(struct pvh_mem_stats *st);

void *pvh_malloc(size_t size);
void pvh_free(void *p);

/* Ends the guest with this status (what returning from main does). */
__attribute__((noreturn)) void pvh_exit(int status);

/*
 * A line (without newline; copied, at most 127 bytes) the kernel prints after "EXIT: <status>",
 * so it is the console's very last: a harness that reads only the last line (XTF's xtf-runner
 * does, for its "Test result: ..." line) then finds it. NULL or "" prints nothing more.
 */
void pvh_exit_last_line(const char *line);

#endif
