/* Memory bring-up: from the validated memory map to a running page allocator and heap. */
#ifndef KERNEL_MEM_H
#define KERNEL_MEM_H

#include <stdint.h>
#include "kernel/startinfo.h"

/* Sets up the page allocator; returns the top of RAM, or 0 when there is no usable map. */
uint64_t mem_init(const struct bootinfo *bi);

#endif
