# lwIP 2.1.3 (Debian's bookworm source package, pinned and checked in tools/lwip/fetch-lwip) built
# into $(APP_BUILD)/lwip/liblwip.a with the port in lib/lwip/, linked into every image as an archive:
# only images that use the network (apps/net) pull any of it in.
#
# lwIP's own files and the port's lwIP-facing files are app code (the libc's headers, errno per
# thread, SSE allowed); lib/lwip/kern/ is kernel code (kernel headers, no libc) that the port calls.

LWIP_DIR := $(BUILD)/lwip
LWIP_SRC := $(LWIP_DIR)/src/src
LWIP_STAMP := $(LWIP_DIR)/src/.complete
LWIP_LIB := $(APP_BUILD)/lwip/liblwip.a

# the files of Filelists.mk this port needs (COREFILES, CORE4FILES, APIFILES, ethernet), listed
# here so make knows them before the source is fetched; the version is pinned, so is the list
LWIP_FILES := core/init core/def core/dns core/inet_chksum core/ip core/mem core/memp core/netif \
	core/pbuf core/raw core/stats core/sys core/tcp core/tcp_in core/tcp_out core/timeouts \
	core/udp core/ipv4/dhcp core/ipv4/etharp core/ipv4/icmp core/ipv4/ip4_frag core/ipv4/ip4 \
	core/ipv4/ip4_addr api/api_lib api/api_msg api/err api/netbuf api/netdb api/sockets \
	api/tcpip netif/ethernet
LWIP_CORE_OBJS := $(LWIP_FILES:%=$(APP_BUILD)/lwip/%.o)
LWIP_PORT_OBJS := $(patsubst %.c,$(APP_BUILD)/%.o,$(wildcard lib/lwip/*.c))
LWIP_KERN_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard lib/lwip/kern/*.c))

LWIP_CFLAGS := -Ilib/lwip/include -I$(LWIP_SRC)/include
APP_CFLAGS += $(LWIP_CFLAGS)

$(LWIP_STAMP): tools/lwip/fetch-lwip
	$(call say,FETCH,lwIP 2.1.3 into $(LWIP_DIR))
	$(Q)mkdir -p $(LWIP_DIR)
	$(Q)flock $(LWIP_DIR)/.lock tools/lwip/fetch-lwip $(LWIP_DIR) >/dev/null
	$(Q)touch $@

# lwIP is third-party code: its own warnings are not ours to fix, so no -Werror for it
$(LWIP_CORE_OBJS): $(APP_BUILD)/lwip/%.o: $(LWIP_STAMP) lib/lwip/lwip.mk | $(XEN_INC)/xen $(LIBC_STAMP)
	$(call say,CC,lwip/$*.c)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(filter-out -Werror -Wextra,$(LIB_APP_CFLAGS)) -c $(LWIP_SRC)/$*.c -o $@

$(LWIP_PORT_OBJS): $(APP_BUILD)/%.o: %.c $(LWIP_STAMP) Makefile lib/lwip/lwip.mk | $(XEN_INC)/xen $(LIBC_STAMP)
	$(call say,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LIB_APP_CFLAGS) -c $< -o $@

$(LWIP_LIB): $(LWIP_CORE_OBJS) $(LWIP_PORT_OBJS) $(LWIP_KERN_OBJS)
	$(call say,AR,$@)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

# every image links it (as an archive, so at no cost to images that use no network)
LIBC_LINK := --start-group $(LWIP_LIB) $(LIBC_LIBS) --end-group
# (the images linked high for the dom0 builder's relocation test link it too: without this a
# parallel make could link them before the archive exists)
$(APPS:%=$(APP_BUILD)/%.pass1.elf) $(APPS:%=$(APP_BUILD)/%.elf) $(APP_BUILD)/linkhigh/hello.elf \
	$(APP_BUILD)/linkhigh/conformance.elf: $(LWIP_LIB)

.PHONY: lwip
lwip: $(LWIP_LIB)

-include $(LWIP_CORE_OBJS:.o=.d) $(LWIP_PORT_OBJS:.o=.d) $(LWIP_KERN_OBJS:.o=.d)
