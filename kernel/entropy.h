/* Entropy for the guest's random number generators: the CPU's RDSEED/RDRAND, else timing jitter. */
#ifndef KERNEL_ENTROPY_H
#define KERNEL_ENTROPY_H

#include <stddef.h>
#include <stdint.h>

enum entropy_source {
	ENTROPY_NONE = 0, /* nothing could be gathered (a jitter health test failed) */
	ENTROPY_RDSEED,	  /* full entropy from the CPU's conditioner */
	ENTROPY_RDRAND,	  /* the CPU's hardware DRBG (reseeded from the same conditioner) */
	ENTROPY_JITTER,	  /* TSC/pvclock timing jitter: WEAK, a fallback only */
};

/*
 * Fills buf with n bytes from the best source this CPU offers and returns the weakest source
 * that went into them (ENTROPY_NONE and nothing usable when even the fallback's health test
 * failed). The first call decides the source and logs it; the jitter fallback is logged as weak.
 */
enum entropy_source entropy_get(void *buf, size_t n);
/* The source entropy_get prefers on this CPU ("rdseed", "rdrand", "jitter"). */
const char *entropy_source_name(enum entropy_source s);
enum entropy_source entropy_best_source(void);

struct entropy_stats {
	uint64_t rdseed_words, rdrand_words, jitter_bytes;
	uint64_t rdseed_drained; /* RDSEED gave nothing after its retries: RDRAND stood in */
	uint64_t hw_failures;	 /* both instructions failed or returned a stuck value */
	uint64_t jitter_health_failures;
};
void entropy_stats(struct entropy_stats *st);

#endif
