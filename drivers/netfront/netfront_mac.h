/* The backend's "mac" key parsed strictly, and checked to be a station's address (pure, host-testable). */
#ifndef DRIVERS_NETFRONT_NETFRONT_MAC_H
#define DRIVERS_NETFRONT_NETFRONT_MAC_H

#include <stdint.h>

/* "00:16:3e:xx:xx:xx": six two-digit hex bytes, colons between, nothing after; 0 or -EINVAL. */
int nf_parse_mac(const char *s, uint8_t mac[6]);
/* Whether mac can be a station's own address: not a group (multicast, broadcast), not all zero. */
int nf_mac_unicast(const uint8_t mac[6]);

#endif
