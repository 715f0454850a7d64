/* The boot sequence, from the first C instruction to the application's main() and back out. */
#include "arch/x86/cpu.h"
#include "arch/x86/irq.h"
#include "arch/x86/reloc.h"
#include "arch/x86/tsc.h"
#include "arch/x86/xen.h"
#include "base/errno.h"
#include "base/string.h"
#include "kernel/boot.h"
#include "kernel/cpu.h"
#include "kernel/evtchn.h"
#include "kernel/gnttab.h"
#include "kernel/heap.h"
#include "kernel/initcall.h"
#include "kernel/mem.h"
#include "kernel/pmem.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/shutdown.h"
#include "kernel/smp.h"
#include "kernel/suspend.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/vcpu_attach.h"

#define PVHKIT_VERSION "0.1"

struct bootinfo boot_info;
struct cmdline boot_cmdline;
static char cmdline_buf[BOOTRAW_CMDLINE_MAX];

extern char _image_start[], _end[];
extern uint64_t boot_tsc_entry;
extern const char app_name[];
extern int main(int argc, char **argv);
void kernel_main(struct boot_raw *raw);
void startinfo_report(const struct bootinfo *bi);
void startinfo_check_report(struct bootinfo *bi);

static void options_apply(void)
{
	/* ip/gw/dns/gso: lib/lwip; memmap=xen: take the memory map from Xen even when the start info has
	 * one; maxcpus, acpi_dump: kernel/smp_discover.c; io_timeout: drivers/xenbus/xenbus_front.c;
	 * memreport: lib/sys/mem_report.c */
	static const char *const known[] = { "loglevel",   "memmap",   "ip",	  "gw",
					     "dns",	   "gso",      "maxcpus", "acpi_dump",
					     "io_timeout", "memreport" };
	unsigned long level;

	for (int i = 0; i < boot_cmdline.nopts; i++) {
		const char *o = boot_cmdline.opts[i];
		unsigned k = 0;

		while (k < sizeof(known) / sizeof(known[0]) &&
		       (strncmp(o, known[k], strlen(known[k])) ||
			(o[strlen(known[k])] != '=' && o[strlen(known[k])])))
			k++;
		if (k == sizeof(known) / sizeof(known[0]))
			pr_warn("unknown kernel option '%s' ignored (app arguments go after \" -- "
				"\")\n",
				o);
	}
	int r = cmdline_opt_uint(&boot_cmdline, "loglevel", &level);
	if (r == 0 && level <= LOG_DEBUG)
		printk_loglevel = (int)level;
	else if (r != -ENOENT)
		pr_warn("loglevel= takes a number from 0 to 7\n");
	if (boot_cmdline.unterminated_quote)
		pr_warn("command line: unterminated quote, closed at the end\n");
	if (boot_cmdline.dropped)
		pr_warn("command line: %d words beyond the limit of %d dropped\n",
			boot_cmdline.dropped, CMDLINE_ARGS_MAX);
}

static void hypervisor_init(void)
{
	if (!xen.present) {
		pr_info("hypervisor: Xen not detected; Xen services not available\n");
		return;
	}
	int r = xen_hypercall_init();
	pr_info("hypervisor: Xen %u.%u (CPUID base %#x), hypercall page %s\n", xen.version >> 16,
		xen.version & 0xffff, xen.cpuid_base, r ? "FAILED" : "installed");
}

/* Start info version 0, or v1 without entries: ask Xen for the map instead (memmap=xen forces it). */
static void memmap_fallback(void)
{
	static struct hvm_memmap_table_entry map[XEN_MEMMAP_MAX];
	const char *opt = cmdline_opt(&boot_cmdline, "memmap");
	int force = opt && !strcmp(opt, "xen");

	if ((boot_info.memmap_entries && !force) || !xen.hypercalls)
		return;
	int n = xen_memory_map(map, XEN_MEMMAP_MAX);
	if (n <= 0) {
		pr_err("memory map: XENMEM_memory_map failed (%d)\n", n);
		return;
	}
	boot_info.memmap = map;
	boot_info.memmap_entries = (unsigned)n;
	pr_info("memory map: %d entries from XENMEM_memory_map%s\n", n,
		force ? " (memmap=xen)" : "");
	/* Xen returns as many as fit without saying there were more (a big host's dom0 map) */
	if (n == XEN_MEMMAP_MAX)
		pr_warn("memory map: %d entries, the most we take: any beyond are not used\n", n);
}

/* The page tables' pages: without one, the kernel cannot go on. */
static void *page_table_alloc(void)
{
	void *p = page_alloc(1);

	if (!p)
		panic("out of memory for page tables");
	return p;
}

/* Each service reports for itself; a failure leaves that service "not available", nothing more. */
static void report(const char *what, int r)
{
	if (r)
		pr_warn("%s: not available (%d)\n", what, r);
}

/*
 * Shared info, and the boot vCPU's areas registered like every other CPU's (vcpu_info: the legacy
 * slot if that fails; the pvclock and run-state areas where Xen offers them).
 */
static int shared_info_init(void)
{
	int r = xen_shared_info_init();

	if (!r)
		vcpu_attach_areas(&cpus[0]);
	return r;
}

static void xen_services_init(void)
{
	if (!xen.hypercalls)
		return;
	report("shared info", shared_info_init());
	report("event channels", evtchn_init());
	report("time", time_init());
	report("timers", timer_init());
	initcalls_run(INIT_XEN_END); /* the PV console */
	report("grant table", gnttab_init());
}

/*
 * Both addresses when a loader honouring XEN_ELFNOTE_PHYS32_RELOC moved the image (boot.S). At the
 * link address nothing is printed: a line there would cost every boot (make bench) for no news.
 */
static void report_placement(void)
{
	if (boot_load_offset)
		pr_info("boot: image linked at %#lx, placed at %#lx by the loader (relocated by "
			"%s%#lx: "
			"XEN_ELFNOTE_PHYS32_RELOC)\n",
			image_link_start(), (uintptr_t)_image_start,
			boot_load_offset < 0 ? "-" : "+",
			boot_load_offset < 0 ? -(uint64_t)boot_load_offset
					     : (uint64_t)boot_load_offset);
}

static void report_boot_time(void)
{
	uint64_t ticks = rdtsc() - boot_tsc_entry;

	pr_debug("boot: %lu TSC ticks from the PVH entry to main\n", ticks);
	pr_info("boot: %lu us from the PVH entry to main%s\n", ticks * 1000000 / tsc_hz(),
		tsc_hz_assumed() ? " (TSC rate unknown: 3 GHz assumed)" : "");
}

void kernel_main(struct boot_raw *raw)
{
	percpu_init(0, 0);
	xen_detect();
	this_cpu()->vcpu_id = xen.boot_vcpu_id;
	initcalls_run(INIT_EARLY_END); /* the early consoles */
	cpu_init(&cpus[0].arch);
	traps_init();
	pic_disable();
	pr_info("pvhkit %s (%s): started through the PVH entry\n", PVHKIT_VERSION, app_name);
	report_placement();
	if (startinfo_parse(raw, (uintptr_t)_image_start, (uintptr_t)_end, &boot_info))
		panic("start info has a bad magic");
	/* dom0: no toolstack, xenstore or PV console yet; Xen's console is ours (console_io) */
	xen.initial_domain = xen.present && (boot_info.flags & SIF_INITDOMAIN);
	memcpy(cmdline_buf, boot_info.cmdline, strlen(boot_info.cmdline) + 1);
	cmdline_parse(cmdline_buf, app_name, &boot_cmdline);
	options_apply();
	startinfo_report(&boot_info);
	hypervisor_init();
	initcalls_run(INIT_HYPERVISOR_END); /* the initial domain's console */

	memmap_fallback();
	startinfo_check_report(&boot_info);
	uint64_t top = mem_init(&boot_info);
	if (!top)
		panic("no usable RAM: no memory map in the start info%s",
		      xen.hypercalls ? " nor from XENMEM_memory_map" : "");
	int pg = paging_init(top, page_table_alloc);
	pr_info("paging: identity map up to %#lx in %s pages, text r-x, rodata r--, data rw-%s\n",
		paging_mapped_top(), pg & PAGING_HAS_1G ? "1 GiB" : "2 MiB",
		pg & PAGING_HAS_NX ? ", NX on" : " (no NX on this CPU)");
	heap_init(&(struct heap_pages){ page_alloc, page_free });
	xen_services_init();
	sched_init();
	irq_enable();
	/* the APs go straight into their idle threads: after the scheduler and the Xen services */
	smp_init();
	initcalls_run(INIT_DEVICES_END); /* xenstore, devices: after the scheduler and the APs */
	report_boot_time();
	suspend_ready();
	kernel_exit(main(boot_cmdline.argc, boot_cmdline.argv));
}
