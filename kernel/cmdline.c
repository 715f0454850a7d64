/* Command-line splitting with shell-like quoting, and kernel-option lookup. */
#include <stddef.h>
#include "base/errno.h"
#include "base/string.h"
#include "kernel/cmdline.h"

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Unquotes one word in place (the write pointer never passes the read pointer) and
 * advances *src past it. *quoted tells whether any quoting or escaping was used.
 */
static char *next_word(char **src, int *unterminated, int *quoted)
{
	char *s = *src, *d, *word;
	char quote = 0;

	while (is_blank(*s))
		s++;
	if (!*s) {
		*src = s;
		return NULL;
	}
	word = d = s;
	*quoted = 0;
	for (; *s; s++) {
		if (quote) {
			if (*s == quote)
				quote = 0;
			else if (*s == '\\' && quote == '"' && s[1])
				*d++ = *++s;
			else
				*d++ = *s;
		} else if (*s == '\'' || *s == '"') {
			quote = *s;
			*quoted = 1;
		} else if (*s == '\\' && s[1]) {
			*d++ = *++s;
			*quoted = 1;
		} else if (is_blank(*s)) {
			s++;
			break;
		} else {
			*d++ = *s;
		}
	}
	if (quote)
		*unterminated = 1;
	*src = s;
	*d = 0;
	return word;
}

void cmdline_parse(char *buf, const char *app_name, struct cmdline *cl)
{
	int in_app = 0, quoted;
	char *w, *p = buf;

	*cl = (struct cmdline){ 0 };
	cl->argv[cl->argc++] = (char *)app_name;
	while (p && (w = next_word(&p, &cl->unterminated_quote, &quoted))) {
		/* only a bare "--" separates: a quoted one is an ordinary word */
		if (!in_app && !quoted && !strcmp(w, "--")) {
			in_app = 1;
			continue;
		}
		if (in_app && cl->argc < CMDLINE_ARGS_MAX)
			cl->argv[cl->argc++] = w;
		else if (!in_app && cl->nopts < CMDLINE_ARGS_MAX)
			cl->opts[cl->nopts++] = w;
		else
			cl->dropped++;
	}
	cl->argv[cl->argc] = NULL;
}

const char *cmdline_opt(const struct cmdline *cl, const char *key)
{
	size_t n = strlen(key);

	/* the last occurrence wins, as on Linux */
	for (int i = cl->nopts - 1; i >= 0; i--) {
		const char *o = cl->opts[i];

		if (!strncmp(o, key, n) && (o[n] == '=' || o[n] == 0))
			return o[n] ? o + n + 1 : o + n;
	}
	return NULL;
}

int cmdline_opt_uint(const struct cmdline *cl, const char *key, unsigned long *out)
{
	const char *v = cmdline_opt(cl, key);
	unsigned base = 10;
	unsigned long n = 0;

	if (!v)
		return -ENOENT;
	if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
		base = 16;
		v += 2;
	}
	if (!*v)
		return -EINVAL;
	for (; *v; v++) {
		unsigned d;

		if (*v >= '0' && *v <= '9')
			d = *v - '0';
		else if (base == 16 && (*v | 0x20) >= 'a' && (*v | 0x20) <= 'f')
			d = (*v | 0x20) - 'a' + 10;
		else
			return -EINVAL;
		if (n > (~0ul - d) / base)
			return -EINVAL; /* overflow */
		n = n * base + d;
	}
	*out = n;
	return 0;
}
