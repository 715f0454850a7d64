/*
 * The scheduler: cooperative threads on one locked run queue (ready for several CPUs), an idle
 * thread per CPU that blocks the vCPU, and the FPU/SSE state saved on every switch.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/irq.h"
#include "arch/x86/percpu.h"
#include "arch/x86/spinlock.h"
#include "kernel/errno.h"
#include "kernel/heap.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/shutdown.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "lib/string.h"

void switch_stack(uint64_t *save_rsp, uint64_t new_rsp);
void thread_trampoline(void);
void thread_main(void);

static spinlock_t rq_lock = SPINLOCK_INIT;
static struct thread *rq_head, *rq_tail;
static struct thread boot_thread;
static uint8_t clean_fpu[512] __attribute__((aligned(16)));
static unsigned live_threads;
static int next_id = 1;
static int running;

static void fxsave(uint8_t *area)
{
	__asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

static void fxrstor(const uint8_t *area)
{
	__asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

static void rq_push(struct thread *t)
{
	t->next = NULL;
	if (rq_tail)
		rq_tail->next = t;
	else
		rq_head = t;
	rq_tail = t;
}

static struct thread *rq_pop(void)
{
	struct thread *t = rq_head;

	if (t) {
		rq_head = t->next;
		if (!rq_head)
			rq_tail = NULL;
		t->next = NULL;
	}
	return t;
}

static void rq_remove(struct thread *t)
{
	struct thread *prev = NULL;

	for (struct thread *p = rq_head; p; prev = p, p = p->next) {
		if (p != t)
			continue;
		if (prev)
			prev->next = p->next;
		else
			rq_head = p->next;
		if (rq_tail == p)
			rq_tail = prev;
		p->next = NULL;
		return;
	}
}

struct thread *thread_self(void)
{
	return this_cpu()->current;
}

int sched_running(void)
{
	return running;
}

unsigned thread_count(void)
{
	return __atomic_load_n(&live_threads, __ATOMIC_RELAXED);
}

/* Runs in the thread we switched to, with rq_lock held: finishes what the switch began. */
static void finish_switch(void)
{
	struct cpu *c = this_cpu();
	struct thread *prev = c->prev;

	fxrstor(c->current->fpu);
	c->prev = NULL;
	if (prev && prev->state == THREAD_EXITED) {
		/* its stack is no longer in use: a joiner may free it now (rq_lock is held) */
		struct thread *j = prev->joiner;

		__atomic_store_n(&prev->reapable, 1, __ATOMIC_RELEASE);
		if (j && j->state == THREAD_BLOCKED) {
			j->state = THREAD_RUNNABLE;
			rq_push(j);
		}
	}
}

void schedule(void)
{
	struct cpu *c = this_cpu();
	unsigned long f = spin_lock_irqsave(&rq_lock);
	struct thread *prev = c->current, *next;

	if (prev->state == THREAD_RUNNING && prev != c->idle) {
		prev->state = THREAD_RUNNABLE;
		rq_push(prev);
	}
	next = rq_pop();
	if (!next)
		next = prev->state == THREAD_RUNNING ? prev : c->idle;
	next->state = THREAD_RUNNING;
	if (next != prev) {
		c->current = next;
		c->prev = prev;
		fxsave(prev->fpu);
		switch_stack(&prev->rsp, next->rsp);
		finish_switch();
	}
	spin_unlock_irqrestore(&rq_lock, f);
}

void sched_yield(void)
{
	if (running)
		schedule();
}

void sched_set_blocked(void)
{
	unsigned long f = spin_lock_irqsave(&rq_lock);

	thread_self()->state = THREAD_BLOCKED;
	spin_unlock_irqrestore(&rq_lock, f);
}

void sched_set_running(void)
{
	unsigned long f = spin_lock_irqsave(&rq_lock);
	struct thread *t = thread_self();

	/* woken before it ever slept: it sits in the run queue while running */
	if (t->state == THREAD_RUNNABLE)
		rq_remove(t);
	t->state = THREAD_RUNNING;
	spin_unlock_irqrestore(&rq_lock, f);
}

void sched_wake(struct thread *t)
{
	unsigned long f = spin_lock_irqsave(&rq_lock);

	if (t->state == THREAD_BLOCKED) {
		t->state = THREAD_RUNNABLE;
		rq_push(t);
	}
	spin_unlock_irqrestore(&rq_lock, f);
}

/* A new thread's first C code, entered from thread_trampoline with rq_lock held. */
void thread_main(void)
{
	struct thread *t = this_cpu()->current;

	finish_switch();
	spin_unlock_irqrestore(&rq_lock, 1ul << 9); /* threads run with interrupts on */
	t->fn(t->arg);
	thread_exit();
}

struct thread *thread_create(const char *name, void (*fn)(void *), void *arg, size_t stack_size)
{
	struct thread *t = kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	t->stack_size = stack_size ? stack_size : THREAD_STACK_DEFAULT;
	t->stack = kmalloc(t->stack_size);
	if (!t->stack) {
		kfree(t);
		return NULL;
	}
	uint64_t *sp = (uint64_t *)(((uintptr_t)t->stack + t->stack_size) & ~15ul);
	*--sp = 0;				  /* a fake return address for the trampoline */
	*--sp = (uintptr_t)thread_trampoline; /* where switch_stack returns */
	for (int i = 0; i < 6; i++)
		*--sp = 0; /* rbp, rbx, r12-r15 */
	t->rsp = (uintptr_t)sp;
	memcpy(t->fpu, clean_fpu, sizeof(t->fpu));
	t->name = name;
	t->fn = fn;
	t->arg = arg;

	unsigned long f = spin_lock_irqsave(&rq_lock);
	t->id = next_id++;
	live_threads++;
	t->state = THREAD_RUNNABLE;
	rq_push(t);
	spin_unlock_irqrestore(&rq_lock, f);
	return t;
}

void thread_exit(void)
{
	struct thread *t = thread_self();

	if (t == &boot_thread)
		kernel_exit(0); /* the boot thread is main(): leaving it ends the guest */
	unsigned long f = spin_lock_irqsave(&rq_lock);
	t->state = THREAD_EXITED;
	spin_unlock_irqrestore(&rq_lock, f);
	schedule();
	panic("exited thread %d was scheduled again", t->id);
}

int thread_join(struct thread *t)
{
	if (!t || t == thread_self() || t == &boot_thread)
		return -EINVAL;
	for (;;) {
		unsigned long f = spin_lock_irqsave(&rq_lock);

		if (t->reapable) {
			spin_unlock_irqrestore(&rq_lock, f);
			break;
		}
		t->joiner = thread_self();
		t->joiner->state = THREAD_BLOCKED;
		spin_unlock_irqrestore(&rq_lock, f);
		schedule();
	}
	kfree(t->stack);
	kfree(t);
	__atomic_fetch_sub(&live_threads, 1, __ATOMIC_RELAXED);
	return 0;
}

static void idle_loop(void *arg)
{
	(void)arg;
	for (;;) {
		irq_disable();
		/* sti takes effect after hlt starts: no event can slip in between the test and hlt */
		if (!__atomic_load_n(&rq_head, __ATOMIC_ACQUIRE))
			__asm__ volatile("sti; hlt" ::: "memory");
		else
			irq_enable();
		schedule();
	}
}

void sched_init(void)
{
	struct cpu *c = this_cpu();

	fxsave(clean_fpu);
	boot_thread.name = "main";
	boot_thread.state = THREAD_RUNNING;
	c->current = &boot_thread;
	c->idle = thread_create("idle", idle_loop, NULL, 8192);
	if (!c->idle)
		panic("no memory for the idle thread");
	/* the idle thread runs only when nothing else can */
	unsigned long f = spin_lock_irqsave(&rq_lock);
	rq_remove(c->idle);
	c->idle->state = THREAD_RUNNABLE;
	live_threads--;
	spin_unlock_irqrestore(&rq_lock, f);
	running = 1;
}

static void sleep_expired(struct timer *tm)
{
	sched_wake(tm->arg);
}

int sched_sleep_ns(uint64_t ns)
{
	if (!time_available())
		return -ENODEV;
	uint64_t deadline = time_monotonic_ns() + ns;
	struct timer tm = { .deadline = deadline, .fn = sleep_expired, .arg = thread_self() };

	for (;;) {
		sched_set_blocked();
		if (time_monotonic_ns() >= deadline)
			break;
		timer_add(&tm);
		schedule();
	}
	timer_cancel(&tm);
	sched_set_running();
	return 0;
}
