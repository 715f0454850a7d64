/*
 * The kernel side of the C library's system calls, shared by the newlib and picolibc glue.
 * Only stdint types cross this boundary, so the glue can include its libc's headers and the
 * code behind it the kernel's; failures are negative errno values with Linux's numbers
 * (SYS_E*), which the glue translates into its libc's own.
 */
#ifndef LIB_SYS_SYS_H
#define LIB_SYS_SYS_H

#include <stddef.h>
#include <stdint.h>

/*
 * The kernel's error numbers (base/errno.h's, Linux's values) under other names, because the glue
 * and the public API's boundary (libc_err) cannot include base/errno.h next to <errno.h>. lib/sys/
 * errno.c checks they are base/errno.h's; every one has an entry in lib/libc/errno.c's table.
 */
#define SYS_EPERM	 1
#define SYS_ENOENT	 2
#define SYS_ESRCH	 3
#define SYS_EIO		 5
#define SYS_E2BIG	 7
#define SYS_EBADF	 9
#define SYS_EAGAIN	 11
#define SYS_ENOMEM	 12
#define SYS_EACCES	 13
#define SYS_EFAULT	 14
#define SYS_EBUSY	 16
#define SYS_EEXIST	 17
#define SYS_ENODEV	 19
#define SYS_EISDIR	 21
#define SYS_EINVAL	 22
#define SYS_EMFILE	 24
#define SYS_ENOTTY	 25
#define SYS_ENOSPC	 28
#define SYS_ESPIPE	 29
#define SYS_EROFS	 30
#define SYS_ERANGE	 34
#define SYS_ENAMETOOLONG 36
#define SYS_ENOSYS	 38
#define SYS_ENOTEMPTY	 39
#define SYS_EPROTO	 71
#define SYS_EBADMSG	 74
#define SYS_EOVERFLOW	 75
#define SYS_EMSGSIZE	 90
#define SYS_EISCONN	 106
#define SYS_ENOTCONN	 107
#define SYS_ESHUTDOWN	 108
#define SYS_ETIMEDOUT	 110
#define SYS_ECANCELED	 125

/* ---- files: fds 0-2 are the console, 3 and up boot modules opened read-only ---- */
#define SYS_FD_MAX 32
enum sys_file_kind { SYS_FILE_CONSOLE = 1, SYS_FILE_MODULE = 2 };

long sys_write(int fd, const void *buf, size_t n);
/* fd 0: the PV console's input; waits until some has arrived, or with fd 0 made non-blocking
 * returns -SYS_EAGAIN when none has; 0 (end of file) where none can ever come, e.g. without Xen */
long sys_read(int fd, void *buf, size_t n);
/* O_NONBLOCK of fd: 0 or 1 (any open fd), or -SYS_EBADF; only fd 0 has anything to wait for */
int sys_nonblock(int fd, int set, int on);
/* path: "/boot/module/N" or a module's own command line; writing is -SYS_EROFS */
int sys_open(const char *path, int writable);
int sys_close(int fd);
/* whence: 0 SET, 1 CUR, 2 END */
int64_t sys_lseek(int fd, int64_t off, int whence);
/* kind (enum sys_file_kind) and size in bytes */
int sys_fstat(int fd, int *kind, uint64_t *size);
int sys_isatty(int fd);

/* ---- memory: one contiguous run of pages, all RAM but the kernel's reserve (brk.c) ---- */
/* Returns the old break or NULL with *err = -SYS_ENOMEM; never hands out memory it does not own. */
void *sys_sbrk(intptr_t incr, int *err);
/* the arena's size in pages for a domain of total_pages with free_pages free (arena_size.c) */
uint64_t sys_arena_pages(uint64_t total_pages, uint64_t free_pages);
struct sys_brk_stats {
	uint64_t in_use, arena, segments, failures; /* bytes below the break, bytes reserved */
};
void sys_brk_stats(struct sys_brk_stats *st);
/*
 * The memory report (mem_report.c): what sits in the arena on someone's account (lwIP's memory:
 * bytes in use, their peak, the limit; read at report time), shown with the rest; the report is
 * printed now, or as the guest exits when the command line has the option memreport.
 */
void sys_mem_account(const char *what, const uint64_t *in_use, const uint64_t *peak,
		     const uint64_t *limit);
void sys_mem_report(void);
void sys_mem_report_at_exit(void);

/* ---- time ---- */
/* -SYS_ENOSYS without a clock (no Xen) */
int sys_time_wall(uint64_t *ns);
int sys_time_mono(uint64_t *ns);
int sys_sleep_ns(uint64_t ns);

/* ---- process ---- */
__attribute__((noreturn)) void sys_exit(int status);
__attribute__((noreturn)) void sys_crash(const char *why);
/* a fatal signal sent to ourselves */
__attribute__((noreturn)) void sys_killed(int sig);

/* ---- locks: kernel mutexes, optionally recursive; all-zero is an unlocked lock ---- */
struct sys_lock {
	uint64_t mutex[4]; /* a struct mutex (checked in lock.c) */
	void *owner;	   /* the thread holding it (recursive locks) */
	unsigned depth;
};
void sys_lock_acquire(struct sys_lock *l, int recursive);
int sys_lock_try(struct sys_lock *l, int recursive);
void sys_lock_release(struct sys_lock *l, int recursive);

/* ---- threads ---- */
/* The calling thread's slot for its C library state (NULL until the glue sets it). */
void **sys_thread_libc_slot(void);
/* The glue's per-thread setup and teardown, run in every thread pvh_thread_create starts. */
void libc_thread_start(void);
void libc_thread_end(void);

/* ---- error numbers: the glue's translation (lib/libc/errno.c), one table for both directions ---- */
/*
 * r unchanged when >= 0; a negative kernel errno (SYS_E*) as the negative of the same-named errno
 * of the libc's <errno.h> (-EIO for one it does not know). Used by the POSIX hooks for errno and
 * by every public pvh_ function (lib/api) that returns a negative errno.
 */
long libc_err(long r);
/* The other way, for an app's negative errno handed to the kernel (-SYS_EIO when unknown). */
long libc_err_to_sys(long r);

#endif
