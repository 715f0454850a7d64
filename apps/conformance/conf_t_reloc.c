/* Test of XEN_ELFNOTE_PHYS32_RELOC (xen/include/public/elfnote.h, Xen 4.19): a loader that moves the image keeps the note's terms. */
#include <stdint.h>
#include "conf.h"
#include <pvhkit/test/boot.h>

#define ELFNOTE_H "xen/include/public/elfnote.h (XEN_ELFNOTE_PHYS32_RELOC)"

static void t_reloc(struct conf_result *r, const struct conf_expect *e)
{
	struct pvh_test_placement p;

	(void)e;
	pvh_test_placement(&p);
	if (!p.have_note) {
		conf_error(r,
			   "this image carries no XEN_ELFNOTE_PHYS32_RELOC note (a build fault)");
		return;
	}
	if (!p.offset) {
		conf_skip(
		    r,
		    "the loader placed the image at its link address %#lx (nothing to relocate "
		    "for, or a loader without the note, as Xen before 4.19)",
		    (unsigned long)p.start);
		return;
	}
	/* elfnote.h: alignment, then a minimum start, then a maximum address of the last byte */
	if ((p.align && p.start % p.align) || p.start < p.min || p.last > p.max) {
		conf_fail(r,
			  "expected the image placed within the note's terms (alignment %#x, start "
			  ">= %#x, last byte <= %#x), saw %#lx..%#lx",
			  p.align, p.min, p.max, (unsigned long)p.start, (unsigned long)p.last);
		return;
	}
	conf_pass(r,
		  "linked at %#lx, placed at %#lx..%#lx (alignment %#x, bounds %#x..%#x) and "
		  "entered at the moved entry point",
		  (unsigned long)p.link_start, (unsigned long)p.start, (unsigned long)p.last,
		  p.align, p.min, p.max);
}

const struct conf_test conf_tests_reloc[] = {
	{ "entry.phys32-reloc",
	  "a loader that moves the image keeps XEN_ELFNOTE_PHYS32_RELOC's alignment and bounds and "
	  "enters at the entry point moved by as much",
	  ELFNOTE_H, t_reloc },
	{ 0 },
};
