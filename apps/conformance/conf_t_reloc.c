/* Test of XEN_ELFNOTE_PHYS32_RELOC (xen/include/public/elfnote.h, Xen 4.19): a loader that moves the image keeps the note's terms. */
#include <stdint.h>
#include <xen/elfnote.h>
#include "apps/conformance/conf.h"
#include "arch/x86/reloc.h"

#define ELFNOTE_H "xen/include/public/elfnote.h (XEN_ELFNOTE_PHYS32_RELOC)"

/* where link.ld puts the .note.Xen section: first in rodata */
extern const char __rodata_start[], _end[];

/* The note's alignment, lowest start and highest last byte from our own image: 0, or -1 if absent. */
static int reloc_terms(uint32_t terms[3])
{
	const uint32_t *n = (const uint32_t *)__rodata_start;

	/* namesz, descsz, type, "Xen\0", desc padded to 4: the notes boot.S emits, in a row */
	for (int i = 0; i < 8 && n[0] == 4 && n[3] == 0x006e6558u; i++) {
		if (n[2] == XEN_ELFNOTE_PHYS32_RELOC && n[1] == 12) {
			for (int k = 0; k < 3; k++)
				terms[k] = n[4 + k];
			return 0;
		}
		n += 4 + (n[1] + 3) / 4;
	}
	return -1;
}

static void t_reloc(struct conf_result *r, const struct conf_expect *e)
{
	uint32_t t[3];
	uint64_t at = (uintptr_t)_image_start, last = (uintptr_t)_end - 1;

	(void)e;
	if (reloc_terms(t)) {
		conf_error(r,
			   "this image carries no XEN_ELFNOTE_PHYS32_RELOC note (a build fault)");
		return;
	}
	if (!boot_load_offset) {
		conf_skip(
		    r,
		    "the loader placed the image at its link address %#lx (nothing to relocate "
		    "for, or a loader without the note, as Xen before 4.19)",
		    (unsigned long)at);
		return;
	}
	/* elfnote.h: alignment, then a minimum start, then a maximum address of the last byte */
	if ((t[0] && at % t[0]) || at < t[1] || last > t[2]) {
		conf_fail(r,
			  "expected the image placed within the note's terms (alignment %#x, start "
			  ">= %#x, last byte <= %#x), saw %#lx..%#lx",
			  t[0], t[1], t[2], (unsigned long)at, (unsigned long)last);
		return;
	}
	conf_pass(r,
		  "linked at %#lx, placed at %#lx..%#lx (alignment %#x, bounds %#x..%#x) and "
		  "entered at the moved entry point",
		  (unsigned long)image_link_start(), (unsigned long)at, (unsigned long)last, t[0],
		  t[1], t[2]);
}

const struct conf_test conf_tests_reloc[] = {
	{ "entry.phys32-reloc",
	  "a loader that moves the image keeps XEN_ELFNOTE_PHYS32_RELOC's alignment and bounds and "
	  "enters at the entry point moved by as much",
	  ELFNOTE_H, t_reloc },
	{ 0 },
};
