/*
 * Fuzzes the PV console's input side (drivers/console/xencons_in.c) against a backend that
 * writes and moves in_prod as the input says: what the reader gets is exactly what was typed, in
 * order, nothing dropped or invented while the indices are sane; a jump is refused and counted.
 */
#include "tests/fuzz/fuzz.h"
#include "drivers/console/xencons_in.h"

#define RING 1024u
#define CAP  64u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	static char ring[RING], buf[CAP], typed[1 << 16], got[1 << 16];
	struct xencons_in in = { buf, CAP, 0, 0 };
	uint32_t prod = fz_u32(&f), cons = prod, ntyped = 0, ngot = 0, skipped = 0;

	in.head = in.tail = fz_u32(&f); /* free-running from anywhere */
	while (f.n) {
		uint8_t op = fz_u8(&f), k = fz_u8(&f);
		char out[256];

		switch (op % 4) {
		case 0: /* the backend types k bytes, within the ring's room */
			for (unsigned i = 0; i < k && prod - cons < RING && ntyped < sizeof(typed);
			     i++) {
				char c = (char)fz_u8(&f);
				ring[prod++ & (RING - 1)] = c;
				typed[ntyped++] = c;
			}
			break;
		case 1: { /* the upcall pulls */
			uint32_t before = cons;
			int r = xencons_in_take(&in, ring, RING, &cons, prod);
			FZ_CHECK(r >= 0 && (uint32_t)r == cons - before &&
				 in.head - in.tail <= CAP);
			break;
		}
		case 2: /* the app reads */
			for (uint32_t n = xencons_in_read(&in, out, k), i = 0; i < n; i++)
				if (ngot < sizeof(got))
					got[ngot++] = out[i];
			break;
		case 3: { /* the backend's producer jumps */
			uint32_t j = fz_u32(&f);
			uint32_t before = cons;
			prod += j;
			int r = xencons_in_take(&in, ring, RING, &cons, prod);
			if (prod - before > RING) {
				FZ_CHECK(r == -1 && cons == prod);
			} else {
				FZ_CHECK(r >= 0);
			}
			/* bytes never typed (a jump within the ring cannot be told from typing) */
			skipped |= j != 0;
			break;
		}
		}
		FZ_CHECK(prod - cons <= RING || skipped);
	}
	if (!skipped) {
		/* a prefix of what was typed, byte for byte: nothing dropped, nothing made up */
		FZ_CHECK(ngot <= ntyped && !memcmp(got, typed, ngot));
	}
	return 0;
}
