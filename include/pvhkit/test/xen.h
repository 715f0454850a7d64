/* Test images only (not a stable API): the Xen facts the kernel found, raw hypercalls, CPUID, registers, per-vCPU state. */
#ifndef PVHKIT_TEST_XEN_H
#define PVHKIT_TEST_XEN_H

#include <stddef.h>
#include <stdint.h>
#include <xen/xen.h>
#include <pvhkit/test/test.h>

/*
 * Errors from these calls (and from the other test headers) are negative Xen errno values, the
 * numbering of <xen/errno.h> (XEN_EINVAL, ...), which is also the kernel's: compare with those,
 * not with the C library's errno.h, whose numbers differ (newlib's ENOSYS is 88, Xen's 38).
 */

/* The most CPUs the kernel runs (the size of its per-CPU table). */
#define PVH_TEST_CPU_MAX 64

struct pvh_test_xen {
	int present;	     /* the XenVMMXenVMM CPUID signature was found */
	int hypercalls;	     /* the hypercall page is installed (hypercalls may be made) */
	uint32_t cpuid_base; /* 0x40000000 + 0x100 * i */
	uint32_t version;    /* major << 16 | minor, from CPUID */
};
void pvh_test_xen_info(struct pvh_test_xen *out);

/*
 * Raw hypercalls through the hypercall page, arguments as Xen's 64-bit ABI takes them; op and the
 * commands and structures are Xen's public headers'.
 */
long pvh_test_hypercall(unsigned op, unsigned long a1, unsigned long a2, unsigned long a3);
long pvh_test_xen_version(int cmd, void *arg);
long pvh_test_vcpu_op(int cmd, unsigned vcpu, void *arg);
static inline long pvh_test_event_channel_op(int cmd, void *arg)
{
	return pvh_test_hypercall(__HYPERVISOR_event_channel_op, (unsigned long)cmd,
				  (unsigned long)arg, 0);
}
static inline long pvh_test_grant_table_op(int cmd, void *arg, unsigned count)
{
	return pvh_test_hypercall(__HYPERVISOR_grant_table_op, (unsigned long)cmd,
				  (unsigned long)arg, count);
}

/* Xen's shared info page (event-channel bitmaps, wall clock), or NULL without Xen. */
struct shared_info *pvh_test_shared_info(void);

void pvh_test_cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c,
		    uint32_t *d);

/* Control registers of the calling CPU, as a vcpu_hvm_context for it would carry them. */
struct pvh_test_cregs {
	uint64_t cr0, cr3, cr4, efer;
};
void pvh_test_cregs(struct pvh_test_cregs *out);
/* Interrupts off, halt, forever: a safe place to point a vCPU that should never run. */
__attribute__((noreturn)) void pvh_test_halt_forever(void);

/* Interrupts off on this CPU (returns the previous state for pvh_test_irq_restore). */
unsigned long pvh_test_irq_save(void);
void pvh_test_irq_restore(unsigned long flags);

/*
 * Physical memory through the kernel's identity map: paddr as a pointer when [paddr, paddr+len)
 * is mapped (page 0 never is), else NULL.
 */
const void *pvh_test_phys_map(uint64_t paddr, uint64_t len);

/* The vcpu_info a CPU registered with VCPUOP_register_vcpu_info. */
struct pvh_test_vcpu_info {
	int registered;	      /* Xen accepted the registration */
	uint64_t system_time; /* its pvclock's system_time now (Xen keeps it moving) */
	uint64_t area_addr;   /* the address of the area registered (identity-mapped) */
};
/* 0, or -1 for a CPU that does not exist. */
int pvh_test_vcpu_info(unsigned cpu, struct pvh_test_vcpu_info *out);

/* The XENFEAT_* bits 0-31 Xen offers (XENVER_get_features, submap 0, asked at boot). */
uint32_t pvh_test_xen_features(void);

/*
 * A CPU's two pvclock copies: vcpu_info's, and (Xen 4.18+, XENFEAT_vcpu_time_phys_area) the
 * area the kernel registered by physical address. Read so that vcpu_info's version was the same
 * before and after the second copy was read (retried while Xen updates): same_moment says it was.
 */
struct pvh_test_timecopy {
	uint32_t version, mul;
	uint64_t tsc_timestamp, system_time;
	int8_t shift;
	uint8_t flags;
};
struct pvh_test_vcpu_time {
	int phys_registered;
	int same_moment;
	struct pvh_test_timecopy master, phys;
};
/* 0, or -1 for a CPU that does not exist. */
int pvh_test_vcpu_time(unsigned cpu, struct pvh_test_vcpu_time *out);

/* The PV console ring's counters (drivers/console/xencons.c). */
struct pvh_test_xencons_stats {
	uint64_t bytes_out, bytes_in, full_waits, ring_errors;
	uint64_t bytes_before_connect; /* to port 0xE9 while the backend was not connected (4.21) */
};
void pvh_test_xencons_stats(struct pvh_test_xencons_stats *st);
/* The ring's connection byte (Xen 4.21: 0 connected, 1 not yet), or -1 without a ring. */
int pvh_test_xencons_connection(void);

#endif
