/* hang: keeps its vCPU busy in hang_inner (called by hang_outer) for N seconds, then exits 0: a guest to take backtraces of. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <pvhkit/thread.h>
#include <pvhkit/xenstore.h>

static volatile unsigned long sink;
static volatile int stop; /* `xl shutdown`: whoever took the backtrace is done with the spin */

static double now_s(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		return 0; /* no clock (no Xen): the iteration limit ends the spin */
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* noinline: these frames are what xenctx and gdb must find */
__attribute__((noinline)) static void hang_inner(double until)
{
	for (unsigned long round = 0; round < 100000 && (until == 0 || now_s() < until); round++)
		for (int i = 0; i < 100000; i++)
			sink += (unsigned long)i;
}

/*
 * The scheduler is cooperative: the spin yields every 200 ms, so that the xenstore watch thread
 * can take an `xl shutdown` (on_shutdown), which ends it early. Without a clock (QEMU without
 * Xen) the iteration limit ends one long spin.
 */
__attribute__((noinline)) static void hang_outer(double seconds)
{
	double t0 = now_s(), end = t0 + seconds;

	if (!t0) {
		hang_inner(0);
		return;
	}
	for (double t = t0; !stop && t < end; t = now_s()) {
		hang_inner(t + 0.2 < end ? t + 0.2 : end);
		pvh_thread_yield();
	}
}

/* `xl shutdown`: main ends the spin, returns, and the guest powers off; this hook waits for that */
static void on_shutdown(int reboot, void *arg)
{
	(void)reboot;
	(void)arg;
	stop = 1;
	for (;;)
		pvh_sleep_ns(1000000000ull);
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 30;

	pvh_xenstore_on_shutdown(on_shutdown, NULL);

	printf("hang: spinning in hang_inner for %.0f s\n", seconds);
	fflush(stdout);
	hang_outer(seconds);
	printf("hang: done%s\n", stop ? ", ended by xl shutdown" : "");
	return 0;
}
