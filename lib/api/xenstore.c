/* The application's xenstore API (include/pvhkit/xenstore.h) as thin wrappers over the client. */
#include "drivers/xenbus/xenbus.h"
#include "kernel/heap.h"
#include "lib/sys/sys.h"
#include "pvhkit/xenstore.h"

/* NULL stays NULL: the client's defaults */
#define CTX(c) ((c) ? &(struct xs_ctx){ (c)->tx_id, (c)->timeout_ns } : NULL)

/* the client's errors are the kernel's numbers; apps compare with their libc's <errno.h> */
static int err(int r)
{
	return (int)libc_err(r);
}

int pvh_xenstore_available(void)
{
	return xs_available();
}

unsigned pvh_xenstore_domid(void)
{
	return xs_domid();
}

const char *pvh_xenstore_home(void)
{
	return xs_home();
}

int pvh_xenstore_read(const struct pvh_xenstore_ctx *c, const char *path, char *buf, size_t cap)
{
	return err(xs_read(CTX(c), path, buf, cap));
}

int pvh_xenstore_write(const struct pvh_xenstore_ctx *c, const char *path, const char *value)
{
	return err(xs_write(CTX(c), path, value));
}

int pvh_xenstore_mkdir(const struct pvh_xenstore_ctx *c, const char *path)
{
	return err(xs_mkdir(CTX(c), path));
}

int pvh_xenstore_rm(const struct pvh_xenstore_ctx *c, const char *path)
{
	return err(xs_rm(CTX(c), path));
}

int pvh_xenstore_directory(const struct pvh_xenstore_ctx *c, const char *path, char ***list)
{
	return err(xs_directory(CTX(c), path, list));
}

struct tx_call {
	int (*fn)(const struct pvh_xenstore_ctx *tx, void *arg);
	void *arg;
};

static int tx_adapter(const struct xs_ctx *tx, void *arg)
{
	struct tx_call *call = arg;
	struct pvh_xenstore_ctx c = { tx->tx_id, tx->timeout_ns };

	/* the app's errno (its libc's numbers) back into the kernel's, so -EAGAIN still retries */
	return (int)libc_err_to_sys(call->fn(&c, call->arg));
}

int pvh_xenstore_transaction(const struct pvh_xenstore_ctx *c,
			     int (*fn)(const struct pvh_xenstore_ctx *tx, void *arg), void *arg)
{
	struct tx_call call = { fn, arg };

	return err(xs_transaction(CTX(c), tx_adapter, &call));
}

struct pvh_xenstore_watch {
	struct xs_watch w;
	void (*fn)(const char *path, void *arg);
	void *arg;
	char path[];
};

static void watch_adapter(struct xs_watch *w, const char *path)
{
	struct pvh_xenstore_watch *x = w->arg;

	x->fn(path, x->arg);
}

struct pvh_xenstore_watch *pvh_xenstore_watch(const char *path,
					      void (*fn)(const char *path, void *arg), void *arg)
{
	size_t l = 0;

	while (path[l])
		l++;
	struct pvh_xenstore_watch *x = kzalloc(sizeof(*x) + l + 1);

	if (!x)
		return NULL;
	for (size_t i = 0; i <= l; i++)
		x->path[i] = path[i];
	x->fn = fn;
	x->arg = arg;
	x->w = (struct xs_watch){ .path = x->path, .fn = watch_adapter, .arg = x };
	if (xs_watch(NULL, &x->w)) {
		kfree(x);
		return NULL;
	}
	return x;
}

int pvh_xenstore_unwatch(struct pvh_xenstore_watch *x)
{
	int r = xs_unwatch(NULL, &x->w);

	/* after a timeout its callback may still be running: leaking beats a use after free */
	if (r != -ETIMEDOUT)
		kfree(x);
	return err(r);
}

static struct {
	void (*fn)(int reboot, void *arg);
	void *arg;
} app_hooks[8];

static void hook_adapter(enum xenbus_shutdown how, void *arg)
{
	unsigned i = (unsigned)(uintptr_t)arg;

	app_hooks[i].fn(how == XENBUS_REBOOT, app_hooks[i].arg);
}

int pvh_xenstore_on_shutdown(void (*hook)(int reboot, void *arg), void *arg)
{
	static unsigned n;

	if (n == 8)
		return err(-ENOSPC);
	app_hooks[n].fn = hook;
	app_hooks[n].arg = arg;
	int r = xenbus_on_shutdown(hook_adapter, (void *)(uintptr_t)n);

	if (!r)
		n++;
	return err(r);
}
