# blk: blkfront self-test and benchmark on Xen virtual disks (tests/xen/blk-*)
SRCS := main.c suspend.c

# The rig scenarios' disk files (sparse; tools/xen-run copies them fresh for every scenario).
BLK_DISKS := $(addprefix $(BUILD)/blk-disks/,64m.img 32m.img 1g.img ro.img)
$(APP_BUILD)/blk.elf: | $(BLK_DISKS)
$(BUILD)/blk-disks/%.img:
	$(Q)mkdir -p $(@D)
	$(Q)rm -f $@
	$(Q)case $* in ro) printf 'PVHKIT-RO-DISK' > $@; truncate -s 16M $@ ;; \
		1g) truncate -s 1G $@ ;; *) truncate -s $$(echo $* | tr m M) $@ ;; esac
