/* Threads and the scheduler: cooperative, on every CPU; a run queue per CPU with stealing, pinning, an idle thread per CPU. */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/timerq.h"
#include "kernel/waitq.h"

enum thread_state { THREAD_RUNNING, THREAD_RUNNABLE, THREAD_BLOCKED, THREAD_EXITED };

struct thread {
	uint64_t rsp;
	uint8_t fpu[512] __attribute__((aligned(16))); /* FXSAVE image: apps use SSE */
	enum thread_state state;
	int id;
	const char *name;
	void (*fn)(void *arg);
	void *arg;
	void *stack;
	size_t stack_size;
	struct thread *next; /* run-queue link */
	int reapable;	     /* exited and off its stack: join may free it */
	struct thread *joiner;
	/* the app's C library state for this thread (lib/libc: newlib's reent, errno); NULL: shared */
	void *libc;
	int pin;    /* 1 + the CPU it must run on; 0: any */
	int cpu;    /* the CPU whose run-queue lock guards its state: where it runs, waits or ran */
	int on_cpu; /* some CPU is running it (or still saving its registers) */
	int queued; /* in cpus[cpu]'s run queue */
	int pin_broken; /* 1 + the CPU it was pinned to when that went offline (reported once) */
};

#define THREAD_STACK_DEFAULT (16 * 1024)

/* Turns the boot flow into the first thread and creates the idle thread. */
void sched_init(void);
int sched_running(void);

/* NULL when out of memory. The thread starts runnable. */
struct thread *thread_create(const char *name, void (*fn)(void *), void *arg, size_t stack_size);
/* Like thread_create, pinned to CPU cpu from the start (-1: any CPU); NULL for a bad cpu. */
struct thread *thread_create_on(const char *name, void (*fn)(void *), void *arg, size_t stack_size,
				int cpu);
/* Pins t (NULL: the caller) to CPU cpu, or unpins it (-1); the caller moves at once.
 * 0, -EINVAL (no such CPU) or -ENODEV (offline). */
int sched_pin(struct thread *t, int cpu);
/* The index of the CPU the caller runs on (it may move at its next switch, unless pinned). */
unsigned sched_cpu(void);
struct cpu;
/* On an AP: its boot context becomes its idle thread; never returns. */
__attribute__((noreturn)) void sched_ap_enter(struct cpu *c);
/*
 * On a CPU going offline, in its idle thread: nothing is queued on c from now on (it goes to
 * other CPUs, pins to c are broken) and what waits there moves. sched_cpu_open undoes it.
 */
void sched_cpu_close(struct cpu *c);
void sched_cpu_open(struct cpu *c);
/* Waits for t to exit and frees it (one joiner per thread); 0 or -EINVAL. */
int thread_join(struct thread *t);
__attribute__((noreturn)) void thread_exit(void);
struct thread *thread_self(void);
/* Threads alive (created, not yet joined), the boot and idle threads excluded. */
unsigned thread_count(void);
/* Bytes of thread stacks allocated and not yet freed (kernel heap; for the memory report). */
uint64_t thread_stack_bytes(void);

/* Gives the CPU to another runnable thread, if any. */
void sched_yield(void);
/* Parks the current thread until sched_wake; the caller marked it blocked first. */
void schedule(void);
void sched_set_blocked(void);
void sched_set_running(void);
void sched_wake(struct thread *t);

/* Sleeps at least ns nanoseconds (0, or -ENODEV without a clock). */
int sched_sleep_ns(uint64_t ns);

#endif
