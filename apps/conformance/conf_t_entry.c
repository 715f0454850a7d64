/* Tests of the register state the loader handed over at the PVH entry point (docs/misc/pvh.pandoc). */
#include "apps/conformance/conf_guest.h"
#include "apps/conformance/conf_rules.h"

#define PVH_DOC "docs/misc/pvh.pandoc, Initial state"

static const struct entry_state *state(struct conf_result *r)
{
	const struct entry_state *es = entry_state_get();
	if (!es)
		conf_error(r, "boot.S recorded no entry state");
	return es;
}

static void t_ebx(struct conf_result *r, const struct conf_expect *e)
{
	(void)e;
	const struct entry_state *es = state(r);
	/* the start info's magic as boot.S copied it at entry: the page may be reused since */
	if (es)
		conf_rule_ebx(es->ebx, es->ebx == boot_raw.ebx ? boot_raw.si.magic : 0, r);
}

static void t_cr0(struct conf_result *r, const struct conf_expect *e)
{
	(void)e;
	const struct entry_state *es = state(r);
	if (es)
		conf_rule_cr0(es->cr0, r);
}

static void t_cr4(struct conf_result *r, const struct conf_expect *e)
{
	(void)e;
	const struct entry_state *es = state(r);
	if (es)
		conf_rule_cr4(es->cr4, r);
}

static void t_eflags(struct conf_result *r, const struct conf_expect *e)
{
	(void)e;
	const struct entry_state *es = state(r);
	if (es)
		conf_rule_eflags(es->eflags, r);
}

static void t_efer(struct conf_result *r, const struct conf_expect *e)
{
	(void)e;
	const struct entry_state *es = state(r);
	if (es)
		conf_rule_efer(es->efer, r);
}

#define SEG_TEST(fn, seg)                                                                          \
	static void fn(struct conf_result *r, const struct conf_expect *e)                         \
	{                                                                                          \
		(void)e;                                                                           \
		const struct entry_state *es = state(r);                                           \
		if (es)                                                                            \
			conf_rule_segment(es, seg, r);                                             \
	}
static void t_probes(struct conf_result *r, const struct conf_expect *e)
{
	(void)e;
	const struct entry_state *es = state(r);
	if (es)
		conf_rule_segment_probes(es->probes, r);
}

SEG_TEST(t_cs, ENTRY_CS)
SEG_TEST(t_ds, ENTRY_DS)
SEG_TEST(t_es, ENTRY_ES)
SEG_TEST(t_ss, ENTRY_SS)
SEG_TEST(t_tr, ENTRY_TR)

const struct conf_test conf_tests_entry[] = {
	{ "entry.ebx", "%ebx holds the physical address of the start info", PVH_DOC, t_ebx },
	{ "entry.cr0", "CR0: PE set, every other writeable bit clear", PVH_DOC, t_cr0 },
	{ "entry.cr4", "CR4: all bits clear", PVH_DOC, t_cr4 },
	{ "entry.eflags", "EFLAGS: VM, IF, TF clear (and DF, which C code assumes)", PVH_DOC,
	  t_eflags },
	{ "entry.efer", "EFER: long mode not active (32-bit protected mode, paging off)", PVH_DOC,
	  t_efer },
	{ "entry.cs", "CS: 32-bit read/execute code, base 0, limit 0xFFFFFFFF", PVH_DOC, t_cs },
	{ "entry.ds", "DS: 32-bit read/write data, base 0, limit 0xFFFFFFFF", PVH_DOC, t_ds },
	{ "entry.es", "ES: 32-bit read/write data, base 0, limit 0xFFFFFFFF", PVH_DOC, t_es },
	{ "entry.ss", "SS: 32-bit read/write data, base 0, limit 0xFFFFFFFF", PVH_DOC, t_ss },
	{ "entry.segment-behaviour",
	  "SS is a 32-bit stack and SS/ES/DS share base 0, by behaviour (selectors may name "
	  "nothing)",
	  PVH_DOC, t_probes },
	{ "entry.tr", "TR: 32-bit busy TSS, base 0, limit 0x67", PVH_DOC, t_tr },
	{ 0 },
};
