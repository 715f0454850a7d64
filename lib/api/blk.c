/* The block API for apps (include/pvhkit/blk.h) over blkfront's own records, and its synchronous wrappers. */
#include <stddef.h>
#include "drivers/blkfront/blkfront.h"
#include "base/errno.h"
#include "kernel/sched.h"
#include "kernel/waitq.h"
#include "lib/sys/sys.h"
#include "pvhkit/blk.h"

/* an app's request carries the driver's (priv) while in flight: no allocation per request */
_Static_assert(sizeof(struct blkfront_req) <= sizeof(((struct pvh_blk_req *)0)->priv),
	       "pvh_blk_req.priv must hold a blkfront_req");
_Static_assert(_Alignof(struct blkfront_req) <= _Alignof(uint64_t), "blkfront_req alignment");
_Static_assert(PVH_BLK_READ == (int)BLKFRONT_READ && PVH_BLK_WRITE == (int)BLKFRONT_WRITE &&
		   PVH_BLK_FLUSH == (int)BLKFRONT_FLUSH && PVH_BLK_DISCARD == (int)BLKFRONT_DISCARD,
	       "the operations are numbered alike");

/* pvh_blk_dev_t is opaque: the driver's struct blk_dev behind another name */
static struct blk_dev *dev(pvh_blk_dev_t *d)
{
	return (struct blk_dev *)d;
}

/* the driver's errors are the kernel's numbers; apps compare with their libc's <errno.h> */
static int err(int r)
{
	return (int)libc_err(r);
}

int pvh_blk_init(void)
{
	return err(blkfront_init());
}

pvh_blk_dev_t *pvh_blk_open_index(unsigned i)
{
	return (pvh_blk_dev_t *)blkfront_open_index(i);
}

pvh_blk_dev_t *pvh_blk_open(const char *name)
{
	return (pvh_blk_dev_t *)blkfront_open(name);
}

pvh_blk_dev_t *pvh_blk_wait(const char *name, uint64_t timeout_ns)
{
	return (pvh_blk_dev_t *)blkfront_wait(name, timeout_ns);
}

int pvh_blk_info(pvh_blk_dev_t *d, struct pvh_blk_info *info)
{
	struct blkfront_info f;

	if (!info)
		return err(-EINVAL);
	int r = blkfront_info(dev(d), &f);
	if (r)
		return err(r);
	*info = (struct pvh_blk_info){
		.vdev = f.vdev,
		.size = f.size,
		.sector_size = f.sector_size,
		.physical_sector_size = f.physical_sector_size,
		.read_only = f.read_only,
		.removable = f.removable,
		.cdrom = f.cdrom,
		.connected = f.connected,
		.flush = f.flush,
		.barrier = f.barrier,
		.discard = f.discard,
		.persistent = f.persistent,
		.discard_granularity = f.discard_granularity,
		.discard_alignment = f.discard_alignment,
		.max_segments = f.max_segments,
		.ring_pages = f.ring_pages,
		.ring_entries = f.ring_entries,
		.max_inflight = f.max_inflight,
	};
	_Static_assert(sizeof(info->name) == sizeof(f.name), "name sizes");
	for (size_t i = 0; i < sizeof(f.name); i++)
		info->name[i] = f.name[i];
	return 0;
}

int pvh_blk_stats(pvh_blk_dev_t *d, struct pvh_blk_stats *st)
{
	struct blkfront_stats f;

	if (!st)
		return err(-EINVAL);
	int r = blkfront_stats(dev(d), &f);
	if (r)
		return err(r);
	*st = (struct pvh_blk_stats){
		.requests = f.requests,
		.ring_requests = f.ring_requests,
		.indirect_requests = f.indirect_requests,
		.completions = f.completions,
		.errors = f.errors,
		.bytes_read = f.bytes_read,
		.bytes_written = f.bytes_written,
		.bad_id = f.bad_id,
		.dup_rsp = f.dup_rsp,
		.wrong_op = f.wrong_op,
		.bad_status = f.bad_status,
		.bad_rsp_prod = f.bad_rsp_prod,
		.grants_busy = f.grants_busy,
		.failed_on_close = f.failed_on_close,
		.notifies = f.notifies,
		.interrupts = f.interrupts,
		.timeouts = f.timeouts,
		.bad_states = f.bad_states,
		.bad_features = f.bad_features,
	};
	return 0;
}

/* the driver's completion, handed on to the app's callback */
static void req_done(struct blkfront_req *f, int status)
{
	struct pvh_blk_req *r = f->arg;

	r->done(r, err(status));
}

int pvh_blk_submit(pvh_blk_dev_t *d, struct pvh_blk_req *r)
{
	if (!r || !r->done)
		return err(-EINVAL);
	struct blkfront_req *f = (struct blkfront_req *)r->priv;

	*f = (struct blkfront_req){
		(enum blkfront_op)r->op, r->offset, r->len, r->buf, req_done, r, 0, 0
	};
	return err(blkfront_submit(dev(d), f));
}

static void (*hotplug_fn)(pvh_blk_dev_t *d, int attached, void *arg);
static void *hotplug_arg;

static void hotplug(struct blk_dev *d, int attached, void *arg)
{
	void (*fn)(pvh_blk_dev_t *, int, void *) = __atomic_load_n(&hotplug_fn, __ATOMIC_ACQUIRE);

	(void)arg;
	if (fn)
		fn((pvh_blk_dev_t *)d, attached, hotplug_arg);
}

void pvh_blk_set_hotplug_handler(void (*fn)(pvh_blk_dev_t *d, int attached, void *arg), void *arg)
{
	hotplug_arg = arg;
	__atomic_store_n(&hotplug_fn, fn, __ATOMIC_RELEASE);
	blkfront_set_hotplug(fn ? hotplug : NULL, NULL);
}

/* ---- synchronous wrappers: one asynchronous request, waited for ---- */

struct sync {
	struct waitq wq;
	int done, status;
};

/*
 * The waiter's struct sync lives on its stack: done is set and the waiter woken under the wait
 * queue's lock, which the waiter must take (waitq_finish) before it can return and free it.
 */
static void sync_done(struct pvh_blk_req *r, int status)
{
	struct sync *s = r->arg;
	unsigned long f = spin_lock_irqsave(&s->wq.lock);

	s->status = status;
	__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
	for (struct waitq_entry *e = s->wq.head; e; e = e->next) {
		e->woken = 1;
		sched_wake(e->t);
	}
	spin_unlock_irqrestore(&s->wq.lock, f);
}

static int sync_io(pvh_blk_dev_t *d, enum pvh_blk_op op, uint64_t off, void *buf, size_t len)
{
	struct sync s = { WAITQ_INIT, 0, 0 };
	struct pvh_blk_req r = {
		.op = op, .offset = off, .len = len, .buf = buf, .done = sync_done, .arg = &s
	};
	int e = pvh_blk_submit(d, &r);

	if (e)
		return e;
	WAIT_UNTIL(&s.wq, __atomic_load_n(&s.done, __ATOMIC_ACQUIRE));
	return s.status;
}

int pvh_blk_read(pvh_blk_dev_t *d, uint64_t offset, void *buf, size_t len)
{
	return sync_io(d, PVH_BLK_READ, offset, buf, len);
}

int pvh_blk_write(pvh_blk_dev_t *d, uint64_t offset, const void *buf, size_t len)
{
	return sync_io(d, PVH_BLK_WRITE, offset, (void *)buf, len);
}

int pvh_blk_flush(pvh_blk_dev_t *d)
{
	return sync_io(d, PVH_BLK_FLUSH, 0, NULL, 0);
}

int pvh_blk_discard(pvh_blk_dev_t *d, uint64_t offset, size_t len)
{
	return sync_io(d, PVH_BLK_DISCARD, offset, NULL, len);
}
