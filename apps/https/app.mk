# https: an HTTPS server (mbed TLS over lwIP) whose certificate chain and key come from boot module 0.
SRCS := main.c tls.c http.c selftest.c
LIBS := $(MBEDTLS_LIB)
# lwIP's and mbed TLS's headers come from their fetched sources
$(patsubst %.c,$(APP_BUILD)/apps/https/%.o,$(SRCS)): | $(LWIP_STAMP) $(MBEDTLS_STAMP)
# the rig and QEMU tests' throw-away CA and server certificate, made fresh for every run (they
# expire after 30 days; nothing private is committed)
HTTPS_TEST_CERTS := $(BUILD)/https-test/bundle.pem
$(HTTPS_TEST_CERTS): FORCE
	$(Q)tools/setup test
	$(Q)tools/mbedtls/test-certs $(@D) >/dev/null
test-xen test-qemu bench: $(HTTPS_TEST_CERTS)
.PHONY: FORCE
FORCE:
