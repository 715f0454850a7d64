# xstest: the xenstore client and xenbus helpers on a real Xen (tests/xen)
SRCS := main.c
