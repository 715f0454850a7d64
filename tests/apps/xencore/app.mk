# xencore: the Xen platform core exercised on a real Xen (tests/xen)
SRCS := main.c
