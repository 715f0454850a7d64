/* mbed TLS 2.28 configured for pvhkit: TLS 1.2 server (and client), ECDHE, AES-GCM/ChaCha20, no files. */
#ifndef PVHKIT_MBEDTLS_CONFIG_H
#define PVHKIT_MBEDTLS_CONFIG_H

/*
 * This header replaces mbed TLS's own config.h (MBEDTLS_CONFIG_FILE): only what is named here is
 * built. What the guest has and has not decides most lines:
 * - no file system for keys (certificates come from boot modules, read by the app into memory):
 *   no MBEDTLS_FS_IO; no BSD socket layer of mbed TLS's own (MBEDTLS_NET_C): the app passes
 *   lwIP's send/recv as the BIO callbacks;
 * - no /dev/urandom: MBEDTLS_NO_PLATFORM_ENTROPY, and the only entropy source is the guest's
 *   (MBEDTLS_ENTROPY_HARDWARE_ALT -> mbedtls_hardware_poll in port.c -> pvh_entropy: RDSEED /
 *   RDRAND, or weak TSC jitter, which the poll function reports as such);
 * - threads on several CPUs share the DRBG and the configuration: MBEDTLS_THREADING_ALT with
 *   pvhkit's sleeping mutexes (threading_alt.h, port.c);
 * - time() and gmtime_r() come from the libc (Xen's wall clock), so certificate dates are checked.
 * TLS 1.3: mbed TLS 2.28 has only an unfinished prototype (MBEDTLS_SSL_PROTO_TLS1_3_EXPERIMENTAL,
 * no usable server), so this is TLS 1.2 only.
 */

/* system */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_ENTROPY_HARDWARE_ALT
#define MBEDTLS_THREADING_C
#define MBEDTLS_THREADING_ALT
#define MBEDTLS_AESNI_C /* chosen at run time by CPUID; the C version otherwise */
/* no 128-by-64 division: it would need libgcc (__udivti3), which images do not link */
#define MBEDTLS_NO_UDBL_DIVISION

/* symmetric crypto and hashes */
#define MBEDTLS_AES_C
#define MBEDTLS_GCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA1_C /* certificate signatures made with SHA-1 still parse */
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA512_C /* the entropy pool's hash */
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_CTR_DRBG_C

/* public keys */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_PKCS1_V21
#define MBEDTLS_GENPRIME /* needs nothing more; lets mbedtls_rsa_gen_key link */
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C

/* TLS 1.2 */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_SRV_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_SSL_ENCRYPT_THEN_MAC
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_ALPN
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE
/* AEAD suites only, forward-secret key exchanges only */
#define MBEDTLS_SSL_CIPHERSUITES                                                                   \
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,                                           \
	    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,                                       \
	    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,                                 \
	    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,                                         \
	    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,                                         \
	    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
/* records: a peer may send 16 KiB ones (without max_fragment_length); ours are 4 KiB */
#define MBEDTLS_SSL_IN_CONTENT_LEN  16384
#define MBEDTLS_SSL_OUT_CONTENT_LEN 4096

/* diagnostics */
#define MBEDTLS_ERROR_C
#define MBEDTLS_VERSION_C

#include "mbedtls/check_config.h"

#endif
