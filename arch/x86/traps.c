/* The IDT, and the C side of every trap: interrupts to their handlers, exceptions to the kernel's report. */
#include <stdint.h>
#include "arch/x86/cpu.h"
#include "arch/x86/desc.h"
#include "arch/x86/idle_halt.h"
#include "arch/x86/irq.h"
#include "arch/x86/traps.h"

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

const char *trap_name(uint64_t vector)
{
	return vector < 32 && exception_names[vector] ? exception_names[vector] : "interrupt";
}

void trap_handler(struct trap_frame *f)
{
	if (f->vector >= 32) {
		if (!irq_dispatch((unsigned)f->vector))
			trap_report(f);
		/* taken before the idle hlt ran: what it woke must not wait on that hlt */
		f->rip = idle_halt_resume(f->rip);
		return;
	}
	trap_report(f);
}
