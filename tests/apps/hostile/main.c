/*
 * hostile: the guest side of tests/xen/hostile (issue 18). A dom0 program offers this guest a vbd
 * or a vif and misbehaves in one way; this app uses the device and reports, as TAP lines, what
 * the guest did: the problem seen and counted, the I/O failed with an error (or the bad data
 * dropped), the device closed with its grants revoked (the backend's verdict), and the guest
 * still running. usage: hostile blk|net MODE (the modes: tests/xen/hostile/vbd.c and vif.c).
 */
#include <stdio.h>
#include <string.h>
#include <pvhkit/result.h>
#include <pvhkit/thread.h>
#include <pvhkit/xenstore.h>
#include "hostile.h"

void hostile_verdict(void)
{
	char v[96] = "";
	int r = -1;

	for (int i = 0; i < 300 && r <= 0; i++) {
		r = pvh_xenstore_read(NULL, "data/hostile", v, sizeof(v));
		if (r <= 0)
			pvh_sleep_ns(SEC / 10);
	}
	pvh_tap_ok(r > 0 && !strncmp(v, "ok ", 3), "the backend's grant check: %s",
		   r > 0 ? v : "no verdict within 30 s");
}

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "blk") && strcmp(argv[1], "net"))) {
		printf("usage: hostile blk|net MODE\n");
		return 2;
	}
	if (!strcmp(argv[1], "blk"))
		hostile_blk(argv[2]);
	else
		hostile_net(argv[2]);
	/* still scheduling, still answering: the guest survived whatever the backend did */
	uint64_t n = 0;
	for (int i = 0; i < 3; i++)
		n += pvh_sleep_ns(SEC / 100) == 0;
	pvh_tap_ok(n == 3, "the guest keeps running after the backend's misbehaviour");
	return pvh_tap_result("hostile");
}
