# Debugging: `make debug APP=hello [CMDLINE='...'] [MODULE=FILE]` boots the image under QEMU, stopped,
# and attaches gdb with its symbols and a breakpoint in main (tools/gdb/pvhkit-gdb); `make test-gdb`
# drives gdb in batch mode (tests/gdb/run). On the rig, xenctx in dom0 reads a running guest's
# vCPUs with the image's System.map (tools/gdb/system-map; the scenario xenctx-backtrace).

.PHONY: debug test-gdb
debug: $(APP_BUILD)/$(APP).elf
	$(Q)tools/setup test
	tools/gdb/pvhkit-gdb $(APP_BUILD)/$(APP).elf $(if $(CMDLINE),--cmdline '$(CMDLINE)') \
		$(if $(MODULE),--module $(MODULE))

test-gdb: $(BUILD)/hello.elf $(BUILD)/hang.elf
	$(Q)tools/setup test
	$(Q)tests/gdb/run
test: test-gdb

# module 0 of the rig's xenctx scenario: the symbols dom0's xenctx reads
$(BUILD)/%.System.map: $(BUILD)/%.elf tools/gdb/system-map
	$(Q)tools/gdb/system-map $< >$@
test-xen: $(BUILD)/hang.System.map
