# pvhkit SDK makefile fragment: an app's Makefile sets APP and SRCS and includes this file
# (`include $(shell pvhkit-config --mk)`), then `make` builds build/$(APP).elf.
#   make [LIBC=picolibc]        build/$(APP).elf (+ .map, -stripped.elf)
#   make run [CMDLINE='...']    boot it in QEMU (software emulation), module 0 from MODULE=FILE
#   make debug [CMDLINE='...']  the same, stopped, with gdb attached (breakpoint in main)
#   make clean
# CFLAGS adds compiler flags (e.g. -Werror), LDLIBS extra objects or archives.
PVHKIT_PREFIX := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../..)
LIBC ?= newlib
BUILD ?= build
PVHKIT_CC := $(PVHKIT_PREFIX)/bin/pvhkit-cc --libc=$(LIBC)
PVHKIT_LD := $(PVHKIT_PREFIX)/bin/pvhkit-ld --libc=$(LIBC)
OBJS := $(SRCS:%.c=$(BUILD)/%.o)
IMAGE := $(BUILD)/$(APP).elf

.PHONY: all run debug clean
.DEFAULT_GOAL := all
all: $(IMAGE) $(BUILD)/$(APP)-stripped.elf

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(PVHKIT_CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(IMAGE): $(OBJS)
	$(PVHKIT_LD) --name=$(APP) -o $@ $(OBJS) $(LDLIBS)

$(BUILD)/$(APP)-stripped.elf: $(IMAGE)
	strip -o $@ $<

run: $(IMAGE)
	qemu-system-x86_64 -accel tcg -M q35 -cpu max -m 128 -nographic -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=4 -kernel $(IMAGE) -append '$(CMDLINE)' \
		$(if $(MODULE),-initrd $(MODULE)) || [ $$? -eq 1 ] # isa-debug-exit: status 0 -> 1

debug: $(IMAGE)
	$(PVHKIT_PREFIX)/bin/pvhkit-gdb $(IMAGE) $(if $(CMDLINE),--cmdline '$(CMDLINE)') $(if $(MODULE),--module $(MODULE))

clean:
	rm -rf $(BUILD)

-include $(OBJS:.o=.d)
