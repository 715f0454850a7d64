/* Xen detection through CPUID and the hypercall page. */
#ifndef ARCH_X86_XEN_H
#define ARCH_X86_XEN_H

#include <stdint.h>

struct xen_info {
	int present;	       /* the XenVMMXenVMM signature was found */
	int hypercalls;	       /* the hypercall page is installed and checked */
	uint32_t cpuid_base;   /* 0x40000000 + 0x100 * i */
	uint32_t version;      /* major << 16 | minor, from CPUID */
	uint32_t hvm_features; /* XEN_HVM_CPUID_* from leaf +4 */
	uint32_t boot_vcpu_id; /* the BSP's vCPU id (leaf +4 EBX when present, else 0) */
	int initial_domain;    /* the hardware domain (dom0): SIF_INITDOMAIN in the start info */
};

extern struct xen_info xen;

/* CPUID only: safe before anything else is set up. */
void xen_detect(void);
/* Installs the hypercall page; returns 0 or a negative errno. */
int xen_hypercall_init(void);

struct shared_info;
/* Xen's shared info page, or NULL before xen_shared_info_init() or without Xen. */
extern struct shared_info *xen_shared_info;
int xen_shared_info_init(void);

struct hvm_memmap_table_entry;
#define XEN_MEMMAP_MAX 128
/* The domain's memory map from XENMEM_memory_map (for start info without one): entries or -errno. */
int xen_memory_map(struct hvm_memmap_table_entry *out, unsigned max);
struct cpu_arch;
/*
 * VCPUOP_register_vcpu_info for vCPU vcpu_id: its vcpu_info moves from shared info (which has
 * only 32 slots) to c->vcpu_info_area; c->vcpu_info points at whichever Xen writes. For the
 * calling vCPU or one that is not up yet. 0 or a negative errno (c->vcpu_info stays on the
 * legacy slot).
 */
int xen_vcpu_info_register(struct cpu_arch *c, uint32_t vcpu_id);

/* HVM_PARAM_* of this domain: 0 or a negative errno. */
int xen_hvm_get_param(uint32_t index, uint64_t *value);

#endif
