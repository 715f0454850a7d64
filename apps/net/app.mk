# net: TCP/UDP echo and an HTTP/1.1 server over netfront + lwIP, plus client modes for throughput
SRCS := main.c suspend.c
# lwIP's headers come from its fetched source
$(patsubst %.c,$(APP_BUILD)/apps/net/%.o,$(SRCS)): | $(LWIP_STAMP)
