/* What an exception means here: a register dump, a symbolised backtrace, and a crash exit. */
#include <stdint.h>
#include "arch/x86/cpu.h"
#include "arch/x86/traps.h"
#include "kernel/backtrace.h"
#include "kernel/printk.h"
#include "kernel/shutdown.h"

static void pf_explain(uint64_t err)
{
	printk(LOG_EMERG, "  page fault at %#lx: %s %s, %s\n", read_cr2(),
	       err & 0x10 ? "instruction fetch" : (err & 2 ? "write" : "read"),
	       err & 1 ? "violating the page's protection" : "of a page that is not mapped",
	       err & 8 ? "reserved bit set" : "no reserved bit");
}

static void trap_dump(const struct trap_frame *f)
{
	printk(LOG_EMERG, "*** %s (vector %lu, error code %#lx)\n", trap_name(f->vector), f->vector,
	       f->error);
	if (f->vector == 14)
		pf_explain(f->error);
	printk(LOG_EMERG, "  RIP %016lx  CS %04lx  RFLAGS %016lx\n", f->rip, f->cs, f->rflags);
	printk(LOG_EMERG, "  RSP %016lx  SS %04lx\n", f->rsp, f->ss);
	printk(LOG_EMERG, "  RAX %016lx  RBX %016lx  RCX %016lx\n", f->rax, f->rbx, f->rcx);
	printk(LOG_EMERG, "  RDX %016lx  RSI %016lx  RDI %016lx\n", f->rdx, f->rsi, f->rdi);
	printk(LOG_EMERG, "  RBP %016lx  R8  %016lx  R9  %016lx\n", f->rbp, f->r8, f->r9);
	printk(LOG_EMERG, "  R10 %016lx  R11 %016lx  R12 %016lx\n", f->r10, f->r11, f->r12);
	printk(LOG_EMERG, "  R13 %016lx  R14 %016lx  R15 %016lx\n", f->r13, f->r14, f->r15);
	printk(LOG_EMERG, "  CR0 %016lx  CR3 %016lx  CR4 %016lx\n", read_cr0(), read_cr3(),
	       read_cr4());
	backtrace_print(f->rip, f->rsp, f->rbp);
}

void trap_report(struct trap_frame *f)
{
	static int depth;

	if (f->vector >= 32) {
		printk(LOG_WARN, "unexpected interrupt, vector %lu\n", f->vector);
		return;
	}
	if (++depth > 1) {
		/* a fault while reporting a fault: print as little as possible and stop */
		printk(LOG_EMERG, "*** nested exception %lu at %#lx while handling another\n",
		       f->vector, f->rip);
		kernel_crash_now();
	}
	trap_dump(f);
	if (f->vector == 2) {
		depth--;
		return; /* an NMI is reported, not fatal */
	}
	kernel_crash("fatal exception");
}
