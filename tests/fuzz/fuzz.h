/* Shared by the libFuzzer harnesses: reading structured values out of the input, and invariant checks. */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The input as a stream: values are taken from the front; past the end everything reads 0. */
struct fz {
	const uint8_t *p;
	size_t n;
};

static inline void fz_bytes(struct fz *f, void *out, size_t len)
{
	size_t k = len < f->n ? len : f->n;

	memcpy(out, f->p, k);
	memset((uint8_t *)out + k, 0, len - k);
	f->p += k;
	f->n -= k;
}

/* The next n (at most 8) bytes as a little-endian number; fz_u8..fz_u64 take 1, 2, 4, 8. */
static inline uint64_t fz_uint(struct fz *f, size_t n)
{
	uint8_t b[8];
	uint64_t v = 0;

	fz_bytes(f, b, n);
	while (n--)
		v = v << 8 | b[n];
	return v;
}

#define fz_u8(f)  ((uint8_t)fz_uint((f), 1))
#define fz_u16(f) ((uint16_t)fz_uint((f), 2))
#define fz_u32(f) ((uint32_t)fz_uint((f), 4))
#define fz_u64(f) fz_uint((f), 8)

/* An invariant the code under test promised and broke: libFuzzer records the input as a crash. */
#define FZ_CHECK(cond)                                                                             \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__,       \
				#cond);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#endif
