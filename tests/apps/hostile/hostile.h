/* The hostile guest's parts: one checker per device kind, and the backend's closing verdict. */
#ifndef TESTS_APPS_HOSTILE_HOSTILE_H
#define TESTS_APPS_HOSTILE_HOSTILE_H

#define SEC 1000000000ull

/* The scenario's checks as TAP lines; mode is what follows "blk"/"net" on the command line. */
void hostile_blk(const char *mode);
void hostile_net(const char *mode);
/* Waits for the backend's verdict on the grants (data/hostile) and checks it. */
void hostile_verdict(void);

#endif
