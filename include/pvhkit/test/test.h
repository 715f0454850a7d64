/* The test-only header set's gate: for test images only (apps/conformance, tests/apps), never a stable API. */
#ifndef PVHKIT_TEST_TEST_H
#define PVHKIT_TEST_TEST_H

/*
 * include/pvhkit/test/ gives test images what the public API does not: raw hypercalls, event
 * channels, grant tables, kernel threads and timers, the Xen facts the kernel found. It exists so
 * that the tests of the Xen interfaces need not reach into kernel/ or arch/; it changes whenever
 * the kernel does, so it is NOT a stable API and an ordinary app must not use it. The Makefile
 * defines PVHKIT_TEST_IMAGE only for the test images (TEST_APP_DIRS); anything else that includes
 * one of these headers does not compile. The functions are implemented in lib/test/.
 */
#ifndef PVHKIT_TEST_IMAGE
#error "pvhkit/test/*.h is for test images only (TEST_APP_DIRS in the Makefile): not a stable API"
#endif

#endif
