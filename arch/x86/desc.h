/* GDT selectors and IST slots shared by the CPU set-up and the IDT. */
#ifndef ARCH_X86_DESC_H
#define ARCH_X86_DESC_H

#define GDT_CODE    0x08
#define GDT_DATA    0x10
#define GDT_TSS	    0x18 /* a 16-byte descriptor */
#define GDT_ENTRIES 5

#define IST_DF	1
#define IST_NMI 2
#define IST_MC	3

#endif
