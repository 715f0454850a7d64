/* Pure blkfront logic shared by the guest and the unit tests: nothing here touches Xen or memory. */
#include "base/errno.h"
#include "drivers/blkfront/blkfront_req.h"

int blkfront_check_range(uint64_t off, uint64_t len, uint32_t ssize, uint64_t disk_bytes)
{
	if (ssize < BLKFRONT_SECT || (ssize & (ssize - 1)))
		return -EINVAL;
	if (len == 0 || off % ssize || len % ssize)
		return -EINVAL;
	/* written so that no sum can wrap */
	if (off > disk_bytes || len > disk_bytes - off)
		return -EINVAL;
	return 0;
}

int blkfront_next_chunk(uint64_t off, uint64_t len, uint64_t done, uint32_t max_segs,
			struct blkfront_chunk *c)
{
	if (done >= len || max_segs == 0)
		return 0;
	if (max_segs > BLKFRONT_MAX_SEGS)
		max_segs = BLKFRONT_MAX_SEGS;
	uint64_t left = len - done, max = (uint64_t)max_segs * BLKFRONT_PAGE;
	uint32_t bytes = (uint32_t)(left < max ? left : max);

	c->sector = (off + done) / BLKFRONT_SECT;
	c->bytes = bytes;
	c->nsegs = (bytes + BLKFRONT_PAGE - 1) / BLKFRONT_PAGE;
	return 1;
}

void blkfront_seg(const struct blkfront_chunk *c, uint32_t i, uint8_t *first, uint8_t *last)
{
	uint32_t start = i * BLKFRONT_PAGE, n = c->bytes - start;

	if (n > BLKFRONT_PAGE)
		n = BLKFRONT_PAGE;
	*first = 0;
	*last = (uint8_t)(n / BLKFRONT_SECT - 1);
}

enum blkfront_rsp_verdict blkfront_rsp_check(const struct blkfront_slot_view *slots,
					     uint32_t nslots, uint64_t id, uint8_t op,
					     int16_t status, uint32_t *slot, int *err)
{
	uint32_t s = (uint32_t)id, gen = (uint32_t)(id >> 32);

	if (s >= nslots)
		return BLKFRONT_RSP_UNKNOWN_ID;
	if (slots[s].state != BLKFRONT_SLOT_INFLIGHT || slots[s].gen != gen)
		return BLKFRONT_RSP_NOT_INFLIGHT;
	*slot = s;
	*err = -EIO;
	/* blkback echoes an indirect request's indirect_op; accept BLKIF_OP_INDIRECT itself too */
	if (op != slots[s].op && !(slots[s].indirect && op == 6 /* BLKIF_OP_INDIRECT */))
		return BLKFRONT_RSP_WRONG_OP;
	switch (status) {
	case 0: /* BLKIF_RSP_OKAY */
		*err = 0;
		return BLKFRONT_RSP_OK;
	case -1: /* BLKIF_RSP_ERROR */
		return BLKFRONT_RSP_OK;
	case -2: /* BLKIF_RSP_EOPNOTSUPP */
		*err = -ENOSYS;
		return BLKFRONT_RSP_OK;
	default:
		return BLKFRONT_RSP_BAD_STATUS;
	}
}

int blkfront_rsp_prod_ok(uint32_t rsp_prod, uint32_t rsp_cons, uint32_t req_prod)
{
	return rsp_prod - rsp_cons <= req_prod - rsp_cons;
}

uint32_t blkfront_ring_entries(uint32_t order, uint32_t req_size)
{
	if (order > 8 || req_size == 0)
		return 0;
	uint32_t n = ((BLKFRONT_PAGE << order) - 64) / req_size, p = 1;

	if (n == 0)
		return 0;
	while (p * 2 <= n)
		p *= 2;
	return p;
}

int blkfront_check_geometry(uint64_t sectors, uint64_t ss, uint64_t pss, uint64_t *bytes)
{
	if (ss < 512 || ss > 65536 || (ss & (ss - 1)) || pss < ss || pss % ss || pss > (1u << 20))
		return -EBADMSG;
	if (sectors == 0 || sectors > (UINT64_MAX >> 10) || (sectors * 512) % ss)
		return -EBADMSG;
	*bytes = sectors * 512;
	return 0;
}

int blkfront_vdev_name(uint32_t vdev, char *buf, size_t cap)
{
	uint32_t disk, part;
	char tmp[16];
	int n = 0;

	if (vdev & (1u << 28)) {
		disk = (vdev >> 8) & 0xfffff;
		part = vdev & 0xff;
	} else if ((vdev >> 8) == 202) {
		disk = (vdev >> 4) & 0xf;
		part = vdev & 0xf;
	} else {
		return -EINVAL;
	}
	/* letters like Linux's: a..z, aa..zz, ... */
	char letters[8];
	int nl = 0;
	uint32_t d = disk + 1;
	while (d && nl < (int)sizeof(letters)) {
		letters[nl++] = (char)('a' + (d - 1) % 26);
		d = (d - 1) / 26;
	}
	tmp[n++] = 'x';
	tmp[n++] = 'v';
	tmp[n++] = 'd';
	while (nl)
		tmp[n++] = letters[--nl];
	if (part) {
		char digits[4];
		int nd = 0;
		while (part && nd < 4) {
			digits[nd++] = (char)('0' + part % 10);
			part /= 10;
		}
		while (nd)
			tmp[n++] = digits[--nd];
	}
	if ((size_t)n + 1 > cap)
		return -ERANGE;
	for (int i = 0; i < n; i++)
		buf[i] = tmp[i];
	buf[n] = 0;
	return n;
}

int blkfront_replay_next(const struct blkfront_parked *p, uint64_t done, uint32_t max_segs,
			 struct blkfront_chunk *c, uint64_t *req_off)
{
	if (!blkfront_next_chunk(p->sector * BLKFRONT_SECT, p->bytes, done, max_segs, c))
		return 0;
	*req_off = p->req_off + done;
	return 1;
}
