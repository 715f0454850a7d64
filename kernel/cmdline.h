/* The command line: kernel options first, then " -- " and the app's arguments. */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#define CMDLINE_ARGS_MAX 64

struct cmdline {
	char *opts[CMDLINE_ARGS_MAX]; /* kernel options, "key=value" or "flag" */
	int nopts;
	char *argv[CMDLINE_ARGS_MAX + 1]; /* argv[0] is the app's name; NULL-terminated */
	int argc;
	int unterminated_quote; /* a quote was still open at the end: closed there */
	int dropped;		/* words beyond CMDLINE_ARGS_MAX */
};

/*
 * Splits buf in place. Words are separated by blanks; '...' and "..." group blanks into
 * a word (quotes removed); a backslash outside single quotes takes the next character as is.
 * A word "--" ends the kernel options. argv[0] = app_name.
 */
void cmdline_parse(char *buf, const char *app_name, struct cmdline *cl);

/* Value of option "key=value" in cl, or NULL; "flag" alone yields "". */
const char *cmdline_opt(const struct cmdline *cl, const char *key);

/* Option "key=N" as a decimal or 0x-hex number: 0, -ENOENT when absent, -EINVAL when malformed. */
int cmdline_opt_uint(const struct cmdline *cl, const char *key, unsigned long *out);

#endif
