# fault: a test image that takes an exception on purpose
SRCS := main.c
