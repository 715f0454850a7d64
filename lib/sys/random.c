/* The application API for entropy (include/pvhkit/random.h) over kernel/entropy.c. */
#include "kernel/entropy.h"
#include "pvhkit/random.h"

enum pvh_entropy_quality pvh_entropy(void *buf, size_t n)
{
	switch (entropy_get(buf, n)) {
	case ENTROPY_RDSEED:
		return PVH_ENTROPY_RDSEED;
	case ENTROPY_RDRAND:
		return PVH_ENTROPY_RDRAND;
	case ENTROPY_JITTER:
		return PVH_ENTROPY_WEAK;
	default:
		return PVH_ENTROPY_NONE;
	}
}

const char *pvh_entropy_source(void)
{
	return entropy_source_name(entropy_best_source());
}

void pvh_entropy_stats(struct pvh_entropy_stats *out)
{
	struct entropy_stats s;

	entropy_stats(&s);
	*out = (struct pvh_entropy_stats){ s.rdseed_words, s.rdrand_words,
					   s.jitter_bytes, s.rdseed_drained,
					   s.hw_failures,  s.jitter_health_failures };
}
