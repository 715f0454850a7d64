/* The backend's "mac" key parsed strictly (pure, host-testable). */
#ifndef DRIVERS_NETFRONT_NETFRONT_MAC_H
#define DRIVERS_NETFRONT_NETFRONT_MAC_H

#include <stdint.h>

/* "00:16:3e:xx:xx:xx": six two-digit hex bytes, colons between, nothing after; 0 or -EINVAL. */
int nf_parse_mac(const char *s, uint8_t mac[6]);

#endif
