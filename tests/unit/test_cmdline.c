/* Tests command-line splitting (quotes, escapes, "--") and option lookup in kernel/cmdline.c. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "base/errno.h"
#include "kernel/cmdline.h"

static char buf[8192];

static void parse(const char *line, struct cmdline *cl)
{
	cr_assert_lt(strlen(line), sizeof(buf));
	strcpy(buf, line);
	memset(cl, 0xa5, sizeof(*cl)); /* the parser must initialise everything itself */
	cmdline_parse(buf, "app", cl);
}

static void expect_opts(const struct cmdline *cl, int n, const char *const *want)
{
	cr_assert_eq(cl->nopts, n, "nopts %d, want %d", cl->nopts, n);
	for (int i = 0; i < n; i++)
		cr_assert_str_eq(cl->opts[i], want[i], "opts[%d]", i);
}

static void expect_args(const struct cmdline *cl, int n, const char *const *want)
{
	cr_assert_eq(cl->argc, n + 1, "argc %d, want %d", cl->argc, n + 1);
	cr_assert_str_eq(cl->argv[0], "app");
	for (int i = 0; i < n; i++)
		cr_assert_str_eq(cl->argv[i + 1], want[i], "argv[%d]", i + 1);
	cr_assert_null(cl->argv[n + 1], "argv is NULL-terminated");
}

Test(cmdline, plain_split)
{
	struct cmdline cl;

	parse("console=hvc0  loglevel=7\tquiet -- one two\nthree", &cl);
	expect_opts(&cl, 3, (const char *const[]){ "console=hvc0", "loglevel=7", "quiet" });
	expect_args(&cl, 3, (const char *const[]){ "one", "two", "three" });
	cr_assert_eq(cl.unterminated_quote, 0);
	cr_assert_eq(cl.dropped, 0);
}

Test(cmdline, quotes)
{
	struct cmdline cl;

	parse("-- \"a b\" 'it''s' x\"y z\"w '' \"\" 'a \"b\" c'", &cl);
	expect_opts(&cl, 0, NULL);
	/* '' and "" are empty words, as in a shell */
	expect_args(&cl, 6, (const char *const[]){ "a b", "its", "xy zw", "", "", "a \"b\" c" });
	cr_assert_eq(cl.unterminated_quote, 0);
}

Test(cmdline, backslash_escapes)
{
	struct cmdline cl;

	parse("-- it\\'s a\\ b \"q\\\"q\" 'no\\escape' \\\\ end\\", &cl);
	/*
	 * it\'s -> it's; a\ b -> "a b"; "q\"q" -> q"q; inside single quotes the backslash is
	 * literal; \\ -> \; a trailing lone backslash is kept
	 */
	expect_args(&cl, 6,
		    (const char *const[]){ "it's", "a b", "q\"q", "no\\escape", "\\", "end\\" });
}

Test(cmdline, quoted_separator_is_a_word)
{
	struct cmdline cl;

	parse("a \"--\" b -- c '--' \\-- -- d", &cl);
	expect_opts(&cl, 3, (const char *const[]){ "a", "--", "b" });
	/* after the separator, a further bare "--" is an ordinary argument */
	expect_args(&cl, 5, (const char *const[]){ "c", "--", "--", "--", "d" });
}

Test(cmdline, no_separator_means_all_kernel_options)
{
	struct cmdline cl;

	parse("a b=c d", &cl);
	expect_opts(&cl, 3, (const char *const[]){ "a", "b=c", "d" });
	expect_args(&cl, 0, NULL);
}

Test(cmdline, separator_only_and_at_edges)
{
	struct cmdline cl;

	parse("--", &cl);
	expect_opts(&cl, 0, NULL);
	expect_args(&cl, 0, NULL);
	parse("x --", &cl);
	expect_opts(&cl, 1, (const char *const[]){ "x" });
	expect_args(&cl, 0, NULL);
	parse("-- y", &cl);
	expect_opts(&cl, 0, NULL);
	expect_args(&cl, 1, (const char *const[]){ "y" });
	parse("x--y ---", &cl);
	expect_opts(&cl, 2, (const char *const[]){ "x--y", "---" });
}

Test(cmdline, empty_and_blank_lines)
{
	struct cmdline cl;

	parse("", &cl);
	expect_opts(&cl, 0, NULL);
	expect_args(&cl, 0, NULL);
	cr_assert_eq(cl.unterminated_quote, 0);
	cr_assert_eq(cl.dropped, 0);
	parse(" \t \r\n  ", &cl);
	expect_opts(&cl, 0, NULL);
	expect_args(&cl, 0, NULL);
}

Test(cmdline, unterminated_quote)
{
	struct cmdline cl;

	parse("a -- \"b c", &cl);
	cr_assert_eq(cl.unterminated_quote, 1);
	expect_opts(&cl, 1, (const char *const[]){ "a" });
	expect_args(&cl, 1, (const char *const[]){ "b c" });
	parse("'x", &cl);
	cr_assert_eq(cl.unterminated_quote, 1);
	expect_opts(&cl, 1, (const char *const[]){ "x" });
	parse("'x' y", &cl);
	cr_assert_eq(cl.unterminated_quote, 0);
}

Test(cmdline, too_many_words_dropped)
{
	struct cmdline cl;
	char line[4096] = "";
	size_t len = 0;
	int extra_opts = 5, extra_args = 7;

	for (int i = 0; i < CMDLINE_ARGS_MAX + extra_opts; i++)
		len += sprintf(line + len, "o%d ", i);
	len += sprintf(line + len, "-- ");
	/* argv holds the app name too, so CMDLINE_ARGS_MAX - 1 arguments fit */
	for (int i = 0; i < CMDLINE_ARGS_MAX - 1 + extra_args; i++)
		len += sprintf(line + len, "a%d ", i);
	parse(line, &cl);

	cr_assert_eq(cl.nopts, CMDLINE_ARGS_MAX);
	cr_assert_str_eq(cl.opts[0], "o0");
	cr_assert_str_eq(cl.opts[CMDLINE_ARGS_MAX - 1], "o63");
	cr_assert_eq(cl.argc, CMDLINE_ARGS_MAX);
	cr_assert_str_eq(cl.argv[0], "app");
	cr_assert_str_eq(cl.argv[1], "a0");
	cr_assert_str_eq(cl.argv[CMDLINE_ARGS_MAX - 1], "a62");
	cr_assert_null(cl.argv[CMDLINE_ARGS_MAX]);
	cr_assert_eq(cl.dropped, extra_opts + extra_args);
}

Test(cmdline, opt_lookup)
{
	struct cmdline cl;

	parse("loglevel=3 quiet console=uart loglevel=7 empty= keyx=1 -- loglevel=9", &cl);
	cr_assert_str_eq(cmdline_opt(&cl, "loglevel"), "7",
			 "last one wins; app arguments are not options");
	cr_assert_str_eq(cmdline_opt(&cl, "console"), "uart");
	cr_assert_str_eq(cmdline_opt(&cl, "quiet"), "", "a flag yields an empty string");
	cr_assert_str_eq(cmdline_opt(&cl, "empty"), "");
	cr_assert_null(cmdline_opt(&cl, "missing"));
	cr_assert_null(cmdline_opt(&cl, "key"), "a prefix of a longer key does not match");
	cr_assert_null(cmdline_opt(&cl, "quie"));
	cr_assert_str_eq(cmdline_opt(&cl, "keyx"), "1");
}

Test(cmdline, opt_flag_then_value)
{
	struct cmdline cl;

	parse("dbg dbg=2", &cl);
	cr_assert_str_eq(cmdline_opt(&cl, "dbg"), "2");
	parse("dbg=2 dbg", &cl);
	cr_assert_str_eq(cmdline_opt(&cl, "dbg"), "");
}

Test(cmdline, opt_quoted_value)
{
	struct cmdline cl;

	parse("name=\"two words\" x='=y'", &cl);
	cr_assert_str_eq(cmdline_opt(&cl, "name"), "two words");
	cr_assert_str_eq(cmdline_opt(&cl, "x"), "=y");
}

Test(cmdline, opt_uint)
{
	struct cmdline cl;
	unsigned long v;

	parse("d=42 h=0x1F H=0XfF z=0 big=18446744073709551615 hbig=0xffffffffffffffff "
	      "over=18446744073709551616 hover=0x10000000000000000 neg=-1 junk=12a hx=0x "
	      "empty= flag sp=1_0 plus=+5 hexd=0x1g lead=007 d=43",
	      &cl);
	v = 1234;
	cr_assert_eq(cmdline_opt_uint(&cl, "d", &v), 0);
	cr_assert_eq(v, 43ul, "last one wins");
	cr_assert_eq(cmdline_opt_uint(&cl, "h", &v), 0);
	cr_assert_eq(v, 0x1ful);
	cr_assert_eq(cmdline_opt_uint(&cl, "H", &v), 0);
	cr_assert_eq(v, 0xfful);
	cr_assert_eq(cmdline_opt_uint(&cl, "z", &v), 0);
	cr_assert_eq(v, 0ul);
	cr_assert_eq(cmdline_opt_uint(&cl, "lead", &v), 0);
	cr_assert_eq(v, 7ul, "leading zeros are decimal, not octal");
	cr_assert_eq(cmdline_opt_uint(&cl, "big", &v), 0);
	cr_assert_eq(v, ~0ul);
	cr_assert_eq(cmdline_opt_uint(&cl, "hbig", &v), 0);
	cr_assert_eq(v, ~0ul);

	v = 1234;
	static const char *const bad[] = { "over",  "hover", "neg", "junk", "hx",
					   "empty", "flag",  "sp",  "plus", "hexd" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(cmdline_opt_uint(&cl, bad[i], &v), -EINVAL, "%s", bad[i]);
		cr_assert_eq(v, 1234ul, "%s: output untouched on error", bad[i]);
	}
	cr_assert_eq(cmdline_opt_uint(&cl, "absent", &v), -ENOENT);
	cr_assert_eq(v, 1234ul);
}

Test(cmdline, words_stay_inside_buffer)
{
	/* the split is in place: every word points into the caller's buffer */
	struct cmdline cl;

	parse("'a b' c -- \"d\\\"\" e", &cl);
	for (int i = 0; i < cl.nopts; i++)
		cr_assert(cl.opts[i] >= buf && cl.opts[i] < buf + sizeof(buf));
	for (int i = 1; i < cl.argc; i++)
		cr_assert(cl.argv[i] >= buf && cl.argv[i] < buf + sizeof(buf));
	expect_opts(&cl, 2, (const char *const[]){ "a b", "c" });
	expect_args(&cl, 2, (const char *const[]){ "d\"", "e" });
}
