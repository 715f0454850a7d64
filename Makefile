# pvhkit: builds every app under apps/ (and the test images under tests/apps/) into PVH images,
# and runs the tests. `make help` lists the targets.

BUILD ?= build
# the C library apps link with: newlib or picolibc (lib/libc/libc.mk)
LIBC ?= newlib
V ?= 0
Q := $(if $(filter 1,$(V)),,@)
say = $(if $(filter 1,$(V)),,@printf '  %-7s %s\n' '$(1)' '$(2)';)

CC := gcc
LD := ld
OBJCOPY := objcopy
STRIP := strip
HOSTCC := gcc

# Xen's ABI comes from Xen's public headers (below), seen through a directory that holds nothing else,
# so no host libc header can be found by accident.
XEN_INC := $(BUILD)/xen-include
GCC_INC := $(shell $(CC) -print-file-name=include)

# x86-64 baseline only (no AVX: QEMU 7.2's emulated AVX faulted in the rig); no red zone,
# because interrupts arrive on the same stack; frame pointers for backtraces.
GUEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -nostdinc \
	-isystem $(GCC_INC) -isystem $(XEN_INC) -Iinclude \
	-D__XEN_INTERFACE_VERSION__=0x00040e00 \
	-march=x86-64 -mtune=generic -mno-red-zone -fno-pic -fno-pie -fno-stack-protector \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fno-asynchronous-unwind-tables -fno-unwind-tables \
	-fno-tree-loop-distribute-patterns -ffunction-sections -fdata-sections -MMD -MP
# the kernel itself never touches SSE, so interrupts need not save it; it is built for size
# (-Os: 74 KB -> 60 KB of kernel in hello; its bulk copies are rep movsb/stosq either way),
# apps and their libraries keep -O2
KERNEL_CFLAGS := $(filter-out -O2,$(GUEST_CFLAGS)) -I. -Os -mgeneral-regs-only
# apps see the public API (include/pvhkit) and the libc's and lwIP's headers, never the tree (no -I.)
APP_CFLAGS := $(GUEST_CFLAGS) -mno-avx -mno-avx2
LDFLAGS := -nostdlib -static -no-pie -z max-page-size=4096 -z noexecstack --gc-sections \
	-T arch/x86/link.ld

KERNEL_SRCS := $(wildcard arch/x86/*.S arch/x86/*.c kernel/*.c drivers/*/*.c base/*.c lib/api/*.c lib/test/*.c)
KERNEL_OBJS := $(patsubst %,$(BUILD)/%.o,$(basename $(KERNEL_SRCS)))

APP_DIRS := $(patsubst %/app.mk,%,$(wildcard apps/*/app.mk tests/apps/*/app.mk))
# Test images may also include the test-only headers (include/pvhkit/test/: raw hypercalls, event
# channels, grant tables, the recorded entry state); they refuse to compile without this flag.
TEST_APP_DIRS := apps/conformance $(patsubst %/app.mk,%,$(wildcard tests/apps/*/app.mk))
TEST_APP_FLAGS := -DPVHKIT_TEST_IMAGE
# (their implementation, lib/test/, is built with it too)
$(BUILD)/lib/test/%.o: KERNEL_CFLAGS += $(TEST_APP_FLAGS)
APPS := $(notdir $(APP_DIRS))
IMAGES := $(APPS:%=$(BUILD)/%.elf) $(APPS:%=$(BUILD)/%-stripped.elf)
include lib/libc/libc.mk
include lib/lwip/lwip.mk
include lib/mbedtls/mbedtls.mk
# the library layer's files built as app code (libc glue, lwIP port) also see the tree
LIB_APP_CFLAGS = $(APP_CFLAGS) -I.
app_cflags = $(APP_CFLAGS)$(if $(filter $(addsuffix /%,$(TEST_APP_DIRS)),$(1)), $(TEST_APP_FLAGS))

.PHONY: all clean help setup format test test-xen-versions test-matrix test-xtf-mimic test-build test-format test-layers test-unit test-fuzz fuzz test-qemu test-dom0 test-xen run run-qemu run-xen bench conformance
.DEFAULT_GOAL := all
all: $(IMAGES)

# Xen's public headers come from Debian 13's libxen-dev (Xen 4.20), fetched, pinned and unpacked
# under $(BUILD)/xen-headers by tools/xen-headers/fetch-xen-headers, never installed: Debian 12's
# are 4.17's and lack the 4.18-4.20 ABI additions the guest uses. tools/setup still runs first, so
# a fresh machine gets its compiler (it asks dpkg, never a directory: linux-libc-dev also fills
# /usr/include/xen).
XEN_HEADERS := $(BUILD)/xen-headers
$(XEN_INC)/xen:
	$(Q)mkdir -p $(XEN_INC)
	$(Q)tools/setup build
	$(Q)tools/xen-headers/fetch-xen-headers $(XEN_HEADERS)
	$(Q)ln -sfn $(abspath $(XEN_HEADERS))/usr/include/xen $@

$(BUILD)/%.o: %.c Makefile | $(XEN_INC)/xen
	$(call say,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(if $(filter apps/% tests/apps/%,$<),$(call app_cflags,$<),$(KERNEL_CFLAGS)) -c $< -o $@

$(BUILD)/%.o: %.S Makefile | $(XEN_INC)/xen
	$(call say,AS,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(KERNEL_CFLAGS) -D__ASSEMBLER__ -c $< -o $@

# One image per app, linked twice: the second pass adds the symbol table for backtraces,
# placed after all code so no function moves (checked by comparing both passes' function lists).
# An app.mk may name extra archives in LIBS (e.g. $(MBEDTLS_LIB)), linked before the libc.
define app_rules
SRCS :=
LIBS :=
include $(1)/app.mk
$(2)_OBJS := $$(patsubst %.c,$(APP_BUILD)/$(1)/%.o,$$(SRCS)) $(APP_BUILD)/$(1)/app_name.o
$(2)_LIBS := $$(LIBS)
$$($(2)_OBJS): | $(LIBC_STAMP)

$(APP_BUILD)/$(1)/app_name.c: $(1)/app.mk
	$$(Q)mkdir -p $$(@D)
	$$(Q)echo 'const char app_name[] = "$(2)";' > $$@

$(APP_BUILD)/$(1)/app_name.o: $(APP_BUILD)/$(1)/app_name.c Makefile
	$$(Q)$(CC) $(APP_CFLAGS) -c $$< -o $$@

$(APP_BUILD)/$(2).pass1.elf: $(KERNEL_OBJS) $$($(2)_OBJS) $$($(2)_LIBS) $(LIBC_OBJS) $(LIBC_STAMP) arch/x86/link.ld
	$$(call say,LD,$$@)
	$$(Q)$(LD) $(LDFLAGS) $(LIBC_LDFLAGS) -o $$@ $(KERNEL_OBJS) $$($(2)_OBJS) $(LIBC_OBJS) $$($(2)_LIBS) $(LIBC_LINK)

$(APP_BUILD)/$(2).ksyms.S: $(APP_BUILD)/$(2).pass1.elf tools/gen-ksyms
	$$(Q)tools/gen-ksyms $$< > $$@

$(APP_BUILD)/$(2).pass2.elf: $(APP_BUILD)/$(2).pass1.elf $(APP_BUILD)/$(2).ksyms.o
	$$(Q)$(LD) $(LDFLAGS) --emit-relocs $(LIBC_LDFLAGS) -o $$@ $(KERNEL_OBJS) $$($(2)_OBJS) $(LIBC_OBJS) $(APP_BUILD)/$(2).ksyms.o $$($(2)_LIBS) $(LIBC_LINK)

$(APP_BUILD)/$(2).relocs.S: $(APP_BUILD)/$(2).pass2.elf tools/gen-relocs
	$$(Q)tools/gen-relocs $$< > $$@

# the third pass adds the relocation table in a segment of its own at the end: it must move
# nothing, so its relocation sites are compared with the second pass's
$(APP_BUILD)/$(2).elf: $(APP_BUILD)/$(2).pass2.elf $(APP_BUILD)/$(2).relocs.o
	$$(call say,LD,$$@)
	$$(Q)$(LD) $(LDFLAGS) --emit-relocs -Map=$(APP_BUILD)/$(2).map $(LIBC_LDFLAGS) -o $$@ $(KERNEL_OBJS) $$($(2)_OBJS) $(LIBC_OBJS) $(APP_BUILD)/$(2).ksyms.o $(APP_BUILD)/$(2).relocs.o $$($(2)_LIBS) $(LIBC_LINK)
	$$(Q)tools/gen-ksyms --list $(APP_BUILD)/$(2).pass1.elf > $(APP_BUILD)/$(2).funcs1
	$$(Q)tools/gen-ksyms --list $$@ > $(APP_BUILD)/$(2).funcs2
	$$(Q)cmp -s $(APP_BUILD)/$(2).funcs1 $(APP_BUILD)/$(2).funcs2 || \
		{ echo "$$@: functions moved between link passes; backtraces would lie" >&2; rm -f $$@; exit 1; }
	$$(Q)tools/gen-relocs --list $(APP_BUILD)/$(2).pass2.elf > $(APP_BUILD)/$(2).relocs2
	$$(Q)tools/gen-relocs --list $$@ > $(APP_BUILD)/$(2).relocs3
	$$(Q)cmp -s $(APP_BUILD)/$(2).relocs2 $(APP_BUILD)/$(2).relocs3 || \
		{ echo "$$@: relocation sites moved in the last link pass; a relocated image would break" >&2; rm -f $$@; exit 1; }

$(APP_BUILD)/$(2)-stripped.elf: $(APP_BUILD)/$(2).elf
	$$(Q)$(STRIP) -o $$@ $$<
endef
$(foreach d,$(APP_DIRS),$(eval $(call app_rules,$(d),$(notdir $(d)))))

# XEN_ELFNOTE_PHYS32_RELOC under test: images a relocating loader would have moved by RELOC_TEST_OFFSET
# (tools/reloc-image, for QEMU's PVH loader: tests/qemu/scenarios), and hello and the conformance
# guest linked at 256 MiB, outside a 64 MiB dom0's RAM, so Xen's PVH dom0 builder (4.19+) must move
# them (tests/dom0/scenarios)
RELOC_TEST_OFFSET := 0x1235000
RELOC_IMAGES := $(APP_BUILD)/reloc/smp.elf $(APP_BUILD)/reloc/fault.elf \
	$(APP_BUILD)/linkhigh/hello.elf $(APP_BUILD)/linkhigh/conformance.elf
all: $(RELOC_IMAGES)
$(APP_BUILD)/reloc/%.elf: $(APP_BUILD)/%.elf tools/reloc-image
	$(Q)mkdir -p $(@D)
	$(Q)tools/reloc-image $< $(RELOC_TEST_OFFSET) $@

define linkhigh_rule
$(APP_BUILD)/linkhigh/$(1).elf: $(KERNEL_OBJS) $$($(1)_OBJS) $(LIBC_OBJS) $(LIBC_STAMP) arch/x86/link.ld tools/gen-relocs
	$$(call say,LD,$$@)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$(LD) $(LDFLAGS) --defsym=pvh_link_base=0x10000000 --emit-relocs $(LIBC_LDFLAGS) -o $$@.pass1 $(KERNEL_OBJS) $$($(1)_OBJS) $(LIBC_OBJS) $(LIBC_LINK)
	$$(Q)tools/gen-relocs $$@.pass1 > $$@.relocs.S
	$$(Q)$(CC) -c $$@.relocs.S -o $$@.relocs.o
	$$(Q)$(LD) $(LDFLAGS) --defsym=pvh_link_base=0x10000000 $(LIBC_LDFLAGS) -o $$@ $(KERNEL_OBJS) $$($(1)_OBJS) $(LIBC_OBJS) $$@.relocs.o $(LIBC_LINK)
endef
$(foreach a,hello conformance,$(eval $(call linkhigh_rule,$(a))))

$(BUILD)/%.ksyms.o: $(BUILD)/%.ksyms.S
	$(Q)$(CC) -c $< -o $@

$(BUILD)/%.relocs.o: $(BUILD)/%.relocs.S
	$(Q)$(CC) -c $< -o $@

-include $(KERNEL_OBJS:.o=.d) $(foreach a,$(APPS),$($(a)_OBJS:.o=.d))
include tools/sdk/sdk.mk
include tools/gdb/debug.mk

# ---- tests ----
include tests/unit/unit.mk
include tests/fuzz/fuzz.mk
include tools/xenrig/rig.mk

# The scenario files (tests/qemu/scenarios, tests/dom0/scenarios, tests/xen/scenarios*) hold every
# boot case; tools/run-tests --on PLATFORM runs the ones for a platform (tools/pvhtest).
test-qemu: all
	$(Q)tools/setup test
	$(Q)tools/run-tests --on qemu

# apps/conformance in every configuration (QEMU, the rig as a domU, Xen's PVH dom0): a summary table
conformance: rig $(BUILD)/conformance.elf
	$(Q)tools/setup test
	$(Q)tools/conformance

# Xen with the image as its PVH hardware domain (tools/xen-dom0-run): seconds a boot, no Linux
test-dom0: rig all
	$(Q)tools/run-tests --on dom0

# An XTF-style harness (tests/xtf-mimic: Xen's CI way, "Test result:" alone) runs the conformance
# guest unchanged as PVH dom0 on each Xen version
test-xtf-mimic: rig all
	$(Q)tests/xtf-mimic/selftest

# the tree follows its one .clang-format (clang-format 14, Debian 12's); `make format` applies it.
# One clang-format for every file (a process per file took ~50 s of make test); file by file only to
# name the culprits.
FORMAT_FILES = $(shell find base arch kernel drivers lib apps tests include examples -type f -name '*.[ch]' | sort)
test-format:
	$(Q)tools/setup test
	$(Q)clang-format --dry-run --Werror $(FORMAT_FILES) >/dev/null 2>&1 || { \
		bad=$$(for f in $(FORMAT_FILES); do clang-format --dry-run --Werror $$f >/dev/null 2>&1 || echo $$f; done); \
		echo "not clang-formatted (make format):" $${bad:-"(clang-format failed)"}; exit 1; }; \
	echo "format: $(words $(FORMAT_FILES)) files follow .clang-format"

format:
	$(Q)clang-format -i $(FORMAT_FILES)

# the layer table in docs/DESIGN.md, checked on every #include (tools/check-layers), and the
# checker's own tests (a planted upward include must fail), and every public name is pvh_
test-layers:
	$(Q)tools/setup test
	$(Q)/usr/bin/python3 -m pytest -q tests/tools
	$(Q)tools/check-layers

# cheapest first: a broken build or unit fails in seconds, before the rig boots; then the other
# Xen versions' share of the matrix (tests/matrix)
test: test-format test-layers test-build test-unit test-fuzz test-qemu test-dom0 test-xtf-mimic
	$(Q)$(MAKE) --no-print-directory test-xen
	$(Q)$(MAKE) --no-print-directory test-xen-versions

# What the steps of make test build, built first on every CPU (the steps themselves run one after
# another): the images of both libcs with lwIP and mbed TLS, the unit and fuzz programs. Serial,
# these builds were about a third of make test's time on the 2-core build machine.
TEST_JOBS ?= $(shell nproc)
test-build:
	$(Q)tools/setup test
	$(Q)$(MAKE) --no-print-directory -j$(TEST_JOBS) libc-all $(UNIT_BIN) $(BOOT32_BIN) fuzz-build \
		$(BUILD)/hang.System.map

# The Xen versions besides the default: the PVH dom0 and domU cases tests/matrix names for each,
# the domUs in one rig boot (tools/run-tests --matrix); every rig is built (fetched, pinned,
# checked) on first use like the default one.
MATRIX_VERSIONS = $(shell awk '!/^[[:space:]]*#/ && NF { print $$1 }' tests/matrix | sort -u)
test-xen-versions: all
	$(Q)tools/setup rig
	$(Q)for v in $(MATRIX_VERSIONS); do \
		tools/run-tests --on dom0 --xen $$v --matrix && tools/run-tests --on domU --xen $$v --matrix || exit 1; \
	done

# Every scenario on every Xen version (the default and tests/matrix's), then the table of results
# (tools/matrix-table; README.md, "The Xen version matrix", shows one). Runs them all, then fails
# if any case did not end as expected.
test-matrix: all $(BUILD)/sdk-test/appliance.elf
	$(Q)tools/setup test
	$(Q)tools/setup rig
	$(Q)rc=0; for v in $(DEFAULT_XEN_VERSION) $(MATRIX_VERSIONS); do \
		env -u RIG_DIR $(MAKE) --no-print-directory test-dom0 XEN=$$v || rc=1; \
		env -u RIG_DIR $(MAKE) --no-print-directory test-xen XEN=$$v XEN_RUN_FLAGS="$(MATRIX_SCENARIOS)" || rc=1; \
		env -u RIG_DIR $(MAKE) --no-print-directory test-2host XEN=$$v || rc=1; \
	done; tools/matrix-table $(DEFAULT_XEN_VERSION) $(MATRIX_VERSIONS) | tee $(BUILD)/results/matrix.md; \
	echo "matrix: $(BUILD)/results/matrix.md"; exit $$rc
DEFAULT_XEN_VERSION := 4.17

# Live migration between two rigs (two Xen-in-QEMU hosts on one network segment, disks shared):
# tools/pvhtest/twohost.py; both rigs boot at once, about 4 minutes on 2 cores
test-2host: rig all
	$(Q)tools/setup test
	$(Q)tools/run-tests --on domU --two-hosts tests/xen/scenarios-2host
# make test's scenario files and the ones too long for it (20 save/restore cycles, ...)
MATRIX_SCENARIOS := tests/qemu/scenarios tests/dom0/scenarios tests/xen/scenarios tests/xen/scenarios-smp \
	tests/xen/scenarios-suspend tests/xen/scenarios-suspend-io

# ---- running ----
APP ?= hello
ON ?= xen
run: run-$(ON)

run-qemu: $(BUILD)/$(APP).elf
	$(Q)tools/setup test
	tools/qemu-run $(BUILD)/$(APP).elf $(if $(CMDLINE),--cmdline "$(CMDLINE)")

bench: rig all
	$(Q)tools/setup test
	$(Q)tools/bench $(BUILD)

setup:
	tools/setup all

clean:
	rm -rf $(BUILD)

help:
	@echo "make              build every app into $(BUILD)/<app>.elf (V=1 shows commands)"
	@echo "make run          boot APP (default hello) on the Xen rig; ON=qemu boots it in QEMU directly"
	@echo "                  CMDLINE='...' passes a command line"
	@echo "make test         unit tests, QEMU boot tests, PVH dom0 boots, then the real-Xen suite"
	@echo "make test-format  every C file follows .clang-format (make format applies it)"
	@echo "make test-layers  every #include obeys docs/DESIGN.md's layer table (tools/check-layers)"
	@echo "make test-unit    Criterion unit tests (host) and the harness's pytest tests (tests/unit/harness)"
	@echo "make test-fuzz    replay the fuzz corpora, fuzz each parser a few seconds (tests/fuzz)"
	@echo "make fuzz         long libFuzzer campaign per parser (FUZZ_RUNS=10000000 or FUZZ_SECONDS)"
	@echo "make test-qemu    the scenario files' qemu cases under QEMU's PVH loader (tools/run-tests --on qemu)"
	@echo "make test-dom0    their dom0 cases, booted by Xen as its PVH dom0 (tools/run-tests --on dom0)"
	@echo "make test-xen     the rig self-test and their domU cases on the rig (tools/run-tests --on domU)"
	@echo "make test-xen-versions  the cases tests/matrix names for the other Xen versions (in make test)"
	@echo "make test-matrix  every dom0 and domU case on every Xen version, then the table of results"
	@echo "make test-xtf-mimic  an XTF-style harness (Test result: line) runs the conformance guest as dom0"
	@echo "make conformance  apps/conformance on QEMU, the rig (domU configurations) and as a PVH dom0: a table"
	@echo "make install      the SDK for apps built outside this tree: PREFIX=... [DESTDIR=...] (README)"
	@echo "make test-sdk     make install into a temporary prefix, examples/appliance built outside and booted"
	@echo "make debug        boot APP under QEMU, stopped, with gdb attached (symbols, breakpoint in main)"
	@echo "make test-gdb     gdb driven in batch mode against QEMU's gdb stub (tests/gdb/run)"
	@echo "make rig          build the Xen rig (Debian's Xen 4.17 + Linux dom0) under $(BUILD)/rig"
	@echo "                  XEN=4.20 (with rig, test-xen, test-dom0, run, conformance): Debian 13's"
	@echo "                  Xen 4.20 rig under $(BUILD)/rig-4.20"
