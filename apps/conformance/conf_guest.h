/* Guest-side helpers the conformance test groups share (not host-compiled). */
#ifndef APPS_CONFORMANCE_CONF_GUEST_H
#define APPS_CONFORMANCE_CONF_GUEST_H
#include <stdint.h>
#include "conf.h"
#include <pvhkit/test/acpi.h>
#include <pvhkit/test/boot.h>
#include <pvhkit/test/xen.h>

/* Physical memory readable through the identity map (page 0 never is). */
extern const struct pvh_test_acpi_mem conf_phys;
const void *conf_phys_map(uint64_t paddr, uint64_t len);

#define CONF_MADT_MAX 256
/* The MADT parsed once: 0, or a negative errno with *why. */
int conf_madt_get(const void **table, uint32_t *len, struct pvh_test_acpi_madt *m,
		  const struct pvh_test_acpi_cpu **cpus, const char **why);
/* 1 when this is a Xen PVH domU (runner's --domu/--not-domu, else Xen without SIF_INITDOMAIN). */
int conf_is_domu(const struct conf_expect *e);
/* 1 when Xen's hypercalls work here. */
int conf_have_xen(void);
/* What the kernel found out about Xen (read once). */
const struct pvh_test_xen *conf_xen(void);
/* The kernel's CPUs (0 .. n-1): how many, whether one is online, its vCPU id. */
unsigned conf_cpu_count(void);
int conf_cpu_online(unsigned cpu);
uint32_t conf_cpu_vcpu(unsigned cpu);
#endif
