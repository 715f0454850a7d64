/* The register state the PVH loader handed over, recorded by boot.S before it changes anything. */
#ifndef ARCH_X86_ENTRY_STATE_H
#define ARCH_X86_ENTRY_STATE_H

/*
 * boot.S fills this in 32-bit mode without C, so the layout is given as numbers; the C view below
 * is checked against them at compile time. Segment slots are in the order CS, DS, ES, SS, TR.
 */
#define ENTRY_STATE_MAGIC 0x59544e45 /* "ENTY": the capture ran */
#define ENTRY_OFF_MAGIC	  0
#define ENTRY_OFF_EFLAGS  4
#define ENTRY_OFF_CR0	  8
#define ENTRY_OFF_CR4	  12
#define ENTRY_OFF_EFER	  16 /* u64 */
#define ENTRY_OFF_EBX	  24
#define ENTRY_OFF_GDTR	  30  /* sgdt: u16 limit at 30, u32 base at 32 */
#define ENTRY_OFF_SEL	  36  /* u32 [5] */
#define ENTRY_OFF_LAR	  56  /* u32 [5]: lar's result (attributes, bits 8-23) */
#define ENTRY_OFF_LSL	  76  /* u32 [5]: lsl's result (limit in bytes) */
#define ENTRY_OFF_DESC	  96  /* u64 [5]: the GDT descriptor the selector names */
#define ENTRY_OFF_VALID	  136 /* bits: lar ok (0-4), lsl ok (8-12), descriptor read (16-20) */
#define ENTRY_OFF_PROBES  140 /* ENTRY_PROBE_* */
#define ENTRY_STATE_SIZE  144
#define ENTRY_NSEG	  5

#define ENTRY_VALID_LAR(i) (1u << (i))
#define ENTRY_VALID_LSL(i) (1u << (8 + (i)))
/*
 * What the hidden segment state does, probed where no descriptor can be read (Xen loads it with
 * selector 0): a push through a 32-bit stack moves ESP, through a 16-bit one only SP (it wraps);
 * a store through SS or ES reads back through DS at the same offset iff their bases are equal.
 */
#define ENTRY_PROBE_RAN	    0x1 /* a 64 KiB-aligned spot inside the BSS was found for the probes */
#define ENTRY_PROBE_SS_32   0x2 /* SS.B = 1 */
#define ENTRY_PROBE_SS_BASE 0x4 /* SS base = DS base */
#define ENTRY_PROBE_ES_BASE 0x8 /* ES base = DS base */
#define ENTRY_VALID_DESC(i) (1u << (16 + (i)))

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

enum entry_seg { ENTRY_CS, ENTRY_DS, ENTRY_ES, ENTRY_SS, ENTRY_TR };

struct entry_state {
	uint32_t magic;
	uint32_t eflags;
	uint32_t cr0, cr4;
	uint64_t efer;
	uint32_t ebx;
	uint16_t pad;
	uint16_t gdtr_limit;
	uint32_t gdtr_base;
	uint32_t sel[ENTRY_NSEG];
	uint32_t lar[ENTRY_NSEG];
	uint32_t lsl[ENTRY_NSEG];
	uint64_t desc[ENTRY_NSEG];
	uint32_t valid;
	uint32_t probes;
};

_Static_assert(offsetof(struct entry_state, eflags) == ENTRY_OFF_EFLAGS, "entry layout");
_Static_assert(offsetof(struct entry_state, efer) == ENTRY_OFF_EFER, "entry layout");
_Static_assert(offsetof(struct entry_state, ebx) == ENTRY_OFF_EBX, "entry layout");
_Static_assert(offsetof(struct entry_state, gdtr_limit) == ENTRY_OFF_GDTR, "entry layout");
_Static_assert(offsetof(struct entry_state, sel) == ENTRY_OFF_SEL, "entry layout");
_Static_assert(offsetof(struct entry_state, lar) == ENTRY_OFF_LAR, "entry layout");
_Static_assert(offsetof(struct entry_state, lsl) == ENTRY_OFF_LSL, "entry layout");
_Static_assert(offsetof(struct entry_state, desc) == ENTRY_OFF_DESC, "entry layout");
_Static_assert(offsetof(struct entry_state, valid) == ENTRY_OFF_VALID, "entry layout");
_Static_assert(offsetof(struct entry_state, probes) == ENTRY_OFF_PROBES, "entry layout");
_Static_assert(sizeof(struct entry_state) == ENTRY_STATE_SIZE, "entry layout");

/* The boot CPU's state at the PVH entry point (magic is ENTRY_STATE_MAGIC once recorded). */
extern const struct entry_state boot_entry_state;
static inline const struct entry_state *entry_state_get(void)
{
	return boot_entry_state.magic == ENTRY_STATE_MAGIC ? &boot_entry_state : NULL;
}
#endif
#endif
