/* The CPU's random number instructions (RDSEED, RDRAND) as CPUID advertises them, with retries. */
#ifndef ARCH_X86_RNG_H
#define ARCH_X86_RNG_H

#include <stdint.h>

#define RNG_HAS_RDRAND (1u << 0) /* CPUID.1:ECX bit 30 */
#define RNG_HAS_RDSEED (1u << 1) /* CPUID.(7,0):EBX bit 18 */

/* Which of the two instructions this CPU advertises (RNG_HAS_* bits). */
unsigned rng_features(void);

/*
 * One 64-bit value from RDSEED (the conditioner's full-entropy output), retried with a pause
 * while the CPU says it is drained: 0 on success, -1 after the retries ran out.
 */
int rng_rdseed64(uint64_t *out);
/* One 64-bit value from RDRAND (the CPU's DRBG, reseeded by the hardware): 0, or -1 after retries. */
int rng_rdrand64(uint64_t *out);

#endif
