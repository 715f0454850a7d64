/* Entropy for apps: seed material from the CPU (RDSEED/RDRAND) or, failing that, weak timing jitter. */
#ifndef PVHKIT_RANDOM_H
#define PVHKIT_RANDOM_H

#include <stddef.h>
#include <stdint.h>

enum pvh_entropy_quality {
	PVH_ENTROPY_NONE = 0,	/* nothing usable was gathered: do not use buf */
	PVH_ENTROPY_RDSEED = 1, /* the CPU's conditioned entropy source (RDSEED) */
	PVH_ENTROPY_RDRAND = 2, /* the CPU's hardware DRBG (RDRAND) */
	PVH_ENTROPY_WEAK = 3,	/* timing jitter only: the CPU has neither instruction; logged */
};

/*
 * Fills buf with n bytes of seed material for a DRBG (not a DRBG itself: hash or seed with it)
 * and says where they came from, the weakest source that contributed. An app decides whether
 * PVH_ENTROPY_WEAK is good enough for it; PVH_ENTROPY_NONE means it must not use buf.
 */
enum pvh_entropy_quality pvh_entropy(void *buf, size_t n);
/* What pvh_entropy uses on this CPU: "rdseed", "rdrand" or "jitter". */
const char *pvh_entropy_source(void);

struct pvh_entropy_stats {
	uint64_t rdseed_words, rdrand_words, jitter_bytes;
	uint64_t rdseed_drained, hw_failures, jitter_health_failures;
};
void pvh_entropy_stats(struct pvh_entropy_stats *st);

#endif
