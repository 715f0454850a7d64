/* The "acpi_dump" kernel option: the ACPI tables as hex lines on the console. */
#ifndef KERNEL_ACPI_DUMP_H
#define KERNEL_ACPI_DUMP_H

#include <stdint.h>

struct acpi_mem;
/* Prints the RSDP, the RSDT/XSDT and every table they point to, read through mem. */
void acpi_dump(const struct acpi_mem *mem, uint64_t rsdp);

#endif
