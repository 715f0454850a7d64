/* The memory report: where a domain's RAM went (image, page tables, stacks, kernel heap, shared rings and buffers, the C library's arena, lwIP's part of it), printed at exit with the option memreport. */
#include "arch/x86/cpu.h"
#include "drivers/xenbus/xenbus_front.h"
#include "kernel/boot.h"
#include "kernel/cmdline.h"
#include "kernel/heap.h"
#include "kernel/pmem.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "lib/sys/sys.h"

extern char _image_start[], _end[];

/* the part of the arena lwIP accounts for (lib/lwip/mem_budget.c), once it has run */
static const char *part;
static const uint64_t *part_use, *part_peak, *part_limit;

void sys_mem_account(const char *what, const uint64_t *in_use, const uint64_t *peak,
		     const uint64_t *limit)
{
	part_use = in_use;
	part_peak = peak;
	part_limit = limit;
	part = what;
}

static uint64_t kib(uint64_t bytes)
{
	return (bytes + 1023) >> 10;
}

/*
 * One line, KiB: the image (code, data, bss with its pools and the boot page tables), then the
 * pages the kernel manages (RAM less the image and modules) split into page tables built later,
 * thread stacks and the rest of the kernel heap, pages shared with backends, the C library's
 * arena (reserved; in use), free pages and "other" (the page allocator's bookkeeping, IST
 * stacks, pages taken straight from the allocator). Then the accounted parts of the arena.
 */
void sys_mem_report(void)
{
	struct heap_stats h;
	struct sys_brk_stats b;
	uint64_t total = kernel_pmem.total_pages * PAGE_SIZE;
	uint64_t image = (uintptr_t)_end - (uintptr_t)_image_start;
	uint64_t tables = paging_table_pages() * PAGE_SIZE, stacks = thread_stack_bytes();
	uint64_t shared = xenbus_front_shared_pages() * PAGE_SIZE;
	uint64_t free = kernel_pmem.free_pages * PAGE_SIZE;

	heap_get_stats(&h);
	sys_brk_stats(&b);
	uint64_t heap = h.pages * PAGE_SIZE, rest = heap > stacks ? heap - stacks : 0;
	uint64_t known = tables + heap + shared + b.arena + free;

	pr_info(
	    "memreport: image %lu KiB + pages %lu KiB: page tables %lu, stacks %lu, kernel heap "
	    "%lu, shared rings+buffers %lu, libc arena %lu (in use %lu), free %lu, other %lu KiB\n",
	    kib(image), kib(total), kib(tables), kib(stacks), kib(rest), kib(shared), kib(b.arena),
	    kib(b.in_use), kib(free), total > known ? kib(total - known) : 0);
	if (part)
		pr_info(
		    "memreport: %s %lu KiB in use, peak %lu, limit %lu KiB (in the libc arena)\n",
		    part, kib(*part_use), kib(*part_peak), kib(*part_limit));
}

/* the report when the command line asks for it (memreport), as the guest ends */
void sys_mem_report_at_exit(void)
{
	if (cmdline_opt(&boot_cmdline, "memreport"))
		sys_mem_report();
}
