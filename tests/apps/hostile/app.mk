# hostile: a guest facing tests/xen/hostile's misbehaving backend; reports what it saw (tests/xen/scenarios)
SRCS := main.c blk.c net.c

# The backend itself runs in the rig's dom0 (the scenarios pass it as their --dom0 program): built on
# the host against Debian 12's libxen-dev, whose Xen 4.17 libraries the rig's dom0 carries.
HOSTILE_BACKEND_SRCS := $(wildcard tests/xen/hostile/*.c)
$(APP_BUILD)/hostile.elf: | $(BUILD)/hostile-backend
$(BUILD)/hostile-backend: $(HOSTILE_BACKEND_SRCS) tests/xen/hostile/hostile.h tests/apps/hostile/app.mk
	$(call say,HOSTCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $(HOSTILE_BACKEND_SRCS) \
		-lxenstore -lxengnttab -lxenevtchn -lxentoollog
