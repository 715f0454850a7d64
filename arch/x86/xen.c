/* Finds Xen's CPUID leaves and installs the hypercall page through the MSR they name. */
#include <stddef.h>
#include <stdint.h>
#include "arch/x86/cpu.h"
#include "arch/x86/cpu_arch.h"
#include "arch/x86/hypercall.h"
#include "arch/x86/spinlock.h"
#include "arch/x86/xen.h"
#include "base/errno.h"
#include <xen/arch-x86/cpuid.h>
#include <xen/arch-x86/hvm/start_info.h>
#include <xen/features.h>
#include <xen/version.h>

#define CPUID_SCAN_END 0x40010000u
#define XEN_SIG_EBX    0x566e6558 /* "XenV" */
#define XEN_SIG_ECX    0x65584d4d /* "MMXe" */
#define XEN_SIG_EDX    0x4d4d566e /* "nVMM" */
#define POISON	       0xc3	  /* ret: a stale page returns instead of running garbage */

struct xen_info xen;
struct shared_info *xen_shared_info;
/* the guest frame Xen maps its shared info onto */
static uint8_t shared_info_page[4096] __attribute__((aligned(4096)));

/*
 * The page Xen overwrites with its call stubs: executable, so it lives in .text, and last there
 * (arch/x86/link.ld): its 4 KiB alignment then shares the padding that ends the text segment
 * anyway, instead of costing up to a page wherever xen.o happens to land.
 */
__asm__(".section .hypercall_page, \"ax\"\n"
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
			cpuid(base + 4, 0, &a, &b, &c, &d);
			xen.hvm_features = a;
			if (a & XEN_HVM_CPUID_VCPU_ID_PRESENT)
				xen.boot_vcpu_id = b;
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
	/* what this Xen offers is asked, never inferred from its version */
	struct xen_feature_info fi = { .submap_idx = 0 };
	if (HYPERVISOR_xen_version(XENVER_get_features, &fi) == 0)
		xen.features = fi.submap;
	return 0;
}

int xen_shared_info_init(void)
{
	struct xen_add_to_physmap xatp = { .domid = DOMID_SELF,
					   .space = XENMAPSPACE_shared_info,
					   .idx = 0,
					   .gpfn = (uintptr_t)shared_info_page >> 12 };

	if (!xen.hypercalls)
		return -ENODEV;
	long r = HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp);
	if (r)
		return (int)r;
	xen_shared_info = (struct shared_info *)shared_info_page;
	return 0;
}

int xen_hvm_get_param(uint32_t index, uint64_t *value)
{
	struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };

	if (!xen.hypercalls)
		return -ENODEV;
	long r = HYPERVISOR_hvm_op(HVMOP_get_param, &p);
	if (r)
		return (int)r;
	*value = p.value;
	return 0;
}

int xen_memory_map(struct hvm_memmap_table_entry *out, unsigned max)
{
	/* the BIOS E820 layout Xen fills in (a BIOS format, not one of Xen's structures) */
	struct e820_entry {
		uint64_t addr, size;
		uint32_t type;
	} __attribute__((packed)) e[XEN_MEMMAP_MAX];
	struct xen_memory_map m = { .nr_entries = max < XEN_MEMMAP_MAX ? max : XEN_MEMMAP_MAX };

	if (!xen.hypercalls)
		return -ENODEV;
	set_xen_guest_handle(m.buffer, e);
	long r = HYPERVISOR_memory_op(XENMEM_memory_map, &m);
	if (r)
		return (int)r;
	unsigned n =
	    m.nr_entries < max ? m.nr_entries : max; /* Xen's count is not trusted either */
	if (n > XEN_MEMMAP_MAX)
		n = XEN_MEMMAP_MAX;
	for (unsigned i = 0; i < n; i++)
		out[i] = (struct hvm_memmap_table_entry){ .addr = e[i].addr,
							  .size = e[i].size,
							  .type = e[i].type };
	return (int)n;
}

int xen_vcpu_info_register(struct cpu_arch *c, uint32_t vcpu_id)
{
	uintptr_t a = (uintptr_t)&c->vcpu_info_area;
	struct vcpu_register_vcpu_info info = { .mfn = a >> 12, .offset = a & 0xfff };

	if (!xen.hypercalls || !xen_shared_info)
		return -ENODEV;
	if (c->vcpu_info_registered)
		return 0; /* Xen takes it once per vCPU; it stays across offline/online */
	/* until it is registered (or if that fails), the legacy slot is the one Xen writes */
	if (vcpu_id < XEN_LEGACY_MAX_VCPUS)
		c->vcpu_info = &xen_shared_info->vcpu_info[vcpu_id];
	long r = HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, vcpu_id, &info);
	if (r)
		return (int)r;
	/* Xen copied the legacy slot's contents over: use the new place from now on */
	__atomic_store_n(&c->vcpu_info, &c->vcpu_info_area, __ATOMIC_RELEASE);
	c->vcpu_info_registered = 1;
	return 0;
}

void spin_yield_vcpu(void)
{
	if (xen.hypercalls)
		HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}
