/* Parsing of ip=dhcp | ip=ADDR/PREFIX[,ADDR/PREFIX|dhcp...] gw=GW dns=DNS from the kernel command line (pure, host-testable). */
#include "lib/lwip/netcfg.h"

#include <stddef.h>

static int parse_uint(const char **sp, unsigned max, unsigned *out)
{
	const char *s = *sp;
	unsigned v = 0;
	int n = 0;

	/* "010" is 8 to inet_aton and 10 to a reader: refused rather than guessed */
	if (s[0] == '0' && s[1] >= '0' && s[1] <= '9')
		return -1;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (unsigned)(*s - '0');
		if (v > max || ++n > 3)
			return -1;
		s++;
	}
	if (n == 0)
		return -1;
	*sp = s;
	*out = v;
	return 0;
}

/* parses an address at *sp, leaves *sp after it */
static int addr_at(const char **sp, uint32_t *out)
{
	uint32_t a = 0;

	for (int i = 0; i < 4; i++) {
		unsigned part;

		if (parse_uint(sp, 255, &part))
			return -1;
		a = a << 8 | part;
		if (i < 3) {
			if (**sp != '.')
				return -1;
			(*sp)++;
		}
	}
	*out = a;
	return 0;
}

int netcfg_parse_addr(const char *s, uint32_t *out)
{
	if (!s || addr_at(&s, out) || *s)
		return -1;
	return 0;
}

uint32_t netcfg_mask(unsigned prefix)
{
	return prefix == 0 ? 0 : prefix >= 32 ? 0xffffffffu : ~((1u << (32 - prefix)) - 1);
}

static int starts(const char *s, const char *w)
{
	while (*w)
		if (*s++ != *w++)
			return 0;
	return 1;
}

int netcfg_parse(const char *ip, const char *gw, const char *dns, struct netcfg *cfg,
		 const char **err)
{
	*cfg = (struct netcfg){ 0 };
	if (!ip || !*ip) {
		cfg->nifs = 0; /* no ip=: DHCP everywhere */
	} else {
		const char *s = ip;

		for (;;) {
			struct netcfg_if *f;

			if (cfg->nifs >= NETCFG_MAX_IFS) {
				*err = "ip=: too many interfaces";
				return -1;
			}
			f = &cfg->ifs[cfg->nifs++];
			if (starts(s, "dhcp") && (s[4] == ',' || s[4] == '\0')) {
				f->dhcp = 1;
				s += 4;
			} else {
				if (addr_at(&s, &f->addr)) {
					*err = "ip=: expected dhcp or ADDR/PREFIX";
					return -1;
				}
				f->prefix = 24;
				if (*s == '/') {
					s++;
					if (parse_uint(&s, 32, &f->prefix)) {
						*err = "ip=: the prefix must be 0 to 32";
						return -1;
					}
				}
			}
			if (*s == '\0')
				break;
			if (*s != ',') {
				*err = "ip=: junk after an entry";
				return -1;
			}
			s++;
		}
	}
	if (gw && netcfg_parse_addr(gw, &cfg->gw)) {
		*err = "gw=: not an IPv4 address";
		return -1;
	}
	if (dns && netcfg_parse_addr(dns, &cfg->dns)) {
		*err = "dns=: not an IPv4 address";
		return -1;
	}
	return 0;
}
