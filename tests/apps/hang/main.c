/* hang: keeps its vCPU busy in hang_inner (called by hang_outer) for N seconds, then exits 0: a guest to take backtraces of. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile unsigned long sink;

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

__attribute__((noinline)) static void hang_outer(double seconds)
{
	double t0 = now_s();

	hang_inner(t0 ? t0 + seconds : 0);
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 30;

	printf("hang: spinning in hang_inner for %.0f s\n", seconds);
	fflush(stdout);
	hang_outer(seconds);
	printf("hang: done\n");
	return 0;
}
