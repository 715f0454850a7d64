/*
 * suspend-linux-ticker: the 1 ms ticker of Linux's PVH domU in the suspend benchmark
 * (tests/xen/suspend-bench). It sleeps 1 ms at a time and prints a "TICK-GAP SEQ MONO_US BOOT_US"
 * line on the console whenever two readings lie more than 200 ms apart (not less: a loaded rig
 * host delays 1 ms sleeps by 50-120 ms often): the guest-visible gap of an `xl save` + `xl
 * restore` or an `xl migrate`. dom0's tests/xen/suspend-bench-dom0 takes the largest gap numbered
 * after its last operation (numbered, because after a migration the lines go to another console
 * log, xenconsoled's for the domain named NAME--incoming). Both clocks, because Linux's
 * timekeeping resume adds the time the domain was suspended to CLOCK_BOOTTIME only (seen on the
 * rig: 1.2 s on CLOCK_MONOTONIC against 27.6 s on CLOCK_BOOTTIME). On SIGTERM (dom0's `xl sysrq
 * NAME e`) it prints a summary and exits 0.
 * usage: suspend-linux-ticker
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define GAP_REPORT_NS 200000000ull

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t now_ns(clockid_t c)
{
	struct timespec t;

	clock_gettime(c, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

int main(void)
{
	const struct timespec ms = { 0, 1000000 };
	uint64_t mono = now_ns(CLOCK_MONOTONIC), boot = now_ns(CLOCK_BOOTTIME);
	uint64_t ticks = 0, max_mono = 0, max_boot = 0, reported = 0;

	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGTERM, on_term);
	printf("TICK-START 1 ms ticker, gaps over %llu ms reported\n", GAP_REPORT_NS / 1000000);
	while (!stop) {
		clock_nanosleep(CLOCK_MONOTONIC, 0, &ms, NULL);
		uint64_t m = now_ns(CLOCK_MONOTONIC), b = now_ns(CLOCK_BOOTTIME);
		uint64_t gm = m - mono, gb = b - boot;

		if (m < mono || b < boot)
			printf("TICK-BACK a clock went back (monotonic %llu -> %llu)\n",
			       (unsigned long long)mono, (unsigned long long)m);
		if (gm > GAP_REPORT_NS || gb > GAP_REPORT_NS) {
			printf("TICK-GAP %llu %llu %llu\n", (unsigned long long)++reported,
			       (unsigned long long)(gm / 1000), (unsigned long long)(gb / 1000));
		}
		max_mono = gm > max_mono ? gm : max_mono;
		max_boot = gb > max_boot ? gb : max_boot;
		mono = m;
		boot = b;
		ticks++;
	}
	printf("TICK-SUMMARY %llu ticks, %llu gaps reported, largest %llu us (monotonic), %llu us "
	       "(boottime)\n",
	       (unsigned long long)ticks, (unsigned long long)reported,
	       (unsigned long long)(max_mono / 1000), (unsigned long long)(max_boot / 1000));
	return 0;
}
