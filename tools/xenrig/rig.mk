# Make fragment for the real-Xen rig (included by the top-level Makefile): rig, test-xen, run-xen.
# Expects BUILD (the build directory) and a rule for $(BUILD)/<app>.elf.
#   make rig                          fetch and build the rig cache (no-op when up to date)
#   XEN=4.20 (any target below)       the Xen 4.20 rig (Debian 13) in $(BUILD)/rig-4.20
#   make test-xen                     rig self-test + the scenario files' single-vCPU domU cases, then
#                                     the multi-vCPU ones (single-threaded TCG): two rig boots
#   make run-xen [APP=hello] [CMDLINE='a b'] [XEN_RUN_FLAGS='--vif --timeout 120']

# XEN=VERSION picks a rig: build/rig for Debian 12's 4.17, build/rig-VERSION for others (the
# runners map --xen VERSION / $XEN the same way: tools/pvhtest/paths.py); RIG_DIR=... overrides.
XEN ?= 4.17
RIG_DIR ?= $(BUILD)/rig$(if $(filter-out 4.17,$(XEN)),-$(XEN))
APP ?= hello
XEN_RUN_FLAGS ?=
export RIG_DIR BUILD XEN

.PHONY: rig test-xen run-xen

# tools/xenrig/build checks its own stamp (scripts + package versions), so this is cheap to repeat.
rig:
	tools/setup rig
	tools/xenrig/build

# (test-xen also depends on libc-all, lib/libc/libc.mk: every image of both libcs)
test-xen: rig
	tools/run-tests --on domU $(XEN_RUN_FLAGS)

run-xen: rig $(BUILD)/$(APP).elf
	tools/xen-run $(BUILD)/$(APP).elf $(if $(CMDLINE),--cmdline '$(CMDLINE)') $(XEN_RUN_FLAGS)
