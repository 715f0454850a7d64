/* Test images only (not a stable API): what the PVH loader handed over, recorded before the kernel touched it. */
#ifndef PVHKIT_TEST_BOOT_H
#define PVHKIT_TEST_BOOT_H

#include <stdint.h>
#include <xen/xen.h>
#include <xen/arch-x86/hvm/start_info.h>
#include <pvhkit/test/test.h>

/*
 * The boot CPU's registers at the PVH entry point, as arch/x86/boot.S recorded them before it
 * changed anything (lib/test/boot.c checks this layout against the kernel's at compile time).
 * Segment slots are in the order CS, DS, ES, SS, TR.
 */
enum pvh_test_seg {
	PVH_TEST_SEG_CS,
	PVH_TEST_SEG_DS,
	PVH_TEST_SEG_ES,
	PVH_TEST_SEG_SS,
	PVH_TEST_SEG_TR
};
#define PVH_TEST_NSEG	     5
#define PVH_TEST_ENTRY_MAGIC 0x59544e45 /* magic once boot.S recorded the state */
/* which of lar, lsl and the descriptor read worked for segment i */
#define PVH_TEST_VALID_LAR(i)  (1u << (i))
#define PVH_TEST_VALID_LSL(i)  (1u << (8 + (i)))
#define PVH_TEST_VALID_DESC(i) (1u << (16 + (i)))
/*
 * What the hidden segment state does, probed where no descriptor can be read (Xen loads it with
 * selector 0): a push through a 32-bit stack moves ESP, through a 16-bit one only SP; a store
 * through SS or ES reads back through DS at the same offset iff their bases are equal.
 */
#define PVH_TEST_PROBE_RAN     0x1 /* a spot for the probes was found */
#define PVH_TEST_PROBE_SS_32   0x2 /* SS.B = 1 */
#define PVH_TEST_PROBE_SS_BASE 0x4 /* SS base = DS base */
#define PVH_TEST_PROBE_ES_BASE 0x8 /* ES base = DS base */

struct pvh_test_entry_state {
	uint32_t magic;
	uint32_t eflags;
	uint32_t cr0, cr4;
	uint64_t efer;
	uint32_t ebx;
	uint16_t pad;
	uint16_t gdtr_limit;
	uint32_t gdtr_base;
	uint32_t sel[PVH_TEST_NSEG];
	uint32_t lar[PVH_TEST_NSEG];  /* lar's result (attributes, bits 8-23) */
	uint32_t lsl[PVH_TEST_NSEG];  /* lsl's result (limit in bytes) */
	uint64_t desc[PVH_TEST_NSEG]; /* the GDT descriptor the selector names */
	uint32_t valid;		      /* PVH_TEST_VALID_* */
	uint32_t probes;	      /* PVH_TEST_PROBE_* */
};
/* The entry state, or NULL when boot.S did not record it. */
const struct pvh_test_entry_state *pvh_test_entry_state(void);

/*
 * The start info exactly as boot.S copied it out of the loader's memory (nothing validated): the
 * structure, then the command line, memory map, module list and module command lines it points
 * to, each copied only when it lay below 4 GiB (the copied bits say which), within these bounds.
 */
#define PVH_TEST_BOOT_CMDLINE_MAX  4096
#define PVH_TEST_BOOT_MEMMAP_MAX   128
#define PVH_TEST_BOOT_MODS_MAX	   16
#define PVH_TEST_BOOT_MODCMD_MAX   256
#define PVH_TEST_BOOT_HAVE_CMDLINE 0x1
#define PVH_TEST_BOOT_HAVE_MEMMAP  0x2
#define PVH_TEST_BOOT_HAVE_MODLIST 0x4
#define PVH_TEST_BOOT_HAVE_MODCMD0 0x8 /* bit (3 + i) for module i */

struct pvh_test_boot_raw {
	uint32_t copied; /* PVH_TEST_BOOT_HAVE_* */
	uint32_t ebx;	 /* %ebx at entry: where the start info was */
	struct hvm_start_info si;
	char cmdline[PVH_TEST_BOOT_CMDLINE_MAX];
	struct hvm_memmap_table_entry memmap[PVH_TEST_BOOT_MEMMAP_MAX];
	struct hvm_modlist_entry modlist[PVH_TEST_BOOT_MODS_MAX];
	char modcmd[PVH_TEST_BOOT_MODS_MAX][PVH_TEST_BOOT_MODCMD_MAX];
};
const struct pvh_test_boot_raw *pvh_test_boot_raw(void);

/* Where the image is, where it was linked, and its XEN_ELFNOTE_PHYS32_RELOC terms (Xen 4.19). */
struct pvh_test_placement {
	uint64_t start, last;	  /* the image's first and last byte where it runs */
	uint64_t link_start;	  /* where it was linked */
	int64_t offset;		  /* start - link_start: nonzero when a loader moved it */
	int have_note;		  /* the image carries XEN_ELFNOTE_PHYS32_RELOC */
	uint32_t align, min, max; /* the note's alignment, lowest start, highest last byte */
};
void pvh_test_placement(struct pvh_test_placement *out);

#endif
