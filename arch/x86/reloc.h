/* Where the loader put the image against where it was linked (XEN_ELFNOTE_PHYS32_RELOC; arch/x86/boot.S). */
#ifndef ARCH_X86_RELOC_H
#define ARCH_X86_RELOC_H

#include <stdint.h>

/*
 * Placed address minus link address: 0 unless a loader honouring the note moved the image, in
 * which case boot.S added it to every absolute address in the image (the table tools/gen-relocs
 * makes, in the .relocs segment) before anything else ran. Addresses recorded at build time
 * (the backtrace symbol table) are link addresses: subtract it before looking one up.
 */
extern int64_t boot_load_offset;
extern char _image_start[];

/* The address the image was linked for (its first byte). */
static inline uint64_t image_link_start(void)
{
	return (uint64_t)(uintptr_t)_image_start - (uint64_t)boot_load_offset;
}

#endif
