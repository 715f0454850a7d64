# hang: a guest that spins (a hung appliance, as a debugger sees one) for the debugging recipes.
SRCS := main.c
