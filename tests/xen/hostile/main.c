/*
 * hostile-backend: offers a pvhkit guest a vbd or a vif from dom0 and misbehaves on purpose, one
 * misbehaviour per run (issue 18). It plays the toolstack too: it writes both xenstore directories
 * itself, in a backend tree no Linux backend driver watches, so blkback and netback leave the
 * device alone. Run by the rig as a job's dom0 script: hostile-backend NAME DOMID, where NAME is
 * hostile-blk-MODE or hostile-net-MODE (tests/xen/scenarios). Exit 0 when the guest behaved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xentoollog.h>
#include "hostile.h"

int main(int argc, char **argv)
{
	struct hb h = { 0 };

	if (argc != 3 || strncmp(argv[1], "hostile-", 8)) {
		fprintf(stderr, "usage: hostile-backend hostile-{blk,net}-MODE DOMID\n");
		return 2;
	}
	h.domid = (unsigned)strtoul(argv[2], NULL, 10);
	h.xs = xs_open(0);
	/* quiet: the closing check maps revoked grants on purpose, and each failure would log */
	xentoollog_logger *quiet =
	    (xentoollog_logger *)xtl_createlogger_stdiostream(stderr, XTL_CRITICAL, 0);
	h.gt = xengnttab_open(quiet, 0);
	h.ev = xenevtchn_open(quiet, 0);
	if (!h.xs || !h.gt || !h.ev) {
		hb_log("cannot open xenstore, gntdev or evtchn");
		return 1;
	}
	const char *kind = argv[1] + 8;

	if (!strncmp(kind, "blk-", 4)) {
		h.mode = kind + 4;
		return hb_vbd(&h);
	}
	if (!strncmp(kind, "net-", 4)) {
		h.mode = kind + 4;
		return hb_vif(&h);
	}
	hb_log("unknown device kind in %s", argv[1]);
	return 2;
}
