/* Finds Xen's CPUID leaves and installs the hypercall page through the MSR they name. */
#include <stdint.h>
#include "arch/x86/cpu.h"
#include "arch/x86/hypercall.h"
#include "arch/x86/xen.h"
#include "kernel/errno.h"

#define CPUID_SCAN_END 0x40010000u
#define XEN_SIG_EBX 0x566e6558 /* "XenV" */
#define XEN_SIG_ECX 0x65584d4d /* "MMXe" */
#define XEN_SIG_EDX 0x4d4d566e /* "nVMM" */
#define POISON 0xc3		/* ret: a stale page returns instead of running garbage */

struct xen_info xen;

/* The page Xen overwrites with its call stubs: executable, so it lives in .text. */
__asm__(".section .text.hypercall_page, \"ax\"\n"
	".balign 4096\n"
	".globl hypercall_page\n"
	"hypercall_page:\n"
	".fill 4096, 1, 0xc3\n"
	".previous");

void xen_detect(void)
{
	uint32_t a, b, c, d;

	/* Xen moves its leaves up by 0x100 when it also offers Viridian */
	for (uint32_t base = 0x40000000; base < CPUID_SCAN_END; base += 0x100) {
		cpuid(base, 0, &a, &b, &c, &d);
		if (b == XEN_SIG_EBX && c == XEN_SIG_ECX && d == XEN_SIG_EDX && a - base >= 2) {
			xen.present = 1;
			xen.cpuid_base = base;
			cpuid(base + 1, 0, &a, &b, &c, &d);
			xen.version = a;
			return;
		}
	}
}

int xen_hypercall_init(void)
{
	uint32_t pages, msr, c, d;

	if (!xen.present)
		return -ENODEV;
	cpuid(xen.cpuid_base + 2, 0, &pages, &msr, &c, &d);
	if (pages < 1)
		return -ENODEV;
	/* the page starts out as POISON (see above): if Xen did not write it, nothing changed */
	wrmsr(msr, (uintptr_t)hypercall_page);
	if (((volatile uint8_t *)hypercall_page)[0] == POISON)
		return -EIO;
	xen.hypercalls = 1;
	return 0;
}
