# hello: prints what the loader handed over and exits 0
SRCS := main.c
