/* Test images only (not a stable API): the Xen facts the kernel found, raw hypercalls, CPUID, interrupt masking. */
#ifndef PVHKIT_TEST_XEN_H
#define PVHKIT_TEST_XEN_H

#include <stdint.h>
#include <pvhkit/test/test.h>

struct pvh_test_xen {
	int present;	     /* the XenVMMXenVMM CPUID signature was found */
	int hypercalls;	     /* the hypercall page is installed (hypercalls may be made) */
	uint32_t cpuid_base; /* 0x40000000 + 0x100 * i */
	uint32_t version;    /* major << 16 | minor, from CPUID */
};
void pvh_test_xen_info(struct pvh_test_xen *out);

/*
 * Raw hypercalls through the hypercall page, arguments as Xen's 64-bit ABI takes them; op and the
 * commands and structures are Xen's public headers' (a test image includes <xen/...> itself).
 */
long pvh_test_hypercall(unsigned op, unsigned long a1, unsigned long a2, unsigned long a3);
long pvh_test_xen_version(int cmd, void *arg);
long pvh_test_vcpu_op(int cmd, unsigned vcpu, void *arg);

void pvh_test_cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c,
		    uint32_t *d);

/* Interrupts off on this CPU (returns the previous state for pvh_test_irq_restore). */
unsigned long pvh_test_irq_save(void);
void pvh_test_irq_restore(unsigned long flags);

#endif
