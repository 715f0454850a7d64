# Criterion unit tests: host-compiled from the very source files the guest runs.
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_UNDER_TEST := base/fmt.c lib/libc/errno.c lib/api/result.c lib/api/tap.c lib/test/acpi.c kernel/memmap.c kernel/pmem.c kernel/heap.c kernel/startinfo.c \
	kernel/cmdline.c kernel/ksyms.c kernel/pvclock.c kernel/evtchn_scan.c kernel/timerq.c \
	kernel/gnttab_refs.c kernel/smp_discover.c kernel/suspend_seq.c lib/sys/arena_size.c
UNIT_UNDER_TEST += drivers/xenbus/xs_wire.c drivers/xenbus/xs_reqs.c drivers/xenbus/xs_late.c drivers/acpi/acpi.c
UNIT_UNDER_TEST += drivers/blkfront/blkfront_req.c drivers/xenbus/xenbus_front.c \
	drivers/blkfront/blkfront_xs.c drivers/netfront/netfront_xs.c
UNIT_UNDER_TEST += drivers/netfront/netfront_ring.c drivers/netfront/netfront_gso.c lib/lwip/netcfg.c \
	drivers/netfront/netfront_mac.c
UNIT_UNDER_TEST += $(addprefix apps/conformance/,conf_result.c conf_rules_entry.c \
	conf_rules_startinfo.c conf_rules_platform.c conf_report.c conf_args.c)
UNIT_BIN := $(BUILD)/unit/unit-tests
# test_xenbus_front counts the frontends' pages: their page_alloc/page_free go through its wrappers
UNIT_WRAP := -Wl,--wrap=page_alloc,--wrap=page_free
# the host stand-ins in tests/unit/host come first; sanitizers catch what asserts miss
UNIT_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Itests/unit/host -I. -Iinclude -DPVHKIT_TEST_IMAGE \
	-isystem $(XEN_INC) -D__XEN_INTERFACE_VERSION__=0x00040e00 \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

$(UNIT_BIN): $(UNIT_SRCS) $(UNIT_UNDER_TEST) $(wildcard tests/unit/*.h) | $(XEN_INC)/xen
	$(call say,HOSTCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) -o $@ $(UNIT_SRCS) $(UNIT_UNDER_TEST) -lcriterion $(UNIT_WRAP)

# boot.S's start-info copy as 32-bit code in a host process; under qemu-i386 where the kernel
# runs no 32-bit binaries (exit 126)
BOOT32_BIN := $(BUILD)/unit/boot32/test-boot32
BOOT32_SRCS := tests/unit/boot32/test_boot32.c tests/unit/boot32/call.S arch/x86/boot_copy.S \
	kernel/startinfo.c kernel/memmap.c
$(BOOT32_BIN): $(BOOT32_SRCS) $(wildcard kernel/*.h arch/x86/*.h) | $(XEN_INC)/xen
	$(call say,HOSTCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) -m32 -static -no-pie -fno-pie -std=gnu11 -O1 -g -Wall -Wextra -Werror -I. \
		-Iinclude -isystem $(XEN_INC) -D__XEN_INTERFACE_VERSION__=0x00040e00 \
		-Wl,-z,noexecstack -o $@ $(BOOT32_SRCS)

test-unit:
	$(Q)tools/setup test
	$(Q)$(MAKE) --no-print-directory $(UNIT_BIN) $(BOOT32_BIN)
	$(Q)$(UNIT_BIN) --jobs 2
	$(Q)/usr/bin/python3 -m pytest -q -p no:cacheprovider tests/unit/harness
	$(Q)$(BOOT32_BIN) 2>/dev/null; rc=$$?; [ $$rc != 126 ] || { qemu-i386 $(BOOT32_BIN); rc=$$?; }; exit $$rc
