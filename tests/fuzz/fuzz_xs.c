/*
 * Fuzzes the xenstore client end to end: xs.c (ring reader, request matching, resync), xs_ops.c
 * (read, write, directory, permissions, transactions) and xs_watch.c, against a fake xenstored
 * whose every move comes from the input. The guest's threads run cooperatively here: schedule()
 * lets the fake server act, then runs the real reader and watch loops until they wait again.
 * Checked: a reply completes only its own request; a well-framed server that turns well-behaved
 * gets every later request answered (never a silent wedge); the counters agree.
 */
#include <stdarg.h>
#include <sanitizer/asan_interface.h>
#include "tests/fuzz/fuzz.h"
/* the transport itself, so its reader and state are reachable (the very file the guest runs) */
#include "drivers/xenbus/xs.c"
#include "kernel/heap.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/time.h"

#define STEP_NS	    (200ull * 1000000ull)
#define PENDING_MAX 64
#define LOG_MAX	    256

/* ---- the kernel around the client ---- */

struct xen_info xen = { .present = 1, .hypercalls = 1 };
static uint64_t now_ns;
static struct xenstore_domain_interface *page;
static int verbose;

int xen_hvm_get_param(uint32_t index, uint64_t *value)
{
	*value = index == HVM_PARAM_STORE_PFN ? (uintptr_t)page >> 12 : 5;
	return 0;
}
int sched_sleep_ns(uint64_t ns)
{
	now_ns += ns; /* the store is up at once here: only the late-start wait would nap */
	return 0;
}
void suspend_hook_register(struct suspend_hook *h)
{
	(void)h; /* no suspend in the harness: the gate stays open */
}
int evtchn_available(void)
{
	return 1;
}
int evtchn_bind(evtchn_port_t p, evtchn_handler_t fn, void *arg)
{
	(void)p, (void)fn, (void)arg;
	return 0;
}
int evtchn_notify(evtchn_port_t p)
{
	(void)p;
	return 0;
}
void *kmalloc(size_t n)
{
	return n ? malloc(n) : NULL;
}
void *kzalloc(size_t n)
{
	return n ? calloc(1, n) : NULL;
}
void kfree(void *p)
{
	free(p);
}
int printk(int level, const char *fmt, ...)
{
	va_list ap;

	(void)level;
	if (verbose) {
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
	}
	return 0;
}
uint64_t time_monotonic_ns(void)
{
	return now_ns;
}
int sched_running(void)
{
	return 1;
}

/* three threads: the caller (the fuzz driver), the reader and the watch thread */
enum { T_MAIN, T_READER, T_WATCH };
static struct thread threads[3];
static void (*thread_fn[3])(void *);
static int cur, exited[3];
/*
 * Where each thread parks: __builtin_setjmp/__builtin_longjmp, not the libc pair. ASan intercepts
 * longjmp to unpoison the stack it abandons, and that costs a sigaltstack system call and a
 * shadow clear per jump: with a jump per scheduling step it was most of this harness's time
 * (2,000 executions a second). The frames a jump abandons lie between the jump and the parking
 * frame, both known here, so that range alone is unpoisoned before jumping (jump_to).
 */
static void *parked[3][5];
static char *parked_sp[3];
static struct waitq *last_wq;

struct thread *thread_create(const char *name, void (*fn)(void *), void *arg, size_t stack)
{
	int t = strcmp(name, "xenstore-rx") ? T_WATCH : T_READER;

	(void)arg, (void)stack;
	thread_fn[t] = fn;
	return &threads[t];
}
struct thread *thread_self(void)
{
	return &threads[cur];
}
void waitq_prepare(struct waitq *wq, struct waitq_entry *e)
{
	(void)e;
	last_wq = wq;
}
void waitq_finish(struct waitq *wq, struct waitq_entry *e)
{
	(void)wq, (void)e;
}
void waitq_wake_all(struct waitq *wq)
{
	(void)wq;
}
void waitq_wake_one(struct waitq *wq)
{
	(void)wq;
}
/* each thread's wait in progress: when it ends by a timeout (0: none) */
static uint64_t deadline[3];

void waitq_timeout_start(struct waitq_timeout *to, uint64_t ns)
{
	to->armed = 1;
	to->timer.deadline = now_ns + ns;
	deadline[cur] = to->timer.deadline;
}
int waitq_timeout_expired(struct waitq_timeout *to)
{
	return now_ns >= to->timer.deadline;
}
void waitq_timeout_stop(struct waitq_timeout *to)
{
	(void)to;
	deadline[cur] = 0;
}

/* Runs thread t until it waits (it longjmps back here from schedule) or returns. */
static void run_thread(int t)
{
	if (!thread_fn[t] || exited[t])
		return;
	char mark;

	cur = t;
	parked_sp[t] = &mark;
	if (!__builtin_setjmp(parked[t])) {
		thread_fn[t](NULL);
		exited[t] = 1;
	}
	cur = T_MAIN;
}

/*
 * The jump itself: outside ASan (which would put its whole-stack unpoisoning in front of any call
 * it sees cannot return) and called through a pointer, so no caller learns that it never returns.
 */
__attribute__((no_sanitize("address"), noinline)) static void jump_to(int t)
{
	char *low = (char *)__builtin_frame_address(0) - 256;

	ASAN_UNPOISON_MEMORY_REGION(low, (size_t)(parked_sp[t] - low));
	__builtin_longjmp(parked[t], 1);
}
static void (*volatile jump_back)(int t) = jump_to;

static int peer_step(void);

/* What a scheduling step can change that a waiting thread could be waiting for. */
struct progress {
	size_t in_left;
	uint32_t req_prod, req_cons, rsp_prod, rsp_cons, connection, out_len, npend;
	uint64_t replies, resyncs;
};
static uint64_t skips, steps;

static struct progress progress(void);

/*
 * Virtual time: a step lets the fake server act (input permitting), then the reader and watch
 * threads run. A step after which nothing can have moved (or one the server spent silent) would
 * only repeat itself until the waiting thread's deadline, so time jumps there at once: a timeout
 * costs one step, not the 50 of 200 ms it spans, and a silent server means "until it times out".
 */
void schedule(void)
{
	/* a thread back at its idle wait gives the CPU back; any other wait lets time pass */
	if (cur == T_WATCH ||
	    (cur == T_READER && last_wq == &rx_wq && page->connection != XENSTORE_RECONNECT)) {
		jump_back(cur);
	}
	struct progress before = progress(), after;
	int silent;

	steps++;
	now_ns += STEP_NS;
	silent = peer_step();
	if (cur == T_MAIN) {
		run_thread(T_READER);
		run_thread(T_WATCH);
	}
	after = progress();
	if ((silent || !memcmp(&before, &after, sizeof(before))) && deadline[cur] > now_ns) {
		now_ns = deadline[cur];
		skips++;
	}
}

/* ---- the fake xenstored ---- */

static struct fz in;
static struct {
	uint32_t req_cons; /* its own view: a corrupted shared index does not fool it */
	char req[XS_MSG_MAX];
	uint32_t have;
	struct xsd_sockmsg pend[PENDING_MAX];
	char pend_path[PENDING_MAX][64];
	unsigned npend;
	char out[16384];
	uint32_t out_len;
	int misframed;	   /* it sent bytes that are not whole messages, or moved indices */
	int was_misframed; /* before a ring reset */
	int features;
	/* replies sent, for the "its own reply" check */
	struct {
		uint32_t req_id, type, len;
		char payload[256];
	} log[LOG_MAX];
	unsigned nlog;
	char tokens[4][24];
	/* the READ requests it took: path and req_id */
	struct {
		char path[32];
		uint32_t req_id;
	} reads[64];
	unsigned nreads;
} peer;

static void peer_queue(const void *p, uint32_t n)
{
	if (n > sizeof(peer.out) - peer.out_len)
		n = sizeof(peer.out) - peer.out_len; /* the fake's own limit: it drops the rest */
	memcpy(peer.out + peer.out_len, p, n);
	peer.out_len += n;
}

static void peer_msg(uint32_t type, uint32_t req_id, uint32_t tx, const void *p, uint32_t n)
{
	struct xsd_sockmsg h = { type, req_id, tx, n };

	if (verbose)
		fprintf(stderr, "peer: sends type %u req_id %u len %u\n", type, req_id, n);
	if (sizeof(h) + n > sizeof(peer.out) - peer.out_len)
		return;
	peer_queue(&h, sizeof(h));
	peer_queue(p, n);
	if (peer.nlog < LOG_MAX && type != XS_WATCH_EVENT) {
		peer.log[peer.nlog].req_id = req_id;
		peer.log[peer.nlog].type = type;
		peer.log[peer.nlog].len = n;
		memcpy(peer.log[peer.nlog].payload, p, n < 256 ? n : 256);
		peer.nlog++;
	}
}

/* Takes the guest's requests out of the request ring. */
static void peer_read_requests(void)
{
	while (peer.req_cons != page->req_prod &&
	       (uint32_t)(page->req_prod - peer.req_cons) <= XENSTORE_RING_SIZE) {
		peer.req[peer.have++] = page->req[MASK_XENSTORE_IDX(peer.req_cons)];
		peer.req_cons++;
		struct xsd_sockmsg *h = (struct xsd_sockmsg *)peer.req;
		if (peer.have < XS_HDR_SIZE)
			continue;
		if (h->len > XENSTORE_PAYLOAD_MAX) {
			peer.have = 0; /* garbage (a corrupted req_cons): start over */
			continue;
		}
		if (peer.have < XS_HDR_SIZE + h->len)
			continue;
		if (h->type == XS_WATCH && h->len < sizeof(peer.tokens[0]) * 3) {
			const char *tok =
			    peer.req + XS_HDR_SIZE + strnlen(peer.req + XS_HDR_SIZE, h->len) + 1;
			if (tok < peer.req + XS_HDR_SIZE + h->len)
				snprintf(peer.tokens[h->req_id % 4], sizeof(peer.tokens[0]), "%.*s",
					 (int)(peer.req + XS_HDR_SIZE + h->len - tok), tok);
		}
		if (verbose)
			fprintf(stderr, "peer: takes type %u req_id %u len %u\n", h->type,
				h->req_id, h->len);
		if (h->type == XS_READ && peer.nreads < 64) {
			snprintf(peer.reads[peer.nreads].path, 32, "%.*s", (int)h->len,
				 peer.req + XS_HDR_SIZE);
			peer.reads[peer.nreads++].req_id = h->req_id;
		}
		if (peer.npend < PENDING_MAX) {
			peer.pend[peer.npend] = *h;
			snprintf(peer.pend_path[peer.npend], 64, "%.*s", (int)h->len,
				 peer.req + XS_HDR_SIZE);
			peer.npend++;
		}
		peer.have = 0;
	}
	page->req_cons = peer.req_cons;
}

static void peer_flush(void)
{
	uint32_t k = 0;

	while (k < peer.out_len && page->rsp_prod - page->rsp_cons < XENSTORE_RING_SIZE) {
		page->rsp[MASK_XENSTORE_IDX(page->rsp_prod)] = peer.out[k++];
		page->rsp_prod++;
	}
	memmove(peer.out, peer.out + k, peer.out_len - k);
	peer.out_len -= k;
}

static void take_pending(unsigned i)
{
	memmove(&peer.pend[i], &peer.pend[i + 1], (peer.npend - i - 1) * sizeof(peer.pend[0]));
	memmove(peer.pend_path[i], peer.pend_path[i + 1], (peer.npend - i - 1) * 64);
	peer.npend--;
}

/* What a real xenstored would answer. */
static void peer_answer(const struct xsd_sockmsg *h)
{
	static const char *const ok[] = {
		[XS_READ] = "1",
		[XS_DIRECTORY] = "a\0bc\0",
		[XS_TRANSACTION_START] = "7\0",
		[XS_GET_DOMAIN_PATH] = "/local/domain/1\0",
		[XS_GET_PERMS] = "b1\0r0\0",
	};
	static const uint32_t ok_len[] = {
		[XS_READ] = 1,
		[XS_DIRECTORY] = 6,
		[XS_TRANSACTION_START] = 2,
		[XS_GET_DOMAIN_PATH] = 16,
		[XS_GET_PERMS] = 6,
	};
	if (h->type < sizeof(ok) / sizeof(ok[0]) && ok[h->type])
		peer_msg(h->type, h->req_id, h->tx_id, ok[h->type], ok_len[h->type]);
	else
		peer_msg(h->type, h->req_id, h->tx_id, "OK", 3);
}

static void peer_reset(void)
{
	page->req_cons = page->req_prod = page->rsp_cons = page->rsp_prod = 0;
	peer.req_cons = 0;
	peer.have = 0;
	peer.out_len = 0;
	peer.npend = 0;
	peer.was_misframed |= peer.misframed; /* what the client read before may be garbage */
	peer.misframed = 0;		      /* a fresh stream */
	__atomic_store_n(&page->connection, XENSTORE_CONNECTED, __ATOMIC_RELEASE);
}

static struct progress progress(void)
{
	struct progress p;

	memset(&p, 0, sizeof(p)); /* no padding left to compare */
	p.in_left = in.n;
	p.req_prod = page->req_prod;
	p.req_cons = page->req_cons;
	p.rsp_prod = page->rsp_prod;
	p.rsp_cons = page->rsp_cons;
	p.connection = page->connection;
	p.out_len = peer.out_len;
	p.npend = peer.npend;
	p.replies = xs_stats.replies;
	p.resyncs = xs_stats.resyncs;
	return p;
}

/* The server's move in one step; returns 1 when it chose to stay silent. */
static int peer_step(void)
{
	static const char *const errs[] = { "ENOENT", "EAGAIN", "EACCES", "EINVAL",
					    "EIO",    "EQUOTA", "EBUSY",  "EWHAT" };
	char buf[256];

	if (page->connection == XENSTORE_RECONNECT && (peer.features & 1) &&
	    (!in.n || fz_u8(&in) & 1))
		peer_reset();
	peer_read_requests();
	if (!in.n) {
		/* out of input: a well-behaved server from now on */
		while (peer.npend) {
			peer_answer(&peer.pend[0]);
			take_pending(0);
		}
		peer_flush();
		return 0;
	}
	uint8_t n, act = fz_u8(&in);
	if (verbose)
		fprintf(stderr, "peer: action %u, %u pending, t=%llu ms\n", act % 10, peer.npend,
			(unsigned long long)(now_ns / 1000000));
	struct xsd_sockmsg h;
	switch (act % 10) {
	case 0: /* the oldest request answered with bytes of the input */
		n = fz_u8(&in);
		fz_bytes(&in, buf, n);
		if (peer.npend) {
			peer_msg(peer.pend[0].type, peer.pend[0].req_id, 0, buf, n);
			take_pending(0);
		}
		break;
	case 1: /* an error */
		if (peer.npend) {
			const char *e = errs[fz_u8(&in) % 8];
			peer_msg(XS_ERROR, peer.pend[0].req_id, 0, e, (uint32_t)strlen(e) + 1);
			take_pending(0);
		}
		break;
	case 2: /* a watch event */
		n = fz_u8(&in) % 64;
		fz_bytes(&in, buf, n);
		buf[n] = 0;
		const char *tok = peer.tokens[fz_u8(&in) % 4];
		size_t tl = strlen(tok);
		memcpy(buf + n + 1, tok, tl + 1);
		peer_msg(XS_WATCH_EVENT, 0, 0, buf, (uint32_t)(n + tl + 2));
		break;
	case 3: /* raw bytes */
		n = fz_u8(&in);
		fz_bytes(&in, buf, n);
		peer_queue(buf, n);
		peer.misframed |= n != 0;
		break;
	case 4: /* a header of the input's choosing */
		fz_bytes(&in, &h, sizeof(h));
		n = fz_u8(&in);
		fz_bytes(&in, buf, n);
		if (act & 0x80 && peer.npend)
			h.req_id = peer.pend[fz_u8(&in) % peer.npend].req_id;
		if (verbose)
			fprintf(stderr, "peer: header type %u req_id %u len %u, %u bytes\n", h.type,
				h.req_id, h.len, h.len < n ? h.len : n);
		peer_queue(&h, sizeof(h));
		peer_queue(buf, h.len < n ? h.len : n);
		/* a length no message may have is framing lost on purpose: the client resyncs */
		if (h.len <= XENSTORE_PAYLOAD_MAX && h.len != (h.len < n ? h.len : n))
			peer.misframed = 1;
		if (h.len <= XENSTORE_PAYLOAD_MAX && peer.nlog < LOG_MAX)
			peer.misframed |= xs_wire_type_known(h.type); /* an unlogged reply */
		break;
	case 5: /* silence: time passes (until the waiter's deadline) */
		peer_flush();
		return 1;
	case 6: /* the response producer jumps */
		page->rsp_prod += fz_u32(&in);
		peer.misframed = 1;
		break;
	case 7: /* the request consumer jumps */
		page->req_cons += fz_u32(&in);
		peer.misframed = 1;
		break;
	case 8: /* some request answered properly, out of order */
		if (peer.npend) {
			unsigned i = fz_u8(&in) % peer.npend;
			peer_answer(&peer.pend[i]);
			take_pending(i);
		}
		break;
	case 9: /* a duplicate of an earlier reply */
		if (peer.nlog) {
			unsigned i = fz_u8(&in) % peer.nlog;
			peer_msg(peer.log[i].type, peer.log[i].req_id, 0, peer.log[i].payload,
				 peer.log[i].len < 256 ? peer.log[i].len : 256);
		}
		break;
	}
	peer_flush();
	return 0;
}

/* ---- the driver ---- */

static unsigned fired;
static void on_event(struct xs_watch *w, const char *path)
{
	(void)w;
	FZ_CHECK(path && strlen(path) < XENSTORE_PAYLOAD_MAX);
	fired++;
}

static struct xs_watch watches[2] = { { .path = "/w0", .fn = on_event },
				      { .path = "/w1", .fn = on_event } };

/* The reply an xs_read of path got must be one the server sent to that very request. */
static void check_own_reply(const char *path, const char *v, int len)
{
	uint32_t id = 0;

	if (peer.misframed || peer.was_misframed)
		return;
	for (unsigned i = 0; i < peer.nreads; i++)
		if (!strcmp(peer.reads[i].path, path))
			id = peer.reads[i].req_id;
	FZ_CHECK(id); /* the server saw the request */
	/* the first READ-typed reply with that req_id is the one the client took */
	for (unsigned i = 0; i < peer.nlog; i++) {
		if (peer.log[i].req_id != id || peer.log[i].type != XS_READ)
			continue;
		FZ_CHECK((int)peer.log[i].len == len &&
			 !memcmp(peer.log[i].payload, v, len < 256 ? len : 256));
		return;
	}
	FZ_CHECK(peer.nlog == LOG_MAX); /* else it must have been logged */
}

static int txn_body(const struct xs_ctx *tx, void *arg)
{
	(void)arg;
	return xs_write(tx, "/t", "v");
}

static void one_op(uint8_t op, unsigned k)
{
	char path[32], buf[64];
	char **list;
	struct xs_perm perms[4];
	uint64_t v;
	int r;

	snprintf(path, sizeof(path), "/p%u", k);
	switch (op % 8) {
	case 0:
		r = xs_read(NULL, path, buf, sizeof(buf));
		FZ_CHECK(r < (int)sizeof(buf));
		if (r >= 0) {
			FZ_CHECK(buf[r] == 0);
			check_own_reply(path, buf, r);
		}
		break;
	case 1:
		xs_write(NULL, path, "value");
		break;
	case 2:
		r = xs_directory(NULL, path, &list);
		if (r >= 0) {
			for (int i = 0; i < r; i++)
				FZ_CHECK(list[i] && list[i][0]);
			FZ_CHECK(!list[r]);
			kfree(list);
		}
		break;
	case 3:
		xs_transaction(NULL, txn_body, NULL);
		break;
	case 4:
		if (!watches[k & 1].active)
			xs_watch(NULL, &watches[k & 1]);
		break;
	case 5:
		if (watches[k & 1].active)
			xs_unwatch(NULL, &watches[k & 1]);
		break;
	case 6:
		r = xs_get_perms(NULL, path, perms, 4);
		FZ_CHECK(r <= 4);
		break;
	case 7:
		xs_read_uint(NULL, path, &v);
		break;
	}
}

/* Everything the previous input left: the shared page, the client's state, the fake server's. */
static void reset_all(void)
{
	if (!page)
		page = aligned_alloc(4096, 4096);
	memset(page, 0, 4096);
	memset(&peer, 0, sizeof(peer));
	now_ns = 0;
	steps = skips = 0;
	ring = NULL;
	broken = 0;
	writer_busy = 0;
	memset(&xs_stats, 0, sizeof(xs_stats));
	memset(exited, 0, sizeof(exited));
	memset(deadline, 0, sizeof(deadline));
	cur = T_MAIN;
	verbose = getenv("FUZZ_VERBOSE") != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	in = (struct fz){ data, size };
	reset_all();
	peer.features = fz_u8(&in);
	page->server_features = peer.features & 1 ? XENSTORE_SERVER_FEATURE_RECONNECTION : 0;
	int r = xs_init();
	for (unsigned k = 0; !r && in.n && k < 32; k++)
		one_op(fz_u8(&in), k);
	in.n = 0; /* what the operations left unread: the server behaves from here on */
	for (unsigned i = 0; i < 2; i++)
		if (watches[i].active && xs_unwatch(NULL, &watches[i]))
			FZ_CHECK(!watches[i].active);
	if (!r) {
		/* the server is well-behaved now: no request may hang */
		char buf[16];
		int misframed = peer.misframed;

		r = xs_read(NULL, "/final", buf, sizeof(buf));
		if (verbose)
			fprintf(stderr,
				"final read: %d, broken %d, misframed %d; %llu steps, %llu skipped "
				"to a deadline\n",
				r, broken, misframed, (unsigned long long)steps,
				(unsigned long long)skips);
		if (!misframed)
			FZ_CHECK(r == 1 || (r == -EIO && broken));
		if (broken)
			FZ_CHECK(xs_stats.ring_errors > 0);
	}
	FZ_CHECK(xs_stats.replies <= xs_stats.requests);
	FZ_CHECK(xs_stats.resets <= xs_stats.resyncs && xs_stats.resyncs <= xs_stats.oversized);
	run_thread(T_WATCH); /* what is still queued */
	return 0;
}
