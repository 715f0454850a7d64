/* Xen detection through CPUID and the hypercall page. */
#ifndef ARCH_X86_XEN_H
#define ARCH_X86_XEN_H

#include <stdint.h>

struct xen_info {
	int present;	      /* the XenVMMXenVMM signature was found */
	int hypercalls;	      /* the hypercall page is installed and checked */
	uint32_t cpuid_base;  /* 0x40000000 + 0x100 * i */
	uint32_t version;     /* major << 16 | minor, from CPUID */
};

extern struct xen_info xen;

/* CPUID only: safe before anything else is set up. */
void xen_detect(void);
/* Installs the hypercall page; returns 0 or a negative errno. */
int xen_hypercall_init(void);

#endif
