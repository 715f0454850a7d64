/*
 * The scheduler: cooperative threads on every CPU. Each CPU has its own run queue and lock;
 * a thread is queued on the CPU it last ran on (or is pinned to), and an idle CPU steals
 * unpinned threads from the others. An idle thread per CPU halts its vCPU (Xen blocks it) until
 * an IPI says there is work. The FPU/SSE state is saved on every switch.
 *
 * Why per-CPU queues and not one locked global queue (which this scheduler was first, and which
 * was measured with apps/smp; tools/bench prints the numbers): with one lock every switch on
 * every CPU serialises on it, and on an oversubscribed host (the rig runs 4-40 vCPUs on 2
 * physical CPUs; QEMU TCG runs 4 on 2) the vCPU holding it is often descheduled, so all the
 * others wait for it. Two threads per CPU yielding to each other, the same apps/smp image built
 * both ways and run back to back: 4 rig vCPUs 4.3-26 ms per yield with the global queue against
 * 0.007-0.6 ms with per-CPU queues, where such a switch touches no other CPU's data; 8 rig vCPUs
 * 116 ms against 0.42 ms; QEMU with 4 vCPUs 0.12-19 ms against 3-40 us; 40 rig vCPUs: the
 * global queue did not finish the test in 10 minutes. Stealing keeps the balance a shared queue
 * gave for free.
 *
 * Locking: a thread's state, and its place in a queue, belong to the lock of the CPU in
 * t->cpu (it only changes under that lock); lock_thread() follows it. A CPU holds its own lock
 * from picking the next thread until that thread has finished the switch, so nobody can take a
 * thread whose registers are still being saved (on_cpu); work that needs another CPU's lock
 * (moving a thread pinned elsewhere, waking a joiner) is left for after the switch, so no CPU
 * ever holds two locks except a thief, which takes both in index order.
 *
 * A CPU going offline (kernel/cpu_hotplug.c) closes its queue under its lock: from then on
 * whatever would be queued there (a wake, a new or re-pinned thread, the thread it was running)
 * goes to another online CPU instead, a thread pinned to it loses its pin (with a message, as
 * Linux breaks affinity), and its idle thread hands out what was queued before it goes down.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/idle_halt.h"
#include "arch/x86/irq.h"
#include "arch/x86/spinlock.h"
#include "base/errno.h"
#include "base/string.h"
#include "kernel/cpu.h"
#include "kernel/heap.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/shutdown.h"
#include "kernel/smp.h"
#include "kernel/time.h"
#include "kernel/timer.h"

void switch_stack(uint64_t *save_rsp, uint64_t new_rsp);
void thread_trampoline(void);
void thread_main(void);

static struct thread boot_thread;
static struct thread ap_idle[CPU_MAX]; /* each AP's boot context becomes its idle thread */
static uint8_t clean_fpu[512] __attribute__((aligned(16)));
static unsigned live_threads;
static uint64_t stack_bytes; /* stacks of threads not yet reaped (for the memory report) */
static int next_id = 1;
static int running;
static uint64_t idle_mask; /* CPUs halted (or about to) in their idle loop */
static unsigned stealable; /* unpinned threads sitting in some queue */
static unsigned evict_rr;  /* spreads threads evicted from closing CPUs */

/* ---- queues: with the queue's CPU lock held ---- */

static void q_push(struct cpu *c, struct thread *t)
{
	t->next = NULL;
	if (c->rq_tail)
		c->rq_tail->next = t;
	else
		c->rq_head = t;
	c->rq_tail = t;
	t->queued = 1;
	if (!t->pin)
		__atomic_fetch_add(&stealable, 1, __ATOMIC_SEQ_CST);
}

static void q_unlink(struct cpu *c, struct thread *prev, struct thread *t)
{
	if (prev)
		prev->next = t->next;
	else
		c->rq_head = t->next;
	if (c->rq_tail == t)
		c->rq_tail = prev;
	t->next = NULL;
	t->queued = 0;
	if (!t->pin)
		__atomic_fetch_sub(&stealable, 1, __ATOMIC_SEQ_CST);
}

static struct thread *q_pop(struct cpu *c)
{
	struct thread *t = c->rq_head;

	if (t)
		q_unlink(c, NULL, t);
	return t;
}

static void q_remove(struct cpu *c, struct thread *t)
{
	struct thread *prev = NULL;

	for (struct thread *p = c->rq_head; p; prev = p, p = p->next) {
		if (p == t) {
			q_unlink(c, prev, t);
			return;
		}
	}
}

/* Whether c takes no threads: offline, or asked to go (its queue is emptied meanwhile). */
static int closing(const struct cpu *c)
{
	return __atomic_load_n(&c->rq_closed, __ATOMIC_ACQUIRE) ||
	       __atomic_load_n(&c->offline_req, __ATOMIC_ACQUIRE);
}

/* Another CPU that takes threads, round-robin; CPU 0 (never offline) if none else does. */
static unsigned pick_open(const struct cpu * not )
{
	unsigned n = __atomic_load_n(&cpu_count, __ATOMIC_ACQUIRE);
	unsigned start = __atomic_fetch_add(&evict_rr, 1, __ATOMIC_RELAXED);

	for (unsigned k = 0; k < n; k++) {
		const struct cpu *o = &cpus[(start + k) % n];

		if (o != not &&__atomic_load_n(&o->online, __ATOMIC_ACQUIRE) && !closing(o))
			return o->index;
	}
	return 0;
}

/*
 * With c's lock held, t in no queue: t's state moves to an open CPU (the caller queues it there
 * once c's lock is dropped); a pin to c is broken, and the next enqueue_on says so.
 */
static unsigned evict(struct cpu *c, struct thread *t)
{
	if (t->pin) {
		t->pin_broken = t->pin;
		t->pin = 0;
	}
	__atomic_store_n(&t->cpu, (int)pick_open(c), __ATOMIC_RELEASE);
	return (unsigned)t->cpu;
}

static void report_broken_pin(struct thread *t)
{
	int was = __atomic_exchange_n(&t->pin_broken, 0, __ATOMIC_ACQ_REL);

	if (was)
		pr_warn("sched: thread %d (%s) was pinned to CPU %d, which went offline: it runs "
			"unpinned now (on CPU %d)\n",
			t->id, t->name ? t->name : "?", was - 1, t->cpu);
}

/* Locks the CPU that owns t (t->cpu may move until we hold the right lock). */
static struct cpu *lock_thread(struct thread *t, unsigned long *f)
{
	for (;;) {
		struct cpu *c = &cpus[__atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE)];

		*f = spin_lock_irqsave(&c->rq_lock);
		if ((unsigned)t->cpu == c->index)
			return c;
		spin_unlock_irqrestore(&c->rq_lock, *f);
	}
}

/*
 * After t was queued on c: wake c if it is idle; for an unpinned thread on a busy CPU, wake an
 * idle CPU to steal it. The idle loop sets its bit before it looks for work, so either it sees
 * the thread or we see the bit (the fence orders our queue store before the mask load).
 */
static void kick_for(struct cpu *c, struct thread *t)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	uint64_t idle = __atomic_load_n(&idle_mask, __ATOMIC_SEQ_CST);
	struct cpu *self = this_cpu();

	if ((idle >> c->index) & 1) {
		smp_kick(c);
		return;
	}
	if (t->pin)
		return;
	idle &= ~(1ull << self->index);
	if (idle)
		smp_kick(&cpus[__builtin_ctzll(idle)]);
}

/*
 * With t's CPU lock held, t blocked: it may run again. A thread that has not left its CPU yet
 * (marked blocked, on its way into schedule()) must not be queued, or another CPU could take
 * it while its stack is in use: it is marked running and its schedule() keeps it going.
 */
static int make_runnable(struct cpu *c, struct thread *t)
{
	if (t->state != THREAD_BLOCKED)
		return -1;
	if (t->on_cpu) {
		t->state = THREAD_RUNNING;
		return -1;
	}
	t->state = THREAD_RUNNABLE;
	if (__atomic_load_n(&c->rq_closed, __ATOMIC_ACQUIRE))
		return (int)evict(c, t); /* the caller queues it there */
	q_push(c, t);
	kick_for(c, t);
	return -1;
}

/* Queues a runnable thread that is in no queue on CPU index (t->cpu was set to it). */
static void enqueue_on(unsigned index, struct thread *t)
{
	for (int again = 1; again;) {
		struct cpu *c = &cpus[index];
		unsigned long f = spin_lock_irqsave(&c->rq_lock);

		again = 0;
		if ((unsigned)t->cpu == index && t->state == THREAD_RUNNABLE && !t->queued) {
			if (__atomic_load_n(&c->rq_closed, __ATOMIC_ACQUIRE)) {
				index = evict(c, t);
				again = 1;
			} else {
				q_push(c, t);
				kick_for(c, t);
			}
		}
		spin_unlock_irqrestore(&c->rq_lock, f);
	}
	report_broken_pin(t);
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

uint64_t thread_stack_bytes(void)
{
	return __atomic_load_n(&stack_bytes, __ATOMIC_RELAXED);
}

/* Runs in the thread we switched to, with this CPU's lock held: finishes what the switch began. */
static void finish_switch(void)
{
	struct cpu *c = this_cpu();
	struct thread *prev = c->prev;

	fpu_restore(c->current->fpu);
	c->prev = NULL;
	if (!prev)
		return;
	prev->on_cpu = 0; /* its registers are saved: another CPU may take it now */
	if (prev->state == THREAD_EXITED) {
		/* its stack is no longer in use: a joiner may free it now */
		__atomic_store_n(&prev->reapable, 1, __ATOMIC_RELEASE);
		c->post_wake = prev->joiner;
	}
}

/* Once the lock is dropped: what the switch left that needs another CPU's lock. */
static void post_switch(void)
{
	unsigned long f = irq_save();
	struct cpu *c = this_cpu();
	struct thread *m = c->post_migrate, *w = c->post_wake;

	c->post_migrate = c->post_wake = NULL;
	irq_restore(f);
	if (m)
		enqueue_on((unsigned)m->cpu, m);
	if (w)
		sched_wake(w);
}

void schedule(void)
{
	struct cpu *c = this_cpu();
	unsigned long f = spin_lock_irqsave(&c->rq_lock);
	struct thread *prev = c->current, *next;

	int leaving = closing(c);

	if (prev->state == THREAD_RUNNING && prev != c->idle) {
		prev->state = THREAD_RUNNABLE;
		if (leaving) {
			/* this CPU goes offline: prev carries on elsewhere */
			evict(c, prev);
			c->post_migrate = prev;
		} else if (prev->pin && (unsigned)prev->pin - 1 != c->index) {
			/* pinned elsewhere since it last ran: its new CPU queues it after the switch */
			prev->cpu = prev->pin - 1;
			c->post_migrate = prev;
		} else {
			q_push(c, prev);
		}
	}
	/* a CPU going offline runs nothing more but its idle thread, which takes it down */
	next = leaving ? NULL : q_pop(c);
	if (!next)
		next = prev->state == THREAD_RUNNING ? prev : c->idle;
	next->state = THREAD_RUNNING;
	if (next != prev) {
		c->current = next;
		c->prev = prev;
		c->switches++;
		next->on_cpu = 1;
		fpu_save(prev->fpu);
		switch_stack(&prev->rsp, next->rsp);
		/* back in prev, maybe on another CPU: finish_switch looks this_cpu() up again */
		finish_switch();
		c = this_cpu();
	}
	spin_unlock_irqrestore(&c->rq_lock, f);
	post_switch();
}

void sched_yield(void)
{
	if (running)
		schedule();
}

void sched_set_blocked(void)
{
	unsigned long f;
	struct thread *t = thread_self();
	struct cpu *c = lock_thread(t, &f);

	t->state = THREAD_BLOCKED;
	spin_unlock_irqrestore(&c->rq_lock, f);
}

void sched_set_running(void)
{
	unsigned long f;
	struct thread *t = thread_self();
	struct cpu *c = lock_thread(t, &f);

	/* queued while running: should not happen (make_runnable), but never run it twice */
	if (t->queued)
		q_remove(c, t);
	t->state = THREAD_RUNNING;
	spin_unlock_irqrestore(&c->rq_lock, f);
}

void sched_wake(struct thread *t)
{
	unsigned long f;
	struct cpu *c = lock_thread(t, &f);
	int to = make_runnable(c, t);

	spin_unlock_irqrestore(&c->rq_lock, f);
	if (to >= 0)
		enqueue_on((unsigned)to, t);
}

/* -1 (any CPU) or a CPU that takes threads: 0, else -EINVAL (none such) or -ENODEV (offline). */
static int cpu_usable(int cpu)
{
	if (cpu >= (int)__atomic_load_n(&cpu_count, __ATOMIC_ACQUIRE) || cpu < -1)
		return -EINVAL;
	if (cpu >= 0 &&
	    (!__atomic_load_n(&cpus[cpu].online, __ATOMIC_ACQUIRE) || closing(&cpus[cpu])))
		return -ENODEV;
	return 0;
}

int sched_pin(struct thread *t, int cpu)
{
	int r = cpu_usable(cpu);

	if (r)
		return r;
	struct thread *self = thread_self();
	if (!t)
		t = self;
	unsigned long f;
	struct cpu *c = lock_thread(t, &f);
	int move = 0;

	if (t->queued) {
		q_remove(c, t);
		move = 1;
	}
	t->pin = cpu + 1;
	/* not running: its state moves to the new CPU's lock now (running: at its next switch) */
	if (cpu >= 0 && !t->on_cpu)
		t->cpu = cpu;
	if (move && (unsigned)t->cpu == c->index) {
		q_push(c, t);
		move = 0;
	}
	spin_unlock_irqrestore(&c->rq_lock, f);
	if (move)
		enqueue_on((unsigned)t->cpu, t);
	/* the caller itself: schedule() hands it to its new CPU */
	if (t == self && cpu >= 0 && (unsigned)cpu != this_cpu()->index)
		schedule();
	return 0;
}

unsigned sched_cpu(void)
{
	return this_cpu()->index;
}

/* A new thread's first C code, entered from thread_trampoline with its CPU's lock held. */
void thread_main(void)
{
	struct cpu *c = this_cpu();
	struct thread *t = c->current;

	finish_switch();
	spin_unlock_irqrestore(&c->rq_lock, 1ul << 9); /* threads run with interrupts on */
	post_switch();
	t->fn(t->arg);
	thread_exit();
}

struct thread *thread_create_on(const char *name, void (*fn)(void *), void *arg, size_t stack_size,
				int cpu)
{
	int usable = cpu_usable(cpu);

	/* before the scheduler runs, CPU 0's idle thread is made while no CPU is online yet */
	if (usable == -EINVAL || (usable && sched_running()))
		return NULL;
	struct thread *t = kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	t->stack_size = stack_size ? stack_size : THREAD_STACK_DEFAULT;
	t->stack = kmalloc(t->stack_size);
	if (t->stack)
		__atomic_add_fetch(&stack_bytes, t->stack_size, __ATOMIC_RELAXED);
	if (!t->stack) {
		kfree(t);
		return NULL;
	}
	uint64_t *sp = (uint64_t *)(((uintptr_t)t->stack + t->stack_size) & ~15ul);
	*--sp = 0;			      /* a fake return address for the trampoline */
	*--sp = (uintptr_t)thread_trampoline; /* where switch_stack returns */
	for (int i = 0; i < 6; i++)
		*--sp = 0; /* rbp, rbx, r12-r15 */
	t->rsp = (uintptr_t)sp;
	memcpy(t->fpu, clean_fpu, sizeof(t->fpu));
	t->name = name;
	t->fn = fn;
	t->arg = arg;
	t->pin = cpu + 1;
	/* on its CPU, or on ours: an idle CPU steals it if we stay busy */
	t->cpu = cpu >= 0 ? cpu : (int)this_cpu()->index;
	t->id = __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&live_threads, 1, __ATOMIC_RELAXED);
	t->state = THREAD_RUNNABLE;
	enqueue_on((unsigned)t->cpu, t);
	return t;
}

struct thread *thread_create(const char *name, void (*fn)(void *), void *arg, size_t stack_size)
{
	return thread_create_on(name, fn, arg, stack_size, -1);
}

void thread_exit(void)
{
	struct thread *t = thread_self();

	if (t == &boot_thread)
		kernel_exit(0); /* the boot thread is main(): leaving it ends the guest */
	unsigned long f;
	struct cpu *c = lock_thread(t, &f);
	t->state = THREAD_EXITED;
	spin_unlock_irqrestore(&c->rq_lock, f);
	schedule();
	panic("exited thread %d was scheduled again", t->id);
}

int thread_join(struct thread *t)
{
	if (!t || t == thread_self() || t == &boot_thread)
		return -EINVAL;
	for (;;) {
		unsigned long f;
		int done;

		/* blocked first, then registered: a wake after the check cannot be lost */
		sched_set_blocked();
		struct cpu *c = lock_thread(t, &f);
		done = __atomic_load_n(&t->reapable, __ATOMIC_ACQUIRE);
		if (!done)
			t->joiner = thread_self();
		spin_unlock_irqrestore(&c->rq_lock, f);
		if (done) {
			sched_set_running();
			break;
		}
		schedule();
	}
	kfree(t->stack);
	__atomic_sub_fetch(&stack_bytes, t->stack_size, __ATOMIC_RELAXED);
	kfree(t);
	__atomic_fetch_sub(&live_threads, 1, __ATOMIC_RELAXED);
	return 0;
}

/* An idle CPU takes an unpinned thread from another CPU's queue; 1 when it got one. */
static int steal(struct cpu *me)
{
	for (unsigned i = 0; i < __atomic_load_n(&cpu_count, __ATOMIC_ACQUIRE); i++) {
		struct cpu *v = &cpus[i];

		if (v == me || !__atomic_load_n(&v->rq_head, __ATOMIC_RELAXED))
			continue;
		/* both locks, lower index first: the only place a CPU holds two */
		struct cpu *a = v->index < me->index ? v : me, *b = a == v ? me : v;
		unsigned long f = spin_lock_irqsave(&a->rq_lock);
		spin_lock(&b->rq_lock);
		struct thread *t = v->rq_head, *prev = NULL;
		while (t && t->pin)
			prev = t, t = t->next;
		if (t) {
			q_unlink(v, prev, t);
			t->cpu = me->index;
			q_push(me, t);
			me->steals++;
		}
		spin_unlock(&b->rq_lock);
		spin_unlock_irqrestore(&a->rq_lock, f);
		if (t)
			return 1;
	}
	return 0;
}

static void idle_loop(void *arg)
{
	(void)arg;
	for (;;) {
		struct cpu *c = this_cpu();
		uint64_t bit = 1ull << c->index;

		irq_disable();
		if (__atomic_load_n(&c->offline_req, __ATOMIC_ACQUIRE)) {
			smp_offline_self();
			continue;
		}
		__atomic_fetch_or(&idle_mask, bit, __ATOMIC_SEQ_CST);
		/* sti; hlt: a wake-up after the test ends the hlt (arch/x86/idle_halt.S) */
		if (!__atomic_load_n(&c->rq_head, __ATOMIC_ACQUIRE) &&
		    !__atomic_load_n(&stealable, __ATOMIC_ACQUIRE) &&
		    !__atomic_load_n(&c->offline_req, __ATOMIC_ACQUIRE)) {
			cpu_idle_halt();
		} else {
			irq_enable();
		}
		__atomic_fetch_and(&idle_mask, ~bit, __ATOMIC_SEQ_CST);
		if (!__atomic_load_n(&c->rq_head, __ATOMIC_ACQUIRE) &&
		    __atomic_load_n(&stealable, __ATOMIC_ACQUIRE) && !steal(c))
			cpu_relax(); /* the stealable ones are being taken elsewhere */
		schedule();
	}
}

void sched_init(void)
{
	struct cpu *c = this_cpu();

	fpu_save(clean_fpu);
	boot_thread.name = "main";
	boot_thread.state = THREAD_RUNNING;
	boot_thread.on_cpu = 1;
	boot_thread.cpu = (int)c->index;
	c->current = &boot_thread;
	c->idle = thread_create_on("idle", idle_loop, NULL, 8192, (int)c->index);
	if (!c->idle)
		panic("no memory for the idle thread");
	/* the idle thread runs only when nothing else can */
	unsigned long f = spin_lock_irqsave(&c->rq_lock);
	q_remove(c, c->idle);
	c->idle->state = THREAD_RUNNABLE;
	spin_unlock_irqrestore(&c->rq_lock, f);
	__atomic_fetch_sub(&live_threads, 1, __ATOMIC_RELAXED);
	running = 1;
}

void sched_ap_enter(struct cpu *c)
{
	struct thread *idle = &ap_idle[c->index];

	/* this stack, set up by mp.c with a guard page below it, is the idle thread's from now on */
	idle->name = "idle";
	idle->state = THREAD_RUNNING;
	idle->on_cpu = 1;
	idle->id = -(int)c->index;
	idle->pin = (int)c->index + 1;
	idle->cpu = (int)c->index;
	c->idle = idle;
	c->current = idle;
	__atomic_store_n(&c->online, 1, __ATOMIC_RELEASE);
	idle_loop(NULL);
	__builtin_unreachable();
}

void sched_cpu_close(struct cpu *c)
{
	struct thread *moved = NULL, *t;
	unsigned long f = spin_lock_irqsave(&c->rq_lock);

	__atomic_store_n(&c->rq_closed, 1, __ATOMIC_RELEASE);
	while ((t = q_pop(c))) {
		evict(c, t);
		t->next = moved;
		moved = t;
	}
	spin_unlock_irqrestore(&c->rq_lock, f);
	while ((t = moved)) {
		moved = t->next;
		t->next = NULL;
		enqueue_on((unsigned)t->cpu, t);
	}
}

void sched_cpu_open(struct cpu *c)
{
	unsigned long f = spin_lock_irqsave(&c->rq_lock);

	__atomic_store_n(&c->rq_closed, 0, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&c->rq_lock, f);
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
