# template: the starting point for a new app (copy this folder to apps/<name>/). SRCS lists its C
# files. main.c is examples/appliance/main.c, which builds outside this tree against `make install`
# (tests/sdk/outside-build checks the two stay the same).
SRCS := main.c
