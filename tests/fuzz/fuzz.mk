# libFuzzer harnesses (clang, ASan + UBSan) over the guest's own parsers of outside input.
# make test-fuzz: replays every corpus, then fuzzes each target for FUZZ_SHORT seconds.
# make fuzz: a long campaign per target (FUZZ_RUNS executions, or FUZZ_SECONDS), with a table.
FUZZ_CC := clang
, := ,
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Itests/fuzz/host -Itests/unit/host -I. \
	-Iinclude -isystem $(XEN_INC) -D__XEN_INTERFACE_VERSION__=0x00040e00 \
	-fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_SHORT ?= 2
FUZZ_RUNS ?= 10000000
FUZZ_SECONDS ?= 0

# each target: its harness tests/fuzz/fuzz_<name>.c plus the guest files it runs, unmodified
FUZZ_TARGETS += startinfo
fuzz_startinfo_SRCS := kernel/startinfo.c kernel/memmap.c kernel/cmdline.c
FUZZ_TARGETS += xs
fuzz_xs_SRCS := drivers/xenbus/xs_ops.c drivers/xenbus/xs_watch.c drivers/xenbus/xs_wire.c \
	drivers/xenbus/xs_reqs.c drivers/xenbus/xs_late.c base/fmt.c
fuzz_xs_INCLUDED := drivers/xenbus/xs.c tests/fuzz/fuzz_xs.nocov
fuzz_xs_CFLAGS := -fsanitize-coverage-ignorelist=tests/fuzz/fuzz_xs.nocov
FUZZ_TARGETS += acpi
fuzz_acpi_SRCS := drivers/acpi/acpi.c
FUZZ_TARGETS += discover
fuzz_discover_SRCS := kernel/smp_discover.c kernel/cmdline.c drivers/acpi/acpi.c
fuzz_discover_INCLUDED := tests/fuzz/fuzz_discover.nocov
fuzz_discover_CFLAGS := -fsanitize-coverage-ignorelist=tests/fuzz/fuzz_discover.nocov
FUZZ_TARGETS += netfront
fuzz_netfront_SRCS := drivers/netfront/netfront_ring.c drivers/netfront/netfront_gso.c
FUZZ_TARGETS += blkfront
fuzz_blkfront_SRCS := drivers/blkfront/blkfront_req.c
FUZZ_TARGETS += xencons
fuzz_xencons_SRCS := drivers/console/xencons_in.c
FUZZ_TARGETS += backend
fuzz_backend_SRCS := drivers/xenbus/xs_wire.c drivers/blkfront/blkfront_req.c \
	drivers/netfront/netfront_mac.c
FUZZ_TARGETS += netcfg
fuzz_netcfg_SRCS := lib/lwip/netcfg.c

# boot.S's start-info copy is 32-bit code: its harness is a 32-bit program (non-PIE, as the
# routine writes boot_raw by its absolute address); tests/fuzz/run starts it under qemu-i386
# where the kernel runs no 32-bit binaries. Without ASan: its runtime hangs at exit under
# qemu-i386, and it cannot see into assembly anyway (a guard page and a sentinel fill bound the
# copy's reads and writes; kernel/startinfo.c has ASan in fuzz_startinfo).
FUZZ_TARGETS += boot32
fuzz_boot32_SRCS := tests/unit/boot32/call.S arch/x86/boot_copy.S kernel/startinfo.c kernel/memmap.c
fuzz_boot32_SANITIZE := fuzzer,undefined
fuzz_boot32_CFLAGS := -m32 -fno-pie -no-pie -Wl,-z,noexecstack

FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)
FUZZ_DEPS := tests/fuzz/fuzz.mk $(wildcard tests/fuzz/*.h tests/unit/acpi_fake.h tests/fuzz/host/*.h tests/unit/host/*/*/*.h)

define fuzz_rule
$(FUZZ_DIR)/fuzz_$(1): tests/fuzz/fuzz_$(1).c $(fuzz_$(1)_SRCS) $(fuzz_$(1)_INCLUDED) $(FUZZ_DEPS) | $(XEN_INC)/xen
	$$(call say,FUZZCC,$$@)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=$$(or $$(fuzz_$(1)_SANITIZE),fuzzer$$(,)address$$(,)undefined) \
		$(fuzz_$(1)_CFLAGS) -o $$@ tests/fuzz/fuzz_$(1).c $(fuzz_$(1)_SRCS)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))

.PHONY: test-fuzz fuzz fuzz-build
fuzz-build:
	$(Q)tools/setup fuzz
	$(Q)$(MAKE) --no-print-directory $(FUZZ_BINS)

test-fuzz: fuzz-build
	$(Q)FUZZ_DIR=$(FUZZ_DIR) tests/fuzz/run --seconds $(FUZZ_SHORT) $(FUZZ_TARGETS)

fuzz: fuzz-build
	$(Q)FUZZ_DIR=$(FUZZ_DIR) tests/fuzz/run --runs $(FUZZ_RUNS) --seconds $(FUZZ_SECONDS) \
		--table $(FUZZ_TARGETS)
