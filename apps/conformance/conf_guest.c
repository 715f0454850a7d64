/* Guest-side helpers for the conformance tests: physical reads, the MADT, what kind of domain we are. */
#include <stdint.h>
#include <xen/xen.h>
#include <xen/arch-x86/hvm/start_info.h>
#include "apps/conformance/conf_guest.h"
#include "arch/x86/cpu.h"
#include "arch/x86/xen.h"
#include "base/errno.h"
#include "kernel/startinfo.h"

const void *conf_phys_map(uint64_t paddr, uint64_t len)
{
	uint64_t top = paging_mapped_top();

	if (paddr < 4096 || len > top || paddr > top - len)
		return NULL;
	return (const void *)(uintptr_t)paddr;
}

static const void *phys_map(void *ctx, uint64_t paddr, uint64_t len)
{
	(void)ctx;
	return conf_phys_map(paddr, len);
}

const struct acpi_mem conf_phys = { phys_map, NULL };

int conf_madt_get(const void **table, uint32_t *len, struct acpi_madt *m,
		  const struct acpi_cpu **cpus, const char **why)
{
	static struct acpi_cpu list[CONF_MADT_MAX];
	struct acpi_find f;

	*why = "no rsdp_paddr in the start info";
	if (!boot_raw.si.rsdp_paddr)
		return -ENOENT;
	int rc = acpi_find_table(&conf_phys, boot_raw.si.rsdp_paddr, "APIC", table, len, &f);
	if (rc) {
		*why = f.why;
		return rc;
	}
	rc = acpi_madt_parse(*table, *len, list, CONF_MADT_MAX, m);
	*why = m->why;
	*cpus = list;
	return rc;
}

int conf_have_xen(void)
{
	return xen.present && xen.hypercalls;
}

int conf_is_domu(const struct conf_expect *e)
{
	if (e->domu >= 0)
		return e->domu;
	return conf_have_xen() && !(boot_raw.si.flags & SIF_INITDOMAIN);
}
