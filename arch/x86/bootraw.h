/* Layout of the staging area where boot.S copies the PVH start info before anything can overwrite it. */
#ifndef ARCH_X86_BOOTRAW_H
#define ARCH_X86_BOOTRAW_H

/*
 * boot.S runs in 32-bit mode without C, so the layout is given as numbers here;
 * kernel/startinfo.c checks every offset against Xen's own structures at compile time.
 */
#define BOOT_START_MAGIC 0x336ec578 /* XEN_HVM_START_MAGIC_VALUE */

/* offsets inside struct hvm_start_info */
#define SI_VERSION	  4
#define SI_NR_MODULES	  12
#define SI_MODLIST_PADDR  16
#define SI_CMDLINE_PADDR  24
#define SI_MEMMAP_PADDR	  40
#define SI_MEMMAP_ENTRIES 48
#define SI_SIZE		  56
#define MOD_ENTRY_SIZE	  32
#define MOD_CMDLINE_PADDR 16
#define MEMMAP_ENTRY_SIZE 24

/* bounds of what is copied; anything beyond is reported by the parser, never read */
#define BOOTRAW_CMDLINE_MAX 4096
#define BOOTRAW_MEMMAP_MAX  128
#define BOOTRAW_MODS_MAX    16
#define BOOTRAW_MODCMD_MAX  256

/* bits of boot_raw.copied: which pieces boot.S found below 4 GiB and copied */
#define BOOTRAW_HAVE_CMDLINE 0x1
#define BOOTRAW_HAVE_MEMMAP  0x2
#define BOOTRAW_HAVE_MODLIST 0x4
#define BOOTRAW_HAVE_MODCMD0 0x8 /* bit (3 + i) for module i */

#define BOOTRAW_OFF_COPIED  0
#define BOOTRAW_OFF_EBX	    4
#define BOOTRAW_OFF_SI	    8
#define BOOTRAW_OFF_CMDLINE 64
#define BOOTRAW_OFF_MEMMAP  (BOOTRAW_OFF_CMDLINE + BOOTRAW_CMDLINE_MAX)
#define BOOTRAW_OFF_MODLIST (BOOTRAW_OFF_MEMMAP + BOOTRAW_MEMMAP_MAX * MEMMAP_ENTRY_SIZE)
#define BOOTRAW_OFF_MODCMD  (BOOTRAW_OFF_MODLIST + BOOTRAW_MODS_MAX * MOD_ENTRY_SIZE)
#define BOOTRAW_SIZE	    (BOOTRAW_OFF_MODCMD + BOOTRAW_MODS_MAX * BOOTRAW_MODCMD_MAX)

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <xen/xen.h>
#include <xen/arch-x86/hvm/start_info.h>

struct boot_raw {
	uint32_t copied;
	uint32_t ebx;
	struct hvm_start_info si;
	char cmdline[BOOTRAW_CMDLINE_MAX];
	struct hvm_memmap_table_entry memmap[BOOTRAW_MEMMAP_MAX];
	struct hvm_modlist_entry modlist[BOOTRAW_MODS_MAX];
	char modcmd[BOOTRAW_MODS_MAX][BOOTRAW_MODCMD_MAX];
};
#endif

#endif
