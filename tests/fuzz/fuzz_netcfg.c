/* Fuzzes the ip=, gw=, dns= options (lib/lwip/netcfg.c): what it accepts must print back the same. */
#include "tests/fuzz/fuzz.h"
#include "lib/lwip/netcfg.h"

static void check_addr(const char *s)
{
	uint32_t a;
	char back[20];

	if (netcfg_parse_addr(s, &a))
		return;
	snprintf(back, sizeof(back), "%u.%u.%u.%u", a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255);
	FZ_CHECK(!strcmp(back, s)); /* strict: no leading zeros, junk or missing parts */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* three NUL-separated strings; a missing ip= is NULL */
	char *buf = malloc(size + 3), *s[3];
	struct netcfg cfg;
	const char *err = NULL;

	memcpy(buf, data, size);
	buf[size] = buf[size + 1] = buf[size + 2] = 0;
	s[0] = buf;
	s[1] = s[0] + strlen(s[0]) + 1;
	s[2] = s[1] + (s[1] < buf + size + 2 ? strlen(s[1]) + 1 : 0);
	int r = netcfg_parse(size ? s[0] : NULL, s[1], s[2], &cfg, &err);
	if (r == 0) {
		FZ_CHECK(cfg.nifs <= NETCFG_MAX_IFS);
		for (unsigned i = 0; i < cfg.nifs; i++)
			FZ_CHECK(cfg.ifs[i].dhcp || cfg.ifs[i].prefix <= 32);
	} else {
		FZ_CHECK(r == -1 && err);
	}
	check_addr(s[1]);
	check_addr(s[2]);
	free(buf);
	return 0;
}
