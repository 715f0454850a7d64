# suspend: a guest that dom0 saves, restores, checkpoints and migrates (tests/xen/scenarios-suspend)
SRCS := main.c
