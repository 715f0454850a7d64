/* The C library's clocks, sleeps and ways to end: pvclock and Xen's wall clock, the scheduler, shutdown. */
#include "base/fmt.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/shutdown.h"
#include "kernel/time.h"
#include "lib/sys/sys.h"

int sys_time_wall(uint64_t *ns)
{
	if (!time_available())
		return -SYS_ENOSYS;
	*ns = time_wall_ns();
	return 0;
}

int sys_time_mono(uint64_t *ns)
{
	if (!time_available())
		return -SYS_ENOSYS;
	*ns = time_monotonic_ns();
	return 0;
}

int sys_sleep_ns(uint64_t ns)
{
	return sched_sleep_ns(ns) ? -SYS_ENOSYS : 0;
}

void sys_exit(int status)
{
	sys_mem_report_at_exit();
	kernel_exit(status);
}

void sys_crash(const char *why)
{
	kernel_crash(why);
}

void sys_killed(int sig)
{
	char why[40];

	fmt_snprintf(why, sizeof(why), "killed by signal %d", sig);
	kernel_crash(why);
}
