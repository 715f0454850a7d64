# smp: work on every CPU (counting, locks, IPI ping-pong, timers, offline/online), TAP results
SRCS := main.c hotplug.c
