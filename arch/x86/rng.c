/* RDSEED and RDRAND: CPUID feature bits and the carry-flag retry loops the instructions need. */
#include "arch/x86/rng.h"
#include "arch/x86/cpu.h"

/*
 * Both instructions report success in CF; a clear CF means no value was ready (RDSEED drains
 * quickly under load, RDRAND practically never fails). Intel's guidance is 10 RDRAND retries;
 * RDSEED gets more, with a pause between tries so the entropy source can refill.
 */
#define RDRAND_TRIES 10
#define RDSEED_TRIES 100

unsigned rng_features(void)
{
	uint32_t a, b, c, d;
	unsigned f = 0;

	cpuid(0, 0, &a, &b, &c, &d);
	uint32_t max_leaf = a;

	cpuid(1, 0, &a, &b, &c, &d);
	if (c & (1u << 30))
		f |= RNG_HAS_RDRAND;
	if (max_leaf >= 7) {
		cpuid(7, 0, &a, &b, &c, &d);
		if (b & (1u << 18))
			f |= RNG_HAS_RDSEED;
	}
	return f;
}

int rng_rdseed64(uint64_t *out)
{
	for (int i = 0; i < RDSEED_TRIES; i++) {
		uint64_t v;
		uint8_t ok;

		__asm__ volatile("rdseed %0; setc %1" : "=r"(v), "=qm"(ok)::"cc");
		if (ok) {
			*out = v;
			return 0;
		}
		__asm__ volatile("pause");
	}
	return -1;
}

int rng_rdrand64(uint64_t *out)
{
	for (int i = 0; i < RDRAND_TRIES; i++) {
		uint64_t v;
		uint8_t ok;

		__asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok)::"cc");
		if (ok) {
			*out = v;
			return 0;
		}
	}
	return -1;
}
