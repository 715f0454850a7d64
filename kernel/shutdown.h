/* How the kernel ends: the app's exit status, a crash, or a panic. */
#ifndef KERNEL_SHUTDOWN_H
#define KERNEL_SHUTDOWN_H

/* Prints "EXIT: <status>" and powers the guest off; the status reaches the runner. */
__attribute__((noreturn)) void kernel_exit(int status);
/* Prints "CRASH: <why>" and ends the guest as crashed. */
__attribute__((noreturn)) void kernel_crash(const char *why);
/* For faults inside fault handling: no formatting, no locks. */
__attribute__((noreturn)) void kernel_crash_now(void);
/* The kernel's own invariant broke: message, backtrace, crash. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

#endif
