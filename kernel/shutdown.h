/* How the kernel ends: the app's exit status, a crash, or a panic. */
#ifndef KERNEL_SHUTDOWN_H
#define KERNEL_SHUTDOWN_H

/* Prints "EXIT: <status>" and powers the guest off; the status reaches the runner. */
__attribute__((noreturn)) void kernel_exit(int status);
/* A line kernel_exit prints after "EXIT: <status>" (the console's last; NULL: none). */
void kernel_exit_last_line(const char *line);
/* Prints "REBOOT" and asks the toolstack to restart the guest (what `xl reboot` requests). */
__attribute__((noreturn)) void kernel_reboot(void);
/* Prints "CRASH: <why>" and ends the guest as crashed. */
__attribute__((noreturn)) void kernel_crash(const char *why);
/* For faults inside fault handling: no formatting, no locks. */
__attribute__((noreturn)) void kernel_crash_now(void);
/* The kernel's own invariant broke: message, backtrace, crash. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

#endif
