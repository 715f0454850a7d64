/* Entropy policy: prefer RDSEED, then RDRAND (both checked in CPUID), else TSC jitter, logged as weak. */
#include "kernel/entropy.h"
#include "arch/x86/cpu.h"
#include "arch/x86/rng.h"
#include "arch/x86/spinlock.h"
#include "kernel/printk.h"
#include "kernel/time.h"

/*
 * Why this order: RDSEED hands out conditioned full-entropy output, the right input for seeding
 * a DRBG (which is all the caller does with it: mbed TLS's CTR_DRBG, say); RDRAND is itself a
 * DRBG output, reseeded by the hardware often enough that Intel and AMD call it fit for seeding
 * too. Without either (old CPUs, or a hypervisor that masks the CPUID bits) the fallback is
 * timing jitter, and that is weak in a guest: the TSC may be emulated or scaled, and under QEMU's
 * TCG it advances mostly with the instructions run (the same loop timed twice mostly gives the
 * same count; what differs comes from the host: interrupts, scheduling). The
 * fallback is therefore announced loudly, reported to the app (it can refuse to run), and
 * guarded by a health test so a clock without jitter never turns into a constant seed.
 */

static int chosen; /* 0 = not decided yet, else enum entropy_source + 1 */
static unsigned features;
static struct entropy_stats st;
/* the repetition tests' last values and the jitter accumulator are shared by all CPUs */
static spinlock_t gather_lock = SPINLOCK_INIT;

/* a value a broken RNG returns (AMD's post-resume RDRAND bug gave all ones) */
static int stuck(uint64_t v, uint64_t prev)
{
	return v == 0 || v == ~0ull || v == prev;
}

static void decide(void)
{
	if (__atomic_load_n(&chosen, __ATOMIC_ACQUIRE))
		return;
	features = rng_features();
	enum entropy_source s = (features & RNG_HAS_RDSEED)   ? ENTROPY_RDSEED
				: (features & RNG_HAS_RDRAND) ? ENTROPY_RDRAND
							      : ENTROPY_JITTER;
	int expected = 0;
	if (!__atomic_compare_exchange_n(&chosen, &expected, (int)s + 1, 0, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return; /* another CPU decided (the same way) and logged it */
	if (s == ENTROPY_JITTER)
		printk(
		    LOG_WARN,
		    "entropy: WARNING: the CPU offers neither RDSEED nor RDRAND (CPUID); falling "
		    "back to TSC jitter, which is WEAK in a virtual machine: keys made now are "
		    "not safe for production\n");
	else
		pr_info("entropy: %s (CPUID: rdseed %s, rdrand %s)\n", entropy_source_name(s),
			features & RNG_HAS_RDSEED ? "yes" : "no",
			features & RNG_HAS_RDRAND ? "yes" : "no");
}

enum entropy_source entropy_best_source(void)
{
	decide();
	return (enum entropy_source)(__atomic_load_n(&chosen, __ATOMIC_ACQUIRE) - 1);
}

/* one word from the hardware, RDSEED first; -1 when neither gave a sound value */
static int hw_word(uint64_t *out, enum entropy_source *used)
{
	static uint64_t prev_seed, prev_rand;
	uint64_t v;

	if ((features & RNG_HAS_RDSEED) && rng_rdseed64(&v) == 0 && !stuck(v, prev_seed)) {
		prev_seed = v;
		__atomic_fetch_add(&st.rdseed_words, 1, __ATOMIC_RELAXED);
		*out = v;
		return 0;
	}
	if (features & RNG_HAS_RDSEED)
		__atomic_fetch_add(&st.rdseed_drained, 1, __ATOMIC_RELAXED);
	if ((features & RNG_HAS_RDRAND) && rng_rdrand64(&v) == 0 && !stuck(v, prev_rand)) {
		prev_rand = v;
		__atomic_fetch_add(&st.rdrand_words, 1, __ATOMIC_RELAXED);
		if (*used == ENTROPY_RDSEED)
			*used = ENTROPY_RDRAND;
		*out = v;
		return 0;
	}
	__atomic_fetch_add(&st.hw_failures, 1, __ATOMIC_RELAXED);
	return -1;
}

/* TSC ticks to run n rounds of a small loop */
static uint64_t timed_loop(unsigned n)
{
	volatile uint64_t sink = 0;
	uint64_t t0 = rdtsc();

	for (unsigned k = 0; k < n; k++)
		sink += k * 2654435761u;
	return rdtsc() - t0;
}

/*
 * One jitter sample: the same work timed twice, kept only when the two times differ. What is
 * unpredictable is the difference (interrupts, caches, the host's scheduling), not the times
 * themselves: under QEMU's TCG the TSC follows the instructions run and most pairs are equal.
 * Health test: 4096 equal pairs in a row mean the clock does not jitter at all (-1).
 */
#define JITTER_TRIES 4096
static int jitter_sample(uint64_t *out)
{
	for (unsigned i = 0; i < JITTER_TRIES; i++) {
		unsigned n = 32 + (i & 31);
		uint64_t d1 = timed_loop(n), d2 = timed_loop(n);

		if (d1 != d2) {
			*out = d1 ^ (d2 << 1) ^ time_monotonic_ns();
			return 0;
		}
	}
	return -1;
}

/*
 * One byte: eight samples folded into an accumulator with a rotation. The consumer hashes it
 * (mbed TLS's entropy pool is SHA-512), so this only has to carry unpredictability, not be uniform.
 */
static int jitter_byte(uint8_t *out)
{
	static uint64_t acc;

	for (int i = 0; i < 8; i++) {
		uint64_t v;

		if (jitter_sample(&v))
			return -1;
		acc = (acc << 7 | acc >> 57) ^ v;
	}
	uint64_t f = acc ^ (acc >> 32);
	f ^= f >> 16;
	*out = (uint8_t)(f ^ (f >> 8));
	return 0;
}

/* fills buf under the lock (no printing there): the source used, or ENTROPY_NONE */
static enum entropy_source gather(uint8_t *p, size_t n, int *hw_broke)
{
	enum entropy_source used = entropy_best_source();

	while (n && used != ENTROPY_JITTER) {
		uint64_t v;

		if (hw_word(&v, &used)) {
			used =
			    ENTROPY_JITTER; /* the hardware broke mid-way: the fallback, said so */
			*hw_broke = 1;
			break;
		}
		for (int i = 0; i < 8 && n; i++, n--, v >>= 8)
			*p++ = (uint8_t)v;
	}
	for (; n; n--) {
		if (jitter_byte(p++)) {
			__atomic_fetch_add(&st.jitter_health_failures, 1, __ATOMIC_RELAXED);
			return ENTROPY_NONE;
		}
		__atomic_fetch_add(&st.jitter_bytes, 1, __ATOMIC_RELAXED);
	}
	return used;
}

enum entropy_source entropy_get(void *buf, size_t n)
{
	int hw_broke = 0;

	entropy_best_source(); /* decided (and logged) outside the lock */
	unsigned long f = spin_lock_irqsave(&gather_lock);
	enum entropy_source used = gather(buf, n, &hw_broke);
	spin_unlock_irqrestore(&gather_lock, f);
	if (hw_broke)
		printk(LOG_WARN, "entropy: WARNING: RDSEED/RDRAND failed or stuck; TSC jitter "
				 "(weak) stood in for this request\n");
	if (used == ENTROPY_NONE)
		pr_err("entropy: the TSC does not jitter (timing the same work gave the same ticks "
		       "%u times in a row): no entropy\n",
		       JITTER_TRIES);
	return used;
}

const char *entropy_source_name(enum entropy_source s)
{
	switch (s) {
	case ENTROPY_RDSEED:
		return "rdseed";
	case ENTROPY_RDRAND:
		return "rdrand";
	case ENTROPY_JITTER:
		return "jitter";
	default:
		return "none";
	}
}

void entropy_stats(struct entropy_stats *out)
{
	out->rdseed_words = __atomic_load_n(&st.rdseed_words, __ATOMIC_RELAXED);
	out->rdrand_words = __atomic_load_n(&st.rdrand_words, __ATOMIC_RELAXED);
	out->jitter_bytes = __atomic_load_n(&st.jitter_bytes, __ATOMIC_RELAXED);
	out->rdseed_drained = __atomic_load_n(&st.rdseed_drained, __ATOMIC_RELAXED);
	out->hw_failures = __atomic_load_n(&st.hw_failures, __ATOMIC_RELAXED);
	out->jitter_health_failures = __atomic_load_n(&st.jitter_health_failures, __ATOMIC_RELAXED);
}
