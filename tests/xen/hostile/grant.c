/* The hostile backend's view of the guest's pages: rings mapped by their xenstore refs, and writes into granted pages. */
#include <stdio.h>
#include <sys/mman.h>
#include "hostile.h"

void *hb_map_fe_refs(struct hb *h, const char *const keys[], unsigned n)
{
	uint32_t refs[16];
	uint64_t ref;

	if (n > sizeof(refs) / sizeof(refs[0]))
		return hb_log("cannot map %u pages at once", n), NULL;
	for (unsigned i = 0; i < n; i++) {
		if (hb_read_uint(h, h->fe, keys[i], &ref))
			return hb_log("the frontend wrote no %s", keys[i]), NULL;
		refs[i] = (uint32_t)ref;
		hb_remember_ref(h, refs[i]);
	}
	void *va =
	    xengnttab_map_domain_grant_refs(h->gt, n, h->domid, refs, PROT_READ | PROT_WRITE);
	if (!va)
		hb_log("cannot map %s (%u pages)", keys[0], n);
	return va;
}

int hb_put_grant(struct hb *h, uint32_t gref, size_t off, const void *src, size_t len)
{
	uint8_t *p = xengnttab_map_grant_ref(h->gt, h->domid, gref, PROT_READ | PROT_WRITE);

	if (!p)
		return hb_log("cannot map grant %u", gref), -1;
	memcpy(p + off, src, len);
	xengnttab_unmap(h->gt, p, 1);
	return 0;
}
