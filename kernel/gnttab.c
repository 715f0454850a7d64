/* Grant tables v1: frames mapped with XENMEM_add_to_physmap, entries written in the documented order. */
/*
 * A grant is how a domain lets one other domain use one of its pages. Entry "ref" of our grant
 * table (frames Xen owns, which we map into our physical space with XENMEM_add_to_physmap)
 * says "domain D may use frame F", read-only or not. Only the ref travels to the peer (in
 * xenstore or a ring request); the peer asks Xen to map or copy it, and Xen checks the entry
 * on every such use, so the entry is the whole permission.
 * A v1 entry's life: free -> we write frame and domid -> we write flags (GTF_permit_access,
 * GTF_readonly maybe), which makes it live -> the peer maps it, and Xen sets GTF_reading or
 * GTF_writing in our flags for as long as the mapping exists -> the peer unmaps (Xen clears
 * them) -> we revoke by clearing flags -> the ref is free again.
 * Frame and domid are stored before flags, with a release barrier between: Xen may act on the
 * entry the instant the permit bit shows, and a half-written entry would grant the wrong page
 * or to the wrong domain. Revoking is a compare-and-swap of flags to 0 that only succeeds
 * while neither GTF_reading nor GTF_writing is set: a plain store would wipe the bits of a
 * mapping that exists (or is being set up this instant), and we would take back a page the
 * peer still writes to. When the peer does still map it, the ref is parked for good and the
 * page must be neither reused nor freed: the rule every driver's teardown follows
 * (drivers/xenbus/xenbus_front.h).
 */
#include <stddef.h>
#include "arch/x86/hypercall.h"
#include "arch/x86/spinlock.h"
#include "arch/x86/xen.h"
#include "base/errno.h"
#include "kernel/gnttab.h"
#include "kernel/gnttab_refs.h"
#include "kernel/heap.h"
#include "kernel/pmem.h"
#include "kernel/printk.h"

#define FRAMES_WANTED	  4 /* 2048 refs; Xen's default limit is 64 frames */
#define ENTRIES_PER_FRAME (PAGE_SIZE / sizeof(grant_entry_v1_t))

static grant_entry_v1_t *table;
static uint32_t table_frames;
static struct gnttab_refs refs;
static spinlock_t gnttab_lock = SPINLOCK_INIT;

int gnttab_available(void)
{
	return table != NULL;
}

static int map_frames(uint64_t base, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct xen_add_to_physmap x = { .domid = DOMID_SELF,
						.space = XENMAPSPACE_grant_table,
						.idx = i,
						.gpfn = (base >> PAGE_SHIFT) + i };
		long r = HYPERVISOR_memory_op(XENMEM_add_to_physmap, &x);

		if (r)
			return (int)r;
	}
	return 0;
}

int gnttab_init(void)
{
	struct gnttab_query_size q = { .dom = DOMID_SELF };

	if (!xen.hypercalls)
		return -ENODEV;
	long r = HYPERVISOR_grant_table_op(GNTTABOP_query_size, &q, 1);
	if (r || q.status != GNTST_okay)
		return r ? (int)r : -EIO;
	uint32_t n = q.max_nr_frames < FRAMES_WANTED ? q.max_nr_frames : FRAMES_WANTED;
	if (n == 0)
		return -ENODEV;
	void *frames = page_alloc(n);
	uint32_t nr = n * ENTRIES_PER_FRAME;
	uint32_t *next = kmalloc(nr * sizeof(*next));
	uint8_t *state = kmalloc(nr);
	if (!frames || !next || !state)
		return -ENOMEM;
	int e = map_frames((uintptr_t)frames, n);
	if (e) {
		pr_err("gnttab: mapping the grant table failed (%d)\n", e);
		return e;
	}
	gnttab_refs_init(&refs, next, state, nr, GNTTAB_NR_RESERVED_ENTRIES);
	table = frames;
	table_frames = n;
	pr_info("gnttab: v1, %u frames (%u refs), Xen allows up to %u frames\n", n, nr,
		q.max_nr_frames);
	return 0;
}

int gnttab_resume(int new_domain)
{
	if (!table || !new_domain)
		return 0;
	/*
	 * A new domain's grant table is Xen's fresh one, not mapped anywhere: map it where the old
	 * one was (those frames are plain RAM now, holding the old entries). Every entry is empty;
	 * the refs our allocator holds stay allocated until their owners end them, which then finds
	 * no mapping and frees them.
	 */
	int e = map_frames((uintptr_t)table, table_frames);
	if (e)
		pr_err("gnttab: mapping the grant table again failed (%d)\n", e);
	return e;
}

int gnttab_grant_access(domid_t domid, uint64_t frame, int readonly)
{
	if (!table)
		return -ENODEV;
	unsigned long f = spin_lock_irqsave(&gnttab_lock);
	int ref = gnttab_refs_alloc(&refs);
	spin_unlock_irqrestore(&gnttab_lock, f);
	if (ref < 0)
		return ref;

	grant_entry_v1_t *g = &table[ref];
	g->frame = (uint32_t)frame;
	g->domid = domid;
	/* the entry goes live when flags are written: frame and domid must be visible first */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&g->flags, GTF_permit_access | (readonly ? GTF_readonly : 0),
			 __ATOMIC_RELEASE);
	return ref;
}

int gnttab_end_access(grant_ref_t ref)
{
	if (!table || ref >= refs.nr)
		return -EINVAL;
	uint16_t *flags = &table[ref].flags;
	uint16_t old = __atomic_load_n(flags, __ATOMIC_ACQUIRE);
	int ret = 0;

	/* clear flags only if the peer is not mapping it at this very moment */
	do {
		if (old & (GTF_reading | GTF_writing)) {
			ret = -EBUSY;
			break;
		}
	} while (
	    !__atomic_compare_exchange_n(flags, &old, 0, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	unsigned long f = spin_lock_irqsave(&gnttab_lock);
	if (ret == 0)
		ret = gnttab_refs_free(&refs, ref);
	else if (gnttab_refs_park(&refs, ref) == 0)
		pr_warn("gnttab: ref %u still in use by domain %u: parked, not reused\n", ref,
			table[ref].domid);
	spin_unlock_irqrestore(&gnttab_lock, f);
	return ret;
}

int gnttab_copy(struct gnttab_copy *ops, unsigned count)
{
	if (!xen.hypercalls)
		return -ENODEV;
	return (int)HYPERVISOR_grant_table_op(GNTTABOP_copy, ops, count);
}

void gnttab_get_stats(struct gnttab_stats *st)
{
	unsigned long f = spin_lock_irqsave(&gnttab_lock);

	*st = (struct gnttab_stats){ refs.nr, refs.nfree, refs.busy, refs.bad_frees };
	spin_unlock_irqrestore(&gnttab_lock, f);
}
