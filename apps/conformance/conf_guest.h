/* Guest-side helpers the conformance test groups share (not host-compiled). */
#ifndef APPS_CONFORMANCE_CONF_GUEST_H
#define APPS_CONFORMANCE_CONF_GUEST_H
#include <stdint.h>
#include "apps/conformance/conf.h"
#include "arch/x86/bootraw.h"
#include "drivers/acpi/acpi.h"

/* The start info exactly as boot.S staged it at entry (before the kernel validated anything). */
extern struct boot_raw boot_raw;
/* Physical memory readable through the identity map (page 0 never is). */
extern const struct acpi_mem conf_phys;
const void *conf_phys_map(uint64_t paddr, uint64_t len);

#define CONF_MADT_MAX 256
/* The MADT parsed once: 0, or a negative errno with *why. */
int conf_madt_get(const void **table, uint32_t *len, struct acpi_madt *m,
		  const struct acpi_cpu **cpus, const char **why);
/* 1 when this is a Xen PVH domU (runner's --domu/--not-domu, else Xen without SIF_INITDOMAIN). */
int conf_is_domu(const struct conf_expect *e);
/* 1 when Xen's hypercalls work here. */
int conf_have_xen(void);
#endif
