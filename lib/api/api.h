/* What the files of the public API's implementation (lib/api/) share and apps never see. */
#ifndef LIB_API_API_H
#define LIB_API_API_H

#include "pvhkit/thread.h"

struct thread;
/* The kernel thread behind an app's pvh_thread_t (lib/api/thread.c). */
struct thread *pvh_thread_kernel(pvh_thread_t *pt);

#endif
