/* Symbolised backtraces on the console, for crash reports and panics. */
#ifndef KERNEL_BACKTRACE_H
#define KERNEL_BACKTRACE_H

#include <stdint.h>

/* rsp may be 0 when unknown; it only helps with frameless leaf functions */
void backtrace_print(uint64_t rip, uint64_t rsp, uint64_t rbp);

#endif
