# template: the starting point for a new app. SRCS lists this folder's C files.
SRCS := main.c
