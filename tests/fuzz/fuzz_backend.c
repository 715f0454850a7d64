/*
 * Fuzzes the values a xenbus backend publishes, through the functions the frontends read them
 * with: numbers as xs_read_uint parses them (xs_wire_parse_uint), the disk geometry
 * (blkfront_check_geometry), ring orders (blkfront_ring_entries), and the vif's MAC (nf_parse_mac).
 */
#include <ctype.h>
#include "tests/fuzz/fuzz.h"
#include "drivers/blkfront/blkfront_req.h"
#include "drivers/netfront/netfront_mac.h"
#include "drivers/xenbus/xs_wire.h"

/* One value as xenstored would return it: up to 23 bytes (xs_read_uint's buffer), no NUL inside. */
static int number(struct fz *f, uint64_t *v)
{
	char s[24];
	uint8_t n = fz_u8(f) % 24;

	fz_bytes(f, s, n);
	s[n] = 0;
	int r = xs_wire_parse_uint(s, n, UINT64_MAX, v);
	if (r == 0) {
		/* digits only, the value they say */
		char back[24];
		unsigned len = (unsigned)strnlen(s, n);
		for (unsigned i = 0; i < len; i++)
			FZ_CHECK(isdigit((unsigned char)s[i]));
		snprintf(back, sizeof(back), "%llu", (unsigned long long)*v);
		FZ_CHECK(strlen(back) <= len && !strcmp(back, s + (len - strlen(back))));
	}
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	uint64_t sectors = 0, ss = 512, pss = 512, order = 0, bytes = 0;
	char mac_s[20];
	uint8_t mac[6];

	number(&f, &sectors);
	number(&f, &ss);
	number(&f, &pss);
	number(&f, &order);
	if (blkfront_check_geometry(sectors, ss, pss, &bytes) == 0) {
		FZ_CHECK(ss >= 512 && ss <= 65536 && !(ss & (ss - 1)));
		FZ_CHECK(pss >= ss && pss % ss == 0 && pss <= (1u << 20));
		FZ_CHECK(bytes / 512 == sectors && bytes % ss == 0 && bytes);
		/* the largest I/O the API takes ends inside the disk or is refused */
		FZ_CHECK(blkfront_check_range(bytes - ss, ss, (uint32_t)ss, bytes) == 0);
		FZ_CHECK(blkfront_check_range(bytes, ss, (uint32_t)ss, bytes) != 0);
	}
	/* the driver takes min(offered, 2); any offered order must give a sane ring */
	uint32_t o = order < 2 ? (uint32_t)order : 2, e = blkfront_ring_entries(o, 112);
	FZ_CHECK(e && 64 + e * 112 <= 4096u << o);
	FZ_CHECK(blkfront_ring_entries(order > 64 ? 64 : (uint32_t)order, 112) <= 1u << 15);

	uint8_t n = fz_u8(&f) % 20;
	fz_bytes(&f, mac_s, n);
	mac_s[n] = 0;
	if (nf_parse_mac(mac_s, mac) == 0) {
		char back[18];
		snprintf(back, sizeof(back), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
			 mac[2], mac[3], mac[4], mac[5]);
		FZ_CHECK(!strcasecmp(back, mac_s));
	}
	return 0;
}
