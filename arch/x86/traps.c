/* The IDT, and what happens on an exception: a register dump, a symbolised backtrace, a crash exit. */
#include <stdint.h>
#include "arch/x86/cpu.h"
#include "arch/x86/desc.h"
#include "arch/x86/idle_halt.h"
#include "arch/x86/irq.h"
#include "arch/x86/traps.h"
#include "kernel/printk.h"
#include "kernel/shutdown.h"

struct idt_entry {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;
	uint16_t off_mid;
	uint32_t off_hi;
	uint32_t reserved;
} __attribute__((packed));

static struct idt_entry idt[256] __attribute__((aligned(16)));
extern char trap_stubs[];

static const char *const exception_names[32] = {
	"#DE divide error",
	"#DB debug",
	"NMI",
	"#BP breakpoint",
	"#OF overflow",
	"#BR bound range",
	"#UD invalid opcode",
	"#NM device not available",
	"#DF double fault",
	"coprocessor overrun",
	"#TS invalid TSS",
	"#NP segment not present",
	"#SS stack fault",
	"#GP general protection",
	"#PF page fault",
	"reserved",
	"#MF x87 error",
	"#AC alignment check",
	"#MC machine check",
	"#XM SIMD error",
	"#VE virtualization",
	"#CP control protection",
};

static uint8_t ist_for(unsigned vec)
{
	switch (vec) {
	case 2:
		return IST_NMI;
	case 8:
		return IST_DF;
	case 18:
		return IST_MC;
	default:
		return 0;
	}
}

void traps_init(void)
{
	for (unsigned v = 0; v < 256; v++) {
		uintptr_t a = (uintptr_t)trap_stubs + 16 * v;

		idt[v] = (struct idt_entry){ .off_lo = a & 0xffff,
					     .sel = GDT_CODE,
					     .ist = ist_for(v),
					     .type = 0x8e, /* present, interrupt gate */
					     .off_mid = (a >> 16) & 0xffff,
					     .off_hi = a >> 32 };
	}
	traps_load();
}

void traps_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) p = { sizeof(idt) - 1, (uintptr_t)idt };
	__asm__ volatile("lidt %0" : : "m"(p));
}

static void pf_explain(uint64_t err)
{
	printk(LOG_EMERG, "  page fault at %#lx: %s %s, %s\n", read_cr2(),
	       err & 0x10 ? "instruction fetch" : (err & 2 ? "write" : "read"),
	       err & 1 ? "violating the page's protection" : "of a page that is not mapped",
	       err & 8 ? "reserved bit set" : "no reserved bit");
}

static void trap_dump(const struct trap_frame *f)
{
	const char *name =
	    f->vector < 32 && exception_names[f->vector] ? exception_names[f->vector] : "interrupt";

	printk(LOG_EMERG, "*** %s (vector %lu, error code %#lx)\n", name, f->vector, f->error);
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

void trap_handler(struct trap_frame *f)
{
	static int depth;

	if (f->vector >= 32) {
		if (!irq_dispatch((unsigned)f->vector))
			printk(LOG_WARN, "unexpected interrupt, vector %lu\n", f->vector);
		/* taken before the idle hlt ran: what it woke must not wait on that hlt */
		f->rip = idle_halt_resume(f->rip);
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
