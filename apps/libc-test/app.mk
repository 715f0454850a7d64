# libc-test: TAP checks of the C library layer (stdio, strtod, malloc from threads, time, files, exit, abort, OOM)
SRCS := main.c
