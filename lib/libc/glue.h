/* What the shared POSIX hooks (posix.c) need from the glue of one libc (newlib.c or picolibc.c). */
#ifndef LIB_LIBC_GLUE_H
#define LIB_LIBC_GLUE_H

/* Runs once on the boot thread before main: per-libc setup. */
void libc_init(void);

#endif
