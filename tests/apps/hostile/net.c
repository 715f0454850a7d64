/* The hostile guest's vif checks: the link against the misbehaving backend, what was dropped and counted. */
#include <string.h>
#include <pvhkit/net.h>
#include <pvhkit/result.h>
#include <pvhkit/thread.h>
#include <pvhkit/xenstore.h>
#include "hostile.h"

/* The backend writes the device's nodes once this guest runs: wait for them before probing. */
static int device_written(void)
{
	char b[128];

	for (int i = 0; i < 100; i++) {
		if (pvh_xenstore_read(NULL, "device/vif/0/backend", b, sizeof(b)) > 0)
			return 1;
		pvh_sleep_ns(SEC / 10);
	}
	return 0;
}

/* UDP datagrams to dom0's address until the link goes down (ARP requests go out first). */
static int send_until_down(void)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	to.sin_addr.s_addr = inet_addr("169.254.100.1");
	for (int i = 0; i < 50; i++) {
		sendto(s, "hostile", 7, 0, (struct sockaddr *)&to, sizeof(to));
		if (pvh_net_wait_link(0, 0, SEC / 5) == 0) {
			closesocket(s);
			return 1;
		}
	}
	closesocket(s);
	return 0;
}

void hostile_net(const char *mode)
{
	struct pvh_net_stats st;

	if (!pvh_tap_ok(device_written(), "the hostile vif's nodes are written"))
		return;
	int n = pvh_net_start(5 * SEC);
	if (!strcmp(mode, "mac")) {
		pvh_tap_ok(n <= 0, "a vif whose MAC is not a station's is refused (%d)", n);
		hostile_verdict();
		return;
	}
	if (!pvh_tap_ok(n == 1, "the hostile vif is up (%d)", n))
		return;
	if (!strcmp(mode, "rxbounds")) {
		pvh_sleep_ns(2 * SEC); /* the backend's two frames */
		pvh_net_stats(0, &st);
		pvh_tap_ok(st.rx_dropped >= 1,
			   "the frame past its page was dropped and counted (%lu)",
			   (unsigned long)st.rx_dropped);
		pvh_tap_ok(st.rx_packets >= 1, "the good frame after it was received (%lu)",
			   (unsigned long)st.rx_packets);
		pvh_tap_ok(pvh_net_wait_link(0, 1, SEC / 10) == 0, "the link stays up");
		return;
	}
	if (!strcmp(mode, "txbadid"))
		pvh_tap_ok(send_until_down(), "TX answers with ids never sent take the link down");
	else
		pvh_tap_ok(pvh_net_wait_link(0, 0, 10 * SEC) == 0,
			   "a broken RX ring takes the link down");
	hostile_verdict();
	pvh_net_stats(0, &st);
	pvh_tap_ok(st.ring_errors >= 1, "the broken ring was counted (%lu)",
		   (unsigned long)st.ring_errors);
}
