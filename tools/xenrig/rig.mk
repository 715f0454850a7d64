# Make fragment for the real-Xen rig (included by the top-level Makefile): rig, test-xen, run-xen.
# Expects BUILD (the build directory) and a rule for $(BUILD)/<app>.elf.
#   make rig                          fetch and build the rig cache (no-op when up to date)
#   XEN=4.20 (any target below)       the Xen 4.20 rig (Debian 13) in $(BUILD)/rig-4.20 instead of
#                                     Debian 12's Xen 4.17 in $(BUILD)/rig; the scripts get RIG_DIR
#   make test-xen                     rig self-test + tests/xen/scenarios, then tests/xen/scenarios-smp
#                                     (multi-vCPU guests, single-threaded TCG): two rig boots
#   make run-xen [APP=hello] [CMDLINE='a b'] [XEN_RUN_FLAGS='--vif --timeout 120']

XEN ?= 4.17
ifeq ($(XEN),4.17)
RIG_DIR ?= $(BUILD)/rig
else
RIG_DIR ?= $(BUILD)/rig-$(XEN)
endif
APP ?= hello
XEN_RUN_FLAGS ?=
XEN_SCENARIOS := tests/xen/scenarios tests/xen/scenarios-smp
export XEN RIG_DIR BUILD

# Images named "$BUILD/..." in the scenario list, so `make test-xen` builds what it boots.
XEN_SCENARIO_IMAGES := $(sort $(addprefix $(BUILD)/,$(shell sed -n \
	's|^[^#[:space:]][^[:space:]]*[[:space:]][[:space:]]*[^[:space:]][^[:space:]]*[[:space:]][[:space:]]*\$$BUILD/\([^[:space:]]*\).*|\1|p' \
	$(XEN_SCENARIOS))))

.PHONY: rig test-xen run-xen

# tools/xenrig/build checks its own stamp (scripts + package versions), so this is cheap to repeat.
rig:
	tools/setup rig
	tools/xenrig/build

test-xen: rig $(XEN_SCENARIO_IMAGES)
	tests/xen/run $(XEN_RUN_FLAGS)

run-xen: rig $(BUILD)/$(APP).elf
	tools/xen-run $(BUILD)/$(APP).elf $(if $(CMDLINE),--cmdline '$(CMDLINE)') $(XEN_RUN_FLAGS)
