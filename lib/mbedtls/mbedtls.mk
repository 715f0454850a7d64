# mbed TLS 2.28.3 (Debian's bookworm source package, pinned in tools/mbedtls/fetch-mbedtls) built
# with lib/mbedtls/pvhkit_mbedtls_config.h into $(APP_BUILD)/mbedtls/libmbedtls.a (crypto, X.509
# and TLS in one archive, plus the port in lib/mbedtls/port.c). Only apps that list it in their
# app.mk (`LIBS := $(MBEDTLS_LIB)`) link it.
#
# Why mbed TLS: made for embedded targets (no OS assumptions, plain C99, calloc/free only), every
# feature switched by one config header so a guest builds only what it uses, small (apps/https is
# 509 KB stripped against apps/net's 313 KB: about 200 KB for TLS), and it is in Debian. OpenSSL
# and GnuTLS assume a POSIX OS (files, threads, /dev/urandom).

MBEDTLS_DIR := $(BUILD)/mbedtls
MBEDTLS_SRC := $(MBEDTLS_DIR)/src
MBEDTLS_STAMP := $(MBEDTLS_SRC)/.complete
MBEDTLS_LIB := $(APP_BUILD)/mbedtls/libmbedtls.a

# the library's source files, listed so make knows them before the fetch (the version is pinned);
# files our config switches off compile to empty objects
MBEDTLS_FILES := aes aesni asn1parse asn1write base64 bignum chacha20 chachapoly cipher \
	cipher_wrap constant_time ctr_drbg debug ecdh ecdsa ecp ecp_curves entropy entropy_poll \
	error gcm md oid pem pk pk_wrap pkparse platform platform_util poly1305 rsa rsa_internal \
	sha1 sha256 sha512 ssl_ciphersuites ssl_cli ssl_msg ssl_srv ssl_tls threading version \
	x509 x509_crt
MBEDTLS_CORE_OBJS := $(MBEDTLS_FILES:%=$(APP_BUILD)/mbedtls/library/%.o)
MBEDTLS_PORT_OBJS := $(APP_BUILD)/lib/mbedtls/port.o

MBEDTLS_CFLAGS := -Ilib/mbedtls -I$(MBEDTLS_SRC)/include \
	'-DMBEDTLS_CONFIG_FILE="pvhkit_mbedtls_config.h"'
APP_CFLAGS += $(MBEDTLS_CFLAGS)

$(MBEDTLS_STAMP): tools/mbedtls/fetch-mbedtls
	$(call say,FETCH,mbed TLS 2.28.3 into $(MBEDTLS_DIR))
	$(Q)mkdir -p $(MBEDTLS_DIR)
	$(Q)flock $(MBEDTLS_DIR)/.lock tools/mbedtls/fetch-mbedtls $(MBEDTLS_DIR) >/dev/null
	$(Q)touch $@

# third-party code: its warnings are not ours to fix, so no -Werror for it
$(MBEDTLS_CORE_OBJS): $(APP_BUILD)/mbedtls/library/%.o: $(MBEDTLS_STAMP) lib/mbedtls/mbedtls.mk \
		lib/mbedtls/pvhkit_mbedtls_config.h lib/mbedtls/threading_alt.h | $(XEN_INC)/xen $(LIBC_STAMP)
	$(call say,CC,mbedtls/$*.c)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(filter-out -Werror -Wextra,$(APP_CFLAGS)) -c $(MBEDTLS_SRC)/library/$*.c -o $@

$(MBEDTLS_PORT_OBJS): $(APP_BUILD)/%.o: %.c $(MBEDTLS_STAMP) lib/mbedtls/mbedtls.mk \
		lib/mbedtls/pvhkit_mbedtls_config.h | $(XEN_INC)/xen $(LIBC_STAMP)
	$(call say,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(APP_CFLAGS) -c $< -o $@

$(MBEDTLS_LIB): $(MBEDTLS_CORE_OBJS) $(MBEDTLS_PORT_OBJS)
	$(call say,AR,$@)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

.PHONY: mbedtls
mbedtls: $(MBEDTLS_LIB)

-include $(MBEDTLS_CORE_OBJS:.o=.d) $(MBEDTLS_PORT_OBJS:.o=.d)
