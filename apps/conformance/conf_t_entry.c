/* Tests of the register state the loader handed over at the PVH entry point (docs/misc/pvh.pandoc). */
#include "conf_guest.h"
#include "conf_rules.h"

#define PVH_DOC "docs/misc/pvh.pandoc, Initial state"

static const struct pvh_test_entry_state *state(struct conf_result *r)
{
	const struct pvh_test_entry_state *es = pvh_test_entry_state();
	if (!es)
		conf_error(r, "boot.S recorded no entry state");
	return es;
}

static void t_ebx(struct conf_result *r, const struct conf_expect *e)
{
	(void)e;
	const struct pvh_test_entry_state *es = state(r);
	/* the start info's magic as boot.S copied it at entry: the page may be reused since */
	if (es)
		conf_rule_ebx(
		    es->ebx,
		    es->ebx == pvh_test_boot_raw()->ebx ? pvh_test_boot_raw()->si.magic : 0, r);
}

static void t_cr0(struct conf_result *r, const struct conf_expect *e)
{
	(void)e;
	const struct pvh_test_entry_state *es = state(r);
	if (es)
		conf_rule_cr0(es->cr0, r);
}

static void t_cr4(struct conf_result *r, const struct conf_expect *e)
{
	(void)e;
	const struct pvh_test_entry_state *es = state(r);
	if (es)
		conf_rule_cr4(es->cr4, r);
}

static void t_eflags(struct conf_result *r, const struct conf_expect *e)
{
	(void)e;
	const struct pvh_test_entry_state *es = state(r);
	if (es)
		conf_rule_eflags(es->eflags, r);
}

static void t_efer(struct conf_result *r, const struct conf_expect *e)
{
	(void)e;
	const struct pvh_test_entry_state *es = state(r);
	if (es)
		conf_rule_efer(es->efer, r);
}

#define SEG_TEST(fn, seg)                                                                          \
	static void fn(struct conf_result *r, const struct conf_expect *e)                         \
	{                                                                                          \
		(void)e;                                                                           \
		const struct pvh_test_entry_state *es = state(r);                                  \
		if (es)                                                                            \
			conf_rule_segment(es, seg, r);                                             \
	}
static void t_probes(struct conf_result *r, const struct conf_expect *e)
{
	(void)e;
	const struct pvh_test_entry_state *es = state(r);
	if (es)
		conf_rule_segment_probes(es->probes, r);
}

SEG_TEST(t_cs, PVH_TEST_SEG_CS)
SEG_TEST(t_ds, PVH_TEST_SEG_DS)
SEG_TEST(t_es, PVH_TEST_SEG_ES)
SEG_TEST(t_ss, PVH_TEST_SEG_SS)
SEG_TEST(t_tr, PVH_TEST_SEG_TR)

const struct conf_test conf_tests_entry[] = {
	{ "entry.ebx", "%ebx holds the physical address of the start info", PVH_DOC, t_ebx },
	{ "entry.cr0", "CR0: PE set, every other writeable bit clear", PVH_DOC, t_cr0 },
	{ "entry.cr4", "CR4: all bits clear", PVH_DOC, t_cr4 },
	{ "entry.eflags", "EFLAGS: VM, IF, TF clear (DF unspecified: noted when set)", PVH_DOC,
	  t_eflags },
	{ "entry.efer", "EFER: long mode not active (32-bit protected mode, paging off)", PVH_DOC,
	  t_efer },
	{ "entry.cs", "CS: 32-bit read/execute code, base 0, limit 0xFFFFFFFF", PVH_DOC, t_cs },
	{ "entry.ds", "DS: 32-bit read/write data, base 0, limit 0xFFFFFFFF", PVH_DOC, t_ds },
	{ "entry.es", "ES: 32-bit read/write data, base 0, limit 0xFFFFFFFF", PVH_DOC, t_es },
	{ "entry.ss",
	  "SS is not in the ABI: noted unless it is 32-bit read/write data, base 0, limit "
	  "0xFFFFFFFF like DS",
	  PVH_DOC " (names CS, DS, ES, TR only)", t_ss },
	{ "entry.segment-behaviour",
	  "ES/DS share base 0, by behaviour (selectors may name nothing); SS (not in the ABI) "
	  "noted",
	  PVH_DOC, t_probes },
	{ "entry.tr", "TR: 32-bit busy TSS, base 0, limit 0x67", PVH_DOC, t_tr },
	{ 0 },
};
