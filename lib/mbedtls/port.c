/* mbed TLS on pvhkit: its entropy poll over pvh_entropy and its mutexes over pvh_mutex. */
#include <string.h>
#include <mbedtls/entropy.h>
#include <mbedtls/entropy_poll.h>
#include <mbedtls/threading.h>
#include <pvhkit/kernel.h>
#include <pvhkit/random.h>
#include <pvhkit/tls.h>

/*
 * MBEDTLS_ENTROPY_HARDWARE_ALT: the entropy module calls this for seed material and counts what
 * *olen says towards its threshold (32 bytes from a strong source before the DRBG may seed).
 * RDSEED/RDRAND output counts in full. When the CPU has neither, the kernel's timing jitter is
 * weak, so by default it counts as nothing: the pool never fills, seeding fails with
 * MBEDTLS_ERR_ENTROPY_SOURCE_FAILED and the app cannot make keys or handshakes on it by accident.
 * An app that accepts weak seeding says so with pvh_tls_allow_weak_entropy(1) (the kernel has
 * logged the fallback as weak either way).
 */
static int allow_weak;

void pvh_tls_allow_weak_entropy(int allow)
{
	allow_weak = allow;
}

int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen)
{
	(void)data;
	*olen = 0;
	switch (pvh_entropy(output, len)) {
	case PVH_ENTROPY_RDSEED:
	case PVH_ENTROPY_RDRAND:
		*olen = len;
		return 0;
	case PVH_ENTROPY_WEAK:
		if (allow_weak)
			*olen = len;
		return 0;
	default:
		return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
	}
}

static void mutex_init(mbedtls_threading_mutex_t *m)
{
	pvh_mutex_init(&m->m);
	m->is_valid = 1;
}

static void mutex_free(mbedtls_threading_mutex_t *m)
{
	m->is_valid = 0;
}

static int mutex_lock(mbedtls_threading_mutex_t *m)
{
	if (!m->is_valid)
		return MBEDTLS_ERR_THREADING_BAD_INPUT_DATA;
	pvh_mutex_lock(&m->m);
	return 0;
}

static int mutex_unlock(mbedtls_threading_mutex_t *m)
{
	if (!m->is_valid)
		return MBEDTLS_ERR_THREADING_BAD_INPUT_DATA;
	pvh_mutex_unlock(&m->m);
	return 0;
}

/* before main: mbed TLS's global mutexes are initialised through these pointers */
__attribute__((constructor)) static void mbedtls_port_init(void)
{
	mbedtls_threading_set_alt(mutex_init, mutex_free, mutex_lock, mutex_unlock);
}
