# The C library for apps: newlib (default) or picolibc (LIBC=picolibc), built from Debian's sources
# into a cached sysroot under $(BUILD)/libc/<name>/, plus the syscall layer (lib/sys, lib/libc).
#
# The kernel objects never see a libc header and are shared by both libcs; only the app's objects
# and the image link differ. Images for the default libc (newlib) are $(BUILD)/<app>.elf, those for
# another one $(BUILD)/<libc>/<app>.elf.
#
# Link order: kernel objects, app objects, the syscall layer, then the libc archives. base/string.c
# defines memcpy, memset, strlen... under their standard names; as plain objects they come first,
# so the libc's members for the same functions are never pulled in (each is its own member in both
# libcs) and the kernel and the libc share one copy: no duplicates, no renaming. The kernel ones
# are correct C (if simple), so nothing in the libc depends on its own being chosen.
# kernel_main() calls main(); --wrap=main sends that call to __wrap_main (lib/libc/posix.c), which
# sets the libc up and ends through exit(), so atexit handlers run and stdio is flushed.

LIBCS := newlib picolibc
ifeq ($(filter $(LIBC),$(LIBCS)),)
$(error LIBC=$(LIBC): choose one of $(LIBCS))
endif

LIBC_ROOT := $(BUILD)/libc
LIBC_DIR := $(LIBC_ROOT)/$(LIBC)
LIBC_SYSROOT := $(LIBC_DIR)/sysroot
# Rebuilt when what shapes it changes: its build script (version, checksum, configure flags, CFLAGS),
# the fetch script, and the compiler.
LIBC_INPUTS := tools/libc/build-$(LIBC) $(if $(filter picolibc,$(LIBC)),tools/libc/fetch-picolibc)
LIBC_HASH := $(shell { cat $(LIBC_INPUTS); $(CC) --version | head -n 1; } | sha256sum | cut -c1-16)
LIBC_STAMP := $(LIBC_DIR)/stamp-$(LIBC_HASH)
LIBC_LIBS := $(LIBC_SYSROOT)/lib/libc.a $(LIBC_SYSROOT)/lib/libm.a

# Under a lock, so concurrent makes in one tree build it once; build-ms is the last cold build's time.
$(LIBC_STAMP): $(LIBC_INPUTS)
	$(call say,LIBC,$(LIBC) into $(LIBC_DIR) (once; a minute or so))
	$(Q)tools/setup libc
	$(Q)mkdir -p $(LIBC_DIR)
	$(Q)flock $(LIBC_DIR)/.lock sh -c 'test -f $@ && exit 0; rm -f $(LIBC_DIR)/stamp-*; \
		start=$$(date +%s%N); tools/libc/build-$(LIBC) $(LIBC_DIR) >/dev/null || exit 1; \
		echo $$(( ($$(date +%s%N) - start) / 1000000 )) > $(LIBC_DIR)/build-ms; touch $@'

.PHONY: libc libc-all
libc: $(LIBC_STAMP)

# Apps are hosted C now: the libc's headers (its stdint.h/inttypes.h, not gcc's freestanding ones).
# The layer has clock_gettime, nanosleep and CLOCK_MONOTONIC, which both libcs' headers show only
# when the system says so. newlib: reent from __getreent() (one per thread).
LIBC_CPPFLAGS_newlib := -D__DYNAMIC_REENT__
APP_CFLAGS := $(filter-out -ffreestanding,$(APP_CFLAGS)) -isystem $(LIBC_SYSROOT)/include \
	-D_POSIX_TIMERS=1 -D_POSIX_MONOTONIC_CLOCK=200112L $(LIBC_CPPFLAGS_$(LIBC))

APP_BUILD := $(if $(filter newlib,$(LIBC)),$(BUILD),$(BUILD)/$(LIBC))
IMAGES := $(APPS:%=$(APP_BUILD)/%.elf) $(APPS:%=$(APP_BUILD)/%-stripped.elf)

# the syscall layer: lib/sys is kernel code (kernel flags, shared); lib/libc is compiled per libc
LIBSYS_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard lib/sys/*.c))
LIBC_GLUE_OBJS := $(APP_BUILD)/lib/libc/posix.o $(APP_BUILD)/lib/libc/errno.o $(APP_BUILD)/lib/libc/locks.o $(APP_BUILD)/lib/libc/$(LIBC).o
LIBC_OBJS := $(LIBSYS_OBJS) $(LIBC_GLUE_OBJS)
LIBC_LDFLAGS := --wrap=main
LIBC_LINK := --start-group $(LIBC_LIBS) --end-group

$(APP_BUILD)/lib/libc/%.o: lib/libc/%.c Makefile lib/libc/libc.mk $(LIBC_STAMP) | $(XEN_INC)/xen
	$(call say,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LIB_APP_CFLAGS) -c $< -o $@

ifneq ($(APP_BUILD),$(BUILD))
# app objects for this libc live apart from the default libc's
$(APP_BUILD)/%.o: %.c Makefile lib/libc/libc.mk | $(XEN_INC)/xen $(LIBC_STAMP)
	$(call say,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(call app_cflags,$<) -c $< -o $@
endif

-include $(LIBC_GLUE_OBJS:.o=.d) $(LIBSYS_OBJS:.o=.d)

# every libc's images: what the test and bench targets need
libc-all: all
	$(Q)$(foreach l,$(filter-out $(LIBC),$(LIBCS)),$(MAKE) --no-print-directory LIBC=$(l) all &&) true
test-qemu test-xen bench: libc-all
