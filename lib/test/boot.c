/* include/pvhkit/test/boot.h (test images only): the entry state and the start info's raw copy, checked against the kernel's layouts. */
#include <stddef.h>
#include "arch/x86/bootraw.h"
#include "arch/x86/entry_state.h"
#include "arch/x86/reloc.h"
#include <xen/elfnote.h>
#include "pvhkit/test/boot.h"

/* boot.S's staging area (arch/x86/boot.S), filled before C runs */
extern struct boot_raw boot_raw;

#define SAME(a, b) _Static_assert((a) == (b), #a " is " #b)
#define SAME_FIELD(f)                                                                              \
	_Static_assert(offsetof(struct pvh_test_entry_state, f) ==                                 \
			   offsetof(struct entry_state, f),                                        \
		       "entry state: " #f)
#define SAME_RAW(f)                                                                                \
	_Static_assert(offsetof(struct pvh_test_boot_raw, f) == offsetof(struct boot_raw, f),      \
		       "boot raw: " #f)

SAME(PVH_TEST_NSEG, ENTRY_NSEG);
SAME(PVH_TEST_ENTRY_MAGIC, ENTRY_STATE_MAGIC);
SAME((int)PVH_TEST_SEG_CS, (int)ENTRY_CS);
SAME((int)PVH_TEST_SEG_TR, (int)ENTRY_TR);
SAME(PVH_TEST_VALID_LAR(3), ENTRY_VALID_LAR(3));
SAME(PVH_TEST_VALID_LSL(3), ENTRY_VALID_LSL(3));
SAME(PVH_TEST_VALID_DESC(3), ENTRY_VALID_DESC(3));
SAME(PVH_TEST_PROBE_RAN, ENTRY_PROBE_RAN);
SAME(PVH_TEST_PROBE_SS_32, ENTRY_PROBE_SS_32);
SAME(PVH_TEST_PROBE_SS_BASE, ENTRY_PROBE_SS_BASE);
SAME(PVH_TEST_PROBE_ES_BASE, ENTRY_PROBE_ES_BASE);
SAME(sizeof(struct pvh_test_entry_state), sizeof(struct entry_state));
SAME_FIELD(eflags);
SAME_FIELD(cr0);
SAME_FIELD(cr4);
SAME_FIELD(efer);
SAME_FIELD(ebx);
SAME_FIELD(gdtr_limit);
SAME_FIELD(gdtr_base);
SAME_FIELD(sel);
SAME_FIELD(lar);
SAME_FIELD(lsl);
SAME_FIELD(desc);
SAME_FIELD(valid);
SAME_FIELD(probes);

SAME(PVH_TEST_BOOT_CMDLINE_MAX, BOOTRAW_CMDLINE_MAX);
SAME(PVH_TEST_BOOT_MEMMAP_MAX, BOOTRAW_MEMMAP_MAX);
SAME(PVH_TEST_BOOT_MODS_MAX, BOOTRAW_MODS_MAX);
SAME(PVH_TEST_BOOT_MODCMD_MAX, BOOTRAW_MODCMD_MAX);
SAME(PVH_TEST_BOOT_HAVE_CMDLINE, BOOTRAW_HAVE_CMDLINE);
SAME(PVH_TEST_BOOT_HAVE_MEMMAP, BOOTRAW_HAVE_MEMMAP);
SAME(PVH_TEST_BOOT_HAVE_MODLIST, BOOTRAW_HAVE_MODLIST);
SAME(PVH_TEST_BOOT_HAVE_MODCMD0, BOOTRAW_HAVE_MODCMD0);
SAME(sizeof(struct pvh_test_boot_raw), sizeof(struct boot_raw));
SAME_RAW(ebx);
SAME_RAW(si);
SAME_RAW(cmdline);
SAME_RAW(memmap);
SAME_RAW(modlist);
SAME_RAW(modcmd);

const struct pvh_test_entry_state *pvh_test_entry_state(void)
{
	return (const struct pvh_test_entry_state *)entry_state_get();
}

const struct pvh_test_boot_raw *pvh_test_boot_raw(void)
{
	return (const struct pvh_test_boot_raw *)&boot_raw;
}

/* where link.ld puts .note.Xen: first in rodata; the image ends at _end (the relocation table,
 * read once at entry, lies past it) */
extern const char __rodata_start[], _end[];

void pvh_test_placement(struct pvh_test_placement *out)
{
	const uint32_t *n = (const uint32_t *)__rodata_start;

	*out = (struct pvh_test_placement){ .start = (uintptr_t)_image_start,
					    .last = (uintptr_t)_end - 1,
					    .link_start = image_link_start(),
					    .offset = boot_load_offset };
	/* namesz 4, descsz, type, "Xen\0", the descriptor padded to 4: the notes boot.S emits */
	for (int i = 0; i < 8 && n[0] == 4 && n[3] == 0x006e6558u; i++) {
		if (n[2] == XEN_ELFNOTE_PHYS32_RELOC && n[1] == 12) {
			out->have_note = 1;
			out->align = n[4];
			out->min = n[5];
			out->max = n[6];
			return;
		}
		n += 4 + (n[1] + 3) / 4;
	}
}
