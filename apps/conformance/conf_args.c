/* Parses the conformance app's arguments (after " -- " on the command line); pure, host-tested. */
#include <string.h>
#include "conf_args.h"

/* A decimal number (or 0x hex): 0 and *v, or -1. */
static int num(const char *s, int64_t *v)
{
	int64_t x = 0;
	int base = 10, digits = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16, s += 2;
	for (; *s; s++, digits++) {
		int d = *s >= '0' && *s <= '9'		       ? *s - '0'
			: base == 16 && *s >= 'a' && *s <= 'f' ? *s - 'a' + 10
			: base == 16 && *s >= 'A' && *s <= 'F' ? *s - 'A' + 10
							       : -1;
		if (d < 0 || x > (INT64_MAX - d) / base)
			return -1;
		x = x * base + d;
	}
	*v = x;
	return digits ? 0 : -1;
}

/* "LEN:CRC" with LEN decimal, CRC hex (8 digits, optional 0x). */
static int len_crc(const char *s, int64_t *len, uint32_t *crc)
{
	char l[24];
	const char *colon = strchr(s, ':');
	int64_t c;

	if (!colon || (size_t)(colon - s) >= sizeof(l))
		return -1;
	memcpy(l, s, (size_t)(colon - s));
	l[colon - s] = 0;
	char hex[24] = "0x";
	const char *h = colon + 1;
	if (h[0] == '0' && (h[1] == 'x' || h[1] == 'X'))
		h += 2;
	if (strlen(h) > 8 || !*h)
		return -1;
	strcpy(hex + 2, h);
	if (num(l, len) || num(hex, &c))
		return -1;
	*crc = (uint32_t)c;
	return 0;
}

/* When arg is "--key=VALUE" returns VALUE, else NULL. */
static const char *opt(const char *arg, const char *key)
{
	size_t k = strlen(key);
	return !strncmp(arg, key, k) && arg[k] == '=' ? arg + k + 1 : NULL;
}

int conf_args_parse(int argc, char **argv, struct conf_args *a)
{
	*a = (struct conf_args){ .expect = { .vcpus = -1,
					     .maxvcpus = -1,
					     .memory_mib = -1,
					     .modules = -1,
					     .cmdline_len = -1,
					     .module0_len = -1,
					     .domu = -1 } };
	struct conf_expect *e = &a->expect;

	for (int i = 1; i < argc; i++) {
		const char *s = argv[i], *v;
		int64_t x;
		if (!strcmp(s, "--list"))
			a->list = 1;
		else if (!strcmp(s, "--only") && i + 1 < argc)
			a->only = argv[++i];
		else if ((v = opt(s, "--only")))
			a->only = v;
		else if ((v = opt(s, "--vcpus")) && !num(v, &x) && x > 0 && x < 100000)
			e->vcpus = (int)x;
		else if ((v = opt(s, "--maxvcpus")) && !num(v, &x) && x > 0 && x < 100000)
			e->maxvcpus = (int)x;
		else if ((v = opt(s, "--memory")) && !num(v, &x) && x > 0 && x < (1 << 24))
			e->memory_mib = (long)x;
		else if ((v = opt(s, "--modules")) && !num(v, &x) && x >= 0 && x < 1000)
			e->modules = (int)x;
		else if ((v = opt(s, "--module0")) && !len_crc(v, &e->module0_len, &e->module0_crc))
			;
		else if ((v = opt(s, "--cmdline-check")) &&
			 !len_crc(v, &e->cmdline_len, &e->cmdline_crc))
			;
		else if (!strcmp(s, "--dom0-time"))
			e->dom0_time = 1;
		else if (!strcmp(s, "--domu"))
			e->domu = 1;
		else if (!strcmp(s, "--not-domu"))
			e->domu = 0;
		else if (!strcmp(s, "--initdomain"))
			e->initdomain = 1, e->domu = 0;
		else {
			a->bad = s;
			return -1;
		}
	}
	/* maxvcpus defaults to vcpus, as in xl */
	if (e->vcpus > 0 && e->maxvcpus < 0)
		e->maxvcpus = e->vcpus;
	return 0;
}

int conf_selected(const char *only, const char *name)
{
	if (!only || !*only)
		return 1;
	size_t glen = strcspn(name, ".");
	for (const char *p = only; *p;) {
		size_t l = strcspn(p, ",");
		/* a group ("evtchn") selects its tests; a full name selects one test */
		if ((l == glen && !strncmp(p, name, l)) ||
		    (l == strlen(name) && !strncmp(p, name, l)))
			return 1;
		p += l;
		if (*p == ',')
			p++;
	}
	return 0;
}
