/* The conformance app's arguments: what to run (--only, --list) and what the runner configured. */
#ifndef APPS_CONFORMANCE_CONF_ARGS_H
#define APPS_CONFORMANCE_CONF_ARGS_H
#include "conf.h"

struct conf_args {
	int list;
	const char *only; /* comma-separated groups or test names; NULL = all */
	struct conf_expect expect;
	const char *bad; /* the first argument not understood */
};

/* 0, or -1 with a->bad set. */
int conf_args_parse(int argc, char **argv, struct conf_args *a);
/* 1 when test `name` ("group.clause") is selected by `only`. */
int conf_selected(const char *only, const char *name);
#endif
