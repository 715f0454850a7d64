/* Guest-side helpers for the conformance tests: physical reads, the MADT, what kind of domain we are. */
#include <stdint.h>
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/arch-x86/hvm/start_info.h>
#include <pvhkit/smp.h>
#include "conf_guest.h"

const void *conf_phys_map(uint64_t paddr, uint64_t len)
{
	return pvh_test_phys_map(paddr, len);
}

static const void *phys_map(void *ctx, uint64_t paddr, uint64_t len)
{
	(void)ctx;
	return conf_phys_map(paddr, len);
}

const struct pvh_test_acpi_mem conf_phys = { phys_map, NULL };

int conf_madt_get(const void **table, uint32_t *len, struct pvh_test_acpi_madt *m,
		  const struct pvh_test_acpi_cpu **cpus, const char **why)
{
	static struct pvh_test_acpi_cpu list[CONF_MADT_MAX];
	struct pvh_test_acpi_find f;
	uint64_t rsdp = pvh_test_boot_raw()->si.rsdp_paddr;

	*why = "no rsdp_paddr in the start info";
	if (!rsdp)
		return -XEN_ENOENT;
	int rc = pvh_test_acpi_find_table(&conf_phys, rsdp, "APIC", table, len, &f);
	if (rc) {
		*why = f.why;
		return rc;
	}
	rc = pvh_test_acpi_madt_parse(*table, *len, list, CONF_MADT_MAX, m);
	*why = m->why;
	*cpus = list;
	return rc;
}

const struct pvh_test_xen *conf_xen(void)
{
	static struct pvh_test_xen x;
	static int done;

	if (!done) {
		pvh_test_xen_info(&x);
		done = 1;
	}
	return &x;
}

int conf_have_xen(void)
{
	return conf_xen()->present && conf_xen()->hypercalls;
}

int conf_is_domu(const struct conf_expect *e)
{
	if (e->domu >= 0)
		return e->domu;
	return conf_have_xen() && !(pvh_test_boot_raw()->si.flags & SIF_INITDOMAIN);
}

unsigned conf_cpu_count(void)
{
	return pvh_cpu_count();
}

int conf_cpu_online(unsigned cpu)
{
	struct pvh_cpu_info ci;

	return !pvh_cpu_info(cpu, &ci) && ci.online;
}

uint32_t conf_cpu_vcpu(unsigned cpu)
{
	struct pvh_cpu_info ci;

	return pvh_cpu_info(cpu, &ci) ? UINT32_MAX : ci.vcpu_id;
}
