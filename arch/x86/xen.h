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
	uint32_t features;     /* XENFEAT_* bits 0-31 (XENVER_get_features, submap 0) */
};

extern struct xen_info xen;

/* Whether Xen offers XENFEAT_<bit> (read once with the hypercall page). */
static inline int xen_feature(unsigned bit)
{
	return bit < 32 && (xen.features >> bit) & 1;
}

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
struct vcpu_runstate_info;
/*
 * VCPUOP_register_vcpu_info for vCPU vcpu_id: its vcpu_info moves from shared info (which has
 * only 32 slots) to c->vcpu_info_area; c->vcpu_info points at whichever Xen writes. For the
 * calling vCPU or one that is not up yet. 0 or a negative errno (c->vcpu_info stays on the
 * legacy slot).
 */
int xen_vcpu_info_register(struct cpu_arch *c, uint32_t vcpu_id);

/* How a per-vCPU area is known to Xen (struct cpu_arch's runstate_how). */
enum { XEN_VCPU_AREA_NONE, XEN_VCPU_AREA_PHYS, XEN_VCPU_AREA_VIRT };
/*
 * The pvclock by guest-physical address (VCPUOP_register_vcpu_time_phys_area, Xen 4.18,
 * XENFEAT_vcpu_time_phys_area) for the calling vCPU: 0 and c->time_info set; -EOPNOTSUPP when Xen
 * does not offer it, else Xen's error (c->time_info stays NULL: vcpu_info's copy is read).
 */
int xen_vcpu_time_area_register(struct cpu_arch *c, uint32_t vcpu_id);
/*
 * The run-state area of the calling vCPU: by physical address (VCPUOP_register_runstate_phys_area,
 * Xen 4.18, XENFEAT_runstate_phys_area) when offered, else by virtual address (the older
 * VCPUOP_register_runstate_memory_area; the map is the identity). 0 or a negative errno;
 * c->runstate_how says which.
 */
int xen_vcpu_runstate_register(struct cpu_arch *c, uint32_t vcpu_id);
/* A consistent copy of c's run-state area: 0, or -ENODEV when none is registered. */
int xen_vcpu_runstate_read(const struct cpu_arch *c, struct vcpu_runstate_info *out);

/* HVM_PARAM_* of this domain: 0 or a negative errno. */
int xen_hvm_get_param(uint32_t index, uint64_t *value);

#endif
