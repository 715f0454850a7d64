/* State the boot sequence leaves for the rest of the kernel. */
#ifndef KERNEL_BOOT_H
#define KERNEL_BOOT_H

#include "kernel/cmdline.h"
#include "kernel/startinfo.h"

extern struct bootinfo boot_info;
extern struct cmdline boot_cmdline;

#endif
