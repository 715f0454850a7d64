/*
 * Init calls: drivers and libraries register what to start at which point of the boot, and
 * kernel/main.c runs the points in order without naming any of them. An entry is a struct
 * initcall in a section .rodata.initcall.<level>; the linker script sorts them by level.
 */
#ifndef KERNEL_INITCALL_H
#define KERNEL_INITCALL_H

/*
 * The levels, in boot order (two digits: the linker sorts section names as text). Entries of
 * one level run in link order; where order matters they get levels of their own.
 */
#define INIT_EARLY_SERIAL   10 /* before anything else: a serial port answers at once */
#define INIT_EARLY_DEBUGCON 11 /* port 0xE9 (Xen's and QEMU's debug console) */
#define INIT_EARLY_END	    20
#define INIT_HYPERVISOR	    20 /* after the hypercall page: the initial domain's console */
#define INIT_HYPERVISOR_END 30
#define INIT_XEN_CONSOLE    30 /* after event channels, time and timers: the PV console */
#define INIT_XEN_END	    40
#define INIT_DEVICES	    40 /* after the scheduler and the APs: xenstore, devices */
#define INIT_DEVICES_END    50

struct initcall {
	int level;
	int (*fn)(void); /* 0, or a negative errno: "<name>: not available (<errno>)" */
	const char *name;
};

#define INITCALL_STR(x)	    #x
#define INITCALL_SECTION(l) ".rodata.initcall." INITCALL_STR(l)
/* Registers int fn(void) to run at level (a number or one of the macros above). */
#define INITCALL(lvl, f, nm)                                                                       \
	static const struct initcall initcall_##f                                                  \
	    __attribute__((used, section(INITCALL_SECTION(lvl)), aligned(8))) = { lvl, f, nm }

/* Runs, in level order, every init call below level end that has not run yet. */
void initcalls_run(int end);

#endif
