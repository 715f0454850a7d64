/* Parsing of the network options ip=, gw=, dns= (pure, host-testable): addresses in host byte order. */
#ifndef LIB_LWIP_NETCFG_H
#define LIB_LWIP_NETCFG_H

#include <stdint.h>

#define NETCFG_MAX_IFS 4

struct netcfg_if {
	int dhcp;	 /* ip=dhcp */
	uint32_t addr;	 /* host order */
	unsigned prefix; /* 0..32 */
};

struct netcfg {
	unsigned nifs; /* entries given in ip= (comma-separated, one per vif in probe order) */
	struct netcfg_if ifs[NETCFG_MAX_IFS];
	uint32_t gw, dns; /* 0 when not given */
};

/* "a.b.c.d" strictly (each part 0-255, no leading junk): 0 or -1 */
int netcfg_parse_addr(const char *s, uint32_t *out);
/* ip (may be NULL: DHCP on every interface), gw, dns: 0, or -1 with *err naming what is wrong */
int netcfg_parse(const char *ip, const char *gw, const char *dns, struct netcfg *cfg,
		 const char **err);
/* the netmask of a prefix length, host order */
uint32_t netcfg_mask(unsigned prefix);

#endif
