# timing: sleep lateness, raw one-shot timer delivery and pvclock continuity on a real Xen (tests/xen)
SRCS := main.c
