# The SDK: `make install PREFIX=... [DESTDIR=...]` installs what an app's own build needs to make a
# pvhkit image outside this tree (tools/sdk/install lays it out; README "Build your appliance
# outside this tree"). `make test-sdk` installs into a temporary prefix and builds and boots
# examples/appliance from a copy outside the tree (tests/sdk/outside-build).

PREFIX ?= /usr/local
DESTDIR ?=
SDK_VERSION := $(shell sed -n 's/^\#define PVHKIT_VERSION "\(.*\)"/\1/p' kernel/main.c)
SDK_COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)$(shell \
	git diff --quiet HEAD -- 2>/dev/null || echo -dirty)

# An app's compiler flags without this tree's paths or -Werror (the app decides that): the
# installed wrapper adds the installed include directories instead.
SDK_CFLAGS := -nostdinc $(filter-out -Werror -I%,$(filter -std=% -O% -g -W% -m% -f% -D%,$(APP_CFLAGS)))
SDK_PARTS := $(APP_BUILD)/sdk/parts

# one libc's share: its sysroot, the libc glue, lwIP and mbed TLS built for it, its flags; and the
# kernel objects (the same for every libc)
$(SDK_PARTS): $(KERNEL_OBJS) $(LIBC_OBJS) $(LIBC_STAMP) $(LWIP_LIB) $(MBEDTLS_LIB) Makefile tools/sdk/sdk.mk
	$(Q)mkdir -p $(@D)
	$(Q)echo '$(SDK_CFLAGS)' >$(@D)/cflags
	$(Q)echo $(KERNEL_OBJS) $(LIBSYS_OBJS) >$(@D)/kernel-objs
	$(Q)echo $(LIBC_GLUE_OBJS) >$(@D)/libc-objs
	$(Q)printf '%s\n' 'LIBC_SYSROOT=$(LIBC_SYSROOT)' 'LWIP_LIB=$(LWIP_LIB)' 'LWIP_SRC=$(LWIP_SRC)' \
		'MBEDTLS_LIB=$(MBEDTLS_LIB)' 'MBEDTLS_SRC=$(MBEDTLS_SRC)' >$@

.PHONY: sdk-parts install test-sdk
sdk-parts: $(SDK_PARTS)

install:
	$(Q)$(foreach l,$(LIBCS),$(MAKE) --no-print-directory LIBC=$(l) sdk-parts &&) true
	$(call say,INSTALL,pvhkit $(SDK_VERSION) ($(SDK_COMMIT)) into $(DESTDIR)$(PREFIX))
	$(Q)tools/sdk/install --build $(BUILD) --prefix $(PREFIX) --destdir '$(DESTDIR)' \
		--version $(SDK_VERSION) --commit $(SDK_COMMIT) --libcs '$(LIBCS)'

# examples/appliance built outside the tree against a temporary install, booted on QEMU; the image
# is kept as $(BUILD)/sdk-test/appliance.elf for the rig's scenario (tests/xen/scenarios)
SDK_TEST_INPUTS := $(wildcard tools/sdk/* examples/appliance/*) tests/sdk/outside-build \
	$(KERNEL_OBJS) $(LIBC_OBJS) $(LWIP_LIB) $(MBEDTLS_LIB)
$(BUILD)/sdk-test/appliance.elf: $(SDK_TEST_INPUTS)
	$(Q)tools/setup test
	$(Q)tests/sdk/outside-build $(BUILD)
test-sdk:
	$(Q)tools/setup test
	$(Q)tests/sdk/outside-build $(BUILD)
test: test-sdk
