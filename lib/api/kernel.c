/* The application API (include/pvhkit/kernel.h) on top of the kernel's own services. */
#include <stdarg.h>
#include "base/fmt.h"
#include "kernel/boot.h"
#include "kernel/heap.h"
#include "kernel/memmap.h"
#include "kernel/pmem.h"
#include "kernel/printk.h"
#include "kernel/shutdown.h"
#include "pvhkit/kernel.h"

int pvh_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vprintk_always(LOG_INFO, fmt, ap);
	va_end(ap);
	return n;
}

int pvh_snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int r = fmt_vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

void pvh_format_size(char *buf, size_t n, uint64_t bytes)
{
	fmt_size(buf, n, bytes);
}

const char *pvh_cmdline(void)
{
	return boot_info.cmdline;
}

int pvh_memmap_get(unsigned i, struct pvh_mem_region *out)
{
	if (i >= boot_info.memmap_entries)
		return -1;
	const struct hvm_memmap_table_entry *e = &boot_info.memmap[i];
	*out = (struct pvh_mem_region){ e->addr, e->size, e->type, memmap_type_name(e->type) };
	return 0;
}

const struct pvh_module *pvh_module_get(unsigned i)
{
	static struct pvh_module mods[BOOTRAW_MODS_MAX];

	if (i >= boot_info.nr_modules)
		return NULL;
	const struct boot_module *m = &boot_info.modules[i];
	/* the kernel's list never changes after boot: every copy of entry i is the same */
	mods[i] = (struct pvh_module){ m->paddr, m->size, m->cmdline };
	return &mods[i];
}

void pvh_mem_stats(struct pvh_mem_stats *st)
{
	struct heap_stats h;

	heap_get_stats(&h);
	*st = (struct pvh_mem_stats){ kernel_pmem.total_pages, kernel_pmem.free_pages,
				      h.bytes_in_use, h.allocs, h.frees };
}

void *pvh_malloc(size_t size)
{
	return kmalloc(size);
}

void pvh_free(void *p)
{
	kfree(p);
}

void pvh_exit(int status)
{
	kernel_exit(status);
}

void pvh_exit_last_line(const char *line)
{
	kernel_exit_last_line(line);
}
