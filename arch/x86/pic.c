/* Silences the legacy 8259 PICs: left alone, QEMU's PIT tick arrives on vector 8, the #DF vector. */
#include "arch/x86/cpu.h"

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1
#define PIC_VECTOR_BASE 0x20 /* remapped clear of the exception vectors, then masked */

void pic_disable(void)
{
	/* ICW1-4: cascade, vector bases, wiring, 8086 mode; on a PVH guest without PICs these are ignored */
	outb(PIC1_CMD, 0x11);
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, PIC_VECTOR_BASE);
	outb(PIC2_DATA, PIC_VECTOR_BASE + 8);
	outb(PIC1_DATA, 4);
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, 1);
	outb(PIC2_DATA, 1);
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}
