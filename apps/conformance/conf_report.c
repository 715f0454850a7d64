/* Conformance output: TAP 13 lines, the JUnit XML document between markers, the RESULT line. */
#include "conf_report.h"
#include <stdarg.h>
#include <stdio.h>

static void outf(const struct conf_out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void outf(const struct conf_out *o, const char *fmt, ...)
{
	char line[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	o->line(o->ctx, line);
}

void conf_report_plan(const struct conf_out *o, unsigned planned)
{
	outf(o, "TAP version 13");
	outf(o, "1..%u", planned);
}

void conf_report_tap(const struct conf_out *o, unsigned n, const struct conf_record *rec)
{
	const struct conf_test *t = rec->test;
	const struct conf_result *r = &rec->res;

	switch (r->status) {
	case PVH_NONE: /* not run: the runner starts every record at PASS */
	case PVH_PASS:
		outf(o, "ok %u - %s", n, t->name);
		if (r->note) {
			/* passed: the note is a diagnostic, with the clause it goes beyond */
			outf(o, "#   note: %s", r->msg);
			outf(o, "#   (beyond the clause: %s (%s))", t->desc, t->ref);
		} else if (r->msg[0]) {
			outf(o, "#   %s", r->msg);
		}
		return;
	case PVH_SKIP:
		outf(o, "ok %u - %s # SKIP %s", n, t->name, r->msg);
		return;
	case PVH_FAIL:
	case PVH_ERROR:
		outf(o, "not ok %u - %s # %s: %s", n, t->name, conf_status_name(r->status), r->msg);
		/* where to look: the clause and the document that states it */
		outf(o, "#   clause: %s (%s)", t->desc, t->ref);
		return;
	}
}

void conf_xml_escape(const char *s, char *buf, size_t n)
{
	size_t k = 0;

	if (!n)
		return;
	for (; *s; s++) {
		char tmp[8];
		const char *rep = tmp;
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&apos;";
			break;
		default:
			/* XML 1.0 has no control characters but tab/newline: shown as '?' */
			tmp[0] = (c < 0x20 && c != '\t') || c == 0x7f ? '?' : (char)c;
			tmp[1] = 0;
		}
		size_t l = 0;
		while (rep[l])
			l++;
		if (k + l >= n)
			break;
		for (size_t i = 0; i < l; i++)
			buf[k++] = rep[i];
	}
	buf[k] = 0;
}

void conf_totals(const struct conf_record *recs, unsigned n, struct pvh_tally *t)
{
	*t = (struct pvh_tally){ PVH_NONE, 0, 0, 0, 0, 0 };
	for (unsigned i = 0; i < n; i++)
		pvh_tally_add(t, recs[i].res.status);
}

/* The tally's status, except that a run of no tests at all is SKIP (nothing applied). */
enum pvh_status conf_overall(const struct pvh_tally *t)
{
	return t->status == PVH_NONE ? PVH_SKIP : t->status;
}

unsigned conf_notes(const struct conf_record *recs, unsigned n)
{
	unsigned k = 0;

	for (unsigned i = 0; i < n; i++)
		k += recs[i].res.status == PVH_PASS && recs[i].res.note;
	return k;
}

void conf_result_text(const struct pvh_tally *t, unsigned notes, char *buf, size_t n)
{
	snprintf(buf, n,
		 "conformance: %u tests, %u passed, %u failed, %u errors, %u skipped, %u notes",
		 t->total, t->passed, t->failed, t->errors, t->skipped, notes);
}

/* The group of "group.clause": the text before the first dot, at most cap - 1 bytes. */
static void group_of(const char *name, char *g, size_t cap)
{
	size_t i = 0;

	while (name[i] && name[i] != '.' && i + 1 < cap) {
		g[i] = name[i];
		i++;
	}
	g[i] = 0;
}

static int same_group(const char *a, const char *b)
{
	char ga[32], gb[32];

	group_of(a, ga, sizeof(ga));
	group_of(b, gb, sizeof(gb));
	for (unsigned i = 0;; i++) {
		if (ga[i] != gb[i])
			return 0;
		if (!ga[i])
			return 1;
	}
}

void conf_report_junit(const struct conf_out *o, const struct conf_record *recs, unsigned n)
{
	struct pvh_tally all;
	char msg[3 * CONF_MSG_MAX], desc[400], ref[200], group[32];

	conf_totals(recs, n, &all);
	outf(o, "%s", CONF_JUNIT_BEGIN);
	outf(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
	outf(o,
	     "<testsuites name=\"pvhkit-conformance\" tests=\"%u\" failures=\"%u\" errors=\"%u\" "
	     "skipped=\"%u\">",
	     all.total, all.failed, all.errors, all.skipped);
	/* one <testsuite> per group, in the order the groups ran */
	for (unsigned i = 0; i < n;) {
		unsigned j = i;
		while (j < n && same_group(recs[i].test->name, recs[j].test->name))
			j++;
		struct pvh_tally g;
		conf_totals(recs + i, j - i, &g);
		group_of(recs[i].test->name, group, sizeof(group));
		outf(o,
		     "  <testsuite name=\"%s\" tests=\"%u\" failures=\"%u\" errors=\"%u\" "
		     "skipped=\"%u\">",
		     group, g.total, g.failed, g.errors, g.skipped);
		for (unsigned k = i; k < j; k++) {
			const struct conf_record *rec = &recs[k];
			unsigned long long us = rec->ns / 1000;
			conf_xml_escape(rec->res.msg, msg, sizeof(msg));
			conf_xml_escape(rec->test->desc, desc, sizeof(desc));
			conf_xml_escape(rec->test->ref, ref, sizeof(ref));
			outf(o,
			     "    <testcase classname=\"conformance.%s\" name=\"%s\" "
			     "time=\"%llu.%06llu\">",
			     group, rec->test->name, us / 1000000, us % 1000000);
			switch (rec->res.status) {
			case PVH_NONE:
			case PVH_PASS:
				outf(o, "      <system-out>%s%s</system-out>",
				     rec->res.note ? "note: " : "", msg);
				break;
			case PVH_SKIP:
				outf(o, "      <skipped message=\"%s\"/>", msg);
				break;
			case PVH_FAIL:
			case PVH_ERROR:
				outf(o, "      <%s message=\"%s\" type=\"%s\">%s (%s)</%s>",
				     rec->res.status == PVH_FAIL ? "failure" : "error", msg,
				     conf_status_name(rec->res.status), desc, ref,
				     rec->res.status == PVH_FAIL ? "failure" : "error");
				break;
			}
			outf(o, "    </testcase>");
		}
		outf(o, "  </testsuite>");
		i = j;
	}
	outf(o, "</testsuites>");
	outf(o, "%s", CONF_JUNIT_END);
}
