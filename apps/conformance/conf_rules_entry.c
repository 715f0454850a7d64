/* Rules for the register state at the PVH entry point (docs/misc/pvh.pandoc), over a recorded state. */
#include "conf_rules.h"

#define CR0_PE (1u << 0)
#define CR0_ET (1u << 4)
#define CR0_PG (1u << 31)
/* the bits software can change: MP EM TS NE WP AM NW CD PG (ET is fixed at 1 on modern CPUs) */
#define CR0_WRITABLE (0x0000000eu | (1u << 5) | (1u << 16) | (1u << 18) | (7u << 29))
#define EFL_TF	     (1u << 8)
#define EFL_IF	     (1u << 9)
#define EFL_DF	     (1u << 10)
#define EFL_VM	     (1u << 17)
#define EFER_LME     (1ull << 8)
#define EFER_LMA     (1ull << 10)

enum pvh_status conf_rule_cr0(uint32_t cr0, struct conf_result *r)
{
	if (!(cr0 & CR0_PE))
		return conf_fail(r, "expected CR0.PE set (protected mode), saw CR0 %#x", cr0);
	if (cr0 & CR0_WRITABLE)
		return conf_fail(
		    r, "expected every writeable CR0 bit but PE clear, saw CR0 %#x (bits %#x set)",
		    cr0, cr0 & CR0_WRITABLE);
	return conf_pass(r, "CR0 %#x (PE%s)", cr0, cr0 & CR0_ET ? ", ET fixed" : "");
}

enum pvh_status conf_rule_cr4(uint32_t cr4, struct conf_result *r)
{
	if (cr4)
		return conf_fail(r, "expected CR4 0, saw CR4 %#x", cr4);
	return conf_pass(r, "CR4 0");
}

enum pvh_status conf_rule_eflags(uint32_t eflags, struct conf_result *r)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} must_clear[] = { { EFL_VM, "VM" }, { EFL_IF, "IF" }, { EFL_TF, "TF" } };

	for (unsigned i = 0; i < sizeof(must_clear) / sizeof(must_clear[0]); i++)
		if (eflags & must_clear[i].bit)
			return conf_fail(r, "expected EFLAGS.%s clear, saw EFLAGS %#x",
					 must_clear[i].name, eflags);
	/* "Other bits are all unspecified": a guest's C code assumes DF clear, so it must cld */
	if (eflags & EFL_DF)
		return conf_note(r,
				 "EFLAGS %#x: DF set (pvh.pandoc leaves it unspecified; the guest "
				 "must clear it before C code runs)",
				 eflags);
	return conf_pass(r, "EFLAGS %#x", eflags);
}

enum pvh_status conf_rule_efer(uint64_t efer, struct conf_result *r)
{
	/* pvh.pandoc names no EFER bit, but a 32-bit entry with paging off cannot have long mode active */
	if (efer & EFER_LMA)
		return conf_fail(r,
				 "expected EFER.LMA clear (32-bit protected mode), saw EFER %#llx",
				 (unsigned long long)efer);
	return conf_pass(r, "EFER %#llx%s", (unsigned long long)efer,
			 efer & EFER_LME ? " (LME set: allowed, not active)" : "");
}

void conf_seg_decode(uint64_t d, struct conf_seg *s)
{
	uint32_t lo = (uint32_t)d, hi = (uint32_t)(d >> 32);
	uint32_t limit = (lo & 0xffff) | (hi & 0x000f0000);

	s->base = (lo >> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000);
	s->type = (hi >> 8) & 0xf;
	s->s = (hi >> 12) & 1;
	s->dpl = (hi >> 13) & 3;
	s->p = (hi >> 15) & 1;
	s->l = (hi >> 21) & 1;
	s->db = (hi >> 22) & 1;
	s->g = (hi >> 23) & 1;
	s->limit = s->g ? (limit << 12) | 0xfff : limit;
}

static const char *const seg_names[PVH_TEST_NSEG] = { "CS", "DS", "ES", "SS", "TR" };

/* The ABI's shape for seg against one decoded view; base_known is 0 for a lar/lsl-only view. */
static enum pvh_status seg_check(enum pvh_test_seg seg, const struct conf_seg *s, int base_known,
				 const char *how, struct conf_result *r)
{
	const char *n = seg_names[seg];

	if (!s->p)
		return conf_fail(r, "expected %s present, saw P=0 (%s)", n, how);
	if (base_known && s->base)
		return conf_fail(r, "expected %s base 0, saw %#x (%s)", n, s->base, how);
	if (seg == PVH_TEST_SEG_TR) {
		if (s->s || s->type != 0xb)
			return conf_fail(
			    r,
			    "expected TR a busy 32-bit TSS (S=0 type 0xb), saw S=%u type %#x (%s)",
			    s->s, s->type, how);
		if (s->limit != 0x67)
			return conf_fail(r, "expected TR limit 0x67, saw %#x (%s)", s->limit, how);
		return conf_pass(r, "busy 32-bit TSS, base 0, limit 0x67 (%s)", how);
	}
	if (s->limit != 0xffffffffu)
		return conf_fail(r, "expected %s limit 0xffffffff, saw %#x (%s)", n, s->limit, how);
	if (!s->s)
		return conf_fail(
		    r, "expected %s a code/data segment (S=1), saw a system one (type %#x, %s)", n,
		    s->type, how);
	if (!s->db || s->l)
		return conf_fail(r, "expected %s 32-bit (D/B=1, L=0), saw D/B=%u L=%u (%s)", n,
				 s->db, s->l, how);
	int code = s->type & 8, rw = s->type & 2;
	if (seg == PVH_TEST_SEG_CS) {
		if (!code || !rw)
			return conf_fail(r, "expected CS read/execute code, saw type %#x (%s)",
					 s->type, how);
	} else if (code || !rw) {
		return conf_fail(r, "expected %s read/write data, saw type %#x (%s)", n, s->type,
				 how);
	}
	return conf_pass(r, "32-bit %s, base 0, limit 4 GiB (%s)",
			 seg == PVH_TEST_SEG_CS ? "r/x code" : "r/w data", how);
}

static enum pvh_status segment(const struct pvh_test_entry_state *es, enum pvh_test_seg seg,
			       struct conf_result *r);

/*
 * pvh.pandoc names CS, DS, ES and TR; it says nothing of SS ("all other processor registers are
 * unspecified"). A guest that pushes before loading its own SS depends on it being like DS, so
 * what SS holds is checked the same way but reported as a note, never a failure.
 */
enum pvh_status conf_rule_segment(const struct pvh_test_entry_state *es, enum pvh_test_seg seg,
				  struct conf_result *r)
{
	enum pvh_status s = segment(es, seg, r);

	if (seg != PVH_TEST_SEG_SS || s == PVH_SKIP)
		return s;
	char was[CONF_MSG_MAX];
	unsigned i = 0;
	for (; r->msg[i] && i + 1 < sizeof(was); i++)
		was[i] = r->msg[i];
	was[i] = 0;
	if (s == PVH_FAIL)
		return conf_note(r, "SS is not in the ABI (pvh.pandoc names CS, DS, ES, TR): %s",
				 was);
	return conf_pass(r, "%s; SS is not in the ABI, so this is only noted", was);
}

static enum pvh_status segment(const struct pvh_test_entry_state *es, enum pvh_test_seg seg,
			       struct conf_result *r)
{
	struct conf_seg s;
	uint32_t sel = es->sel[seg];

	if (es->valid & PVH_TEST_VALID_DESC(seg)) {
		conf_seg_decode(es->desc[seg], &s);
		return seg_check(
		    seg, &s, 1,
		    seg == PVH_TEST_SEG_TR ? "TSS descriptor in the GDT" : "GDT descriptor", r);
	}
	if ((es->valid & PVH_TEST_VALID_LAR(seg)) && (es->valid & PVH_TEST_VALID_LSL(seg))) {
		/* lar returns the descriptor's second dword masked to the attributes: decode it as one */
		conf_seg_decode((uint64_t)(es->lar[seg] & 0x00f0ff00) << 32, &s);
		s.limit = es->lsl[seg];
		return seg_check(seg, &s, 0, "lar/lsl; base not readable", r);
	}
	/*
	 * The ABI leaves selectors unspecified: a loader may load the hidden base, limit and
	 * attributes directly (Xen does, with selector 0), and no instruction reads them back.
	 */
	return conf_skip(r,
			 "%s selector %#x names no readable descriptor (GDT limit %#x): the hidden "
			 "state cannot be read back by the guest",
			 seg_names[seg], sel, es->gdtr_limit);
}

enum pvh_status conf_rule_segment_probes(uint32_t probes, struct conf_result *r)
{
	if (!(probes & PVH_TEST_PROBE_RAN))
		return conf_skip(r, "boot.S found no spot for the probes in this image's BSS");
	/* ES is in pvh.pandoc (base 0, like DS): a failure */
	if (!(probes & PVH_TEST_PROBE_ES_BASE))
		return conf_fail(r, "expected ES's base equal to DS's (0), saw a store through ES "
				    "not read back through DS");
	/* SS is not in the ABI: what it does is noted (a guest that pushes before loading SS cares) */
	if (!(probes & PVH_TEST_PROBE_SS_32))
		return conf_note(r,
				 "ES and DS share base 0; SS is a 16-bit stack (a push moved only "
				 "SP): allowed, pvh.pandoc leaves SS unspecified");
	if (!(probes & PVH_TEST_PROBE_SS_BASE))
		return conf_note(r,
				 "ES and DS share base 0; SS's base is not DS's (a push through SS "
				 "was not read back through DS): allowed, pvh.pandoc leaves SS "
				 "unspecified");
	/* DS base 0 follows from boot.S reading the magic at %ebx through DS; CS from running at all */
	return conf_pass(r, "ES and DS share one base (0: the start info was read at %%ebx); SS "
			    "(not in the ABI) is a 32-bit stack with that base too");
}

enum pvh_status conf_rule_ebx(uint32_t ebx, uint32_t magic_at_ebx, struct conf_result *r)
{
	if (!ebx)
		return conf_fail(r, "expected %%ebx = the start info's address, saw 0");
	if (magic_at_ebx != 0x336ec578u)
		return conf_fail(r,
				 "expected the start-info magic 0x336ec578 at %%ebx (%#x), saw %#x",
				 ebx, magic_at_ebx);
	return conf_pass(r, "%%ebx %#x holds the start info", ebx);
}
