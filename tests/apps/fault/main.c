/*
 * fault: ends badly on purpose, to test the trap and exit paths. Argument: pf, null, ud, gp, de,
 * stack (an exception), panic (a kernel panic), or "exit N" (returns N from main).
 */
#include <pvhkit/kernel.h>
#include <pvhkit/test/kernel.h>

static int strequal(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* noinline and frame pointers keep these in the backtrace the test looks for */
/* volatile pointers: the compiler must neither prove nor assume anything about them */
static volatile uint64_t *volatile unmapped = (uint64_t *)0xdead000000ul; /* past RAM, past 4 GiB */
static volatile uint64_t *volatile null_ptr;
static volatile uint64_t *volatile non_canonical = (uint64_t *)0x8000000000000000ul;
static volatile int keep_going = 1;

__attribute__((noinline)) static void fault_pf(void)
{
	*unmapped = 1;
}

__attribute__((noinline)) static void fault_null(void)
{
	(void)null_ptr[1];
}

__attribute__((noinline)) static void fault_ud(void)
{
	__asm__ volatile("ud2");
}

__attribute__((noinline)) static void fault_gp(void)
{
	(void)*non_canonical;
}

__attribute__((noinline)) static int fault_de(int d)
{
	int r;

	__asm__ volatile("cltd; idivl %2" : "=a"(r) : "a"(1), "r"(d) : "rdx");
	return r;
}

__attribute__((noinline)) static int fault_stack(int depth)
{
	volatile char pad[512];

	pad[0] = (char)depth;
	return keep_going ? fault_stack(depth + 1) + pad[0] : depth;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "pf";

	pvh_printf("fault: about to trigger '%s'\n", what);
	if (strequal(what, "pf"))
		fault_pf();
	else if (strequal(what, "null"))
		fault_null();
	else if (strequal(what, "ud"))
		fault_ud();
	else if (strequal(what, "gp"))
		fault_gp();
	else if (strequal(what, "de"))
		fault_de(0);
	else if (strequal(what, "stack"))
		fault_stack(0);
	else if (strequal(what, "panic"))
		pvh_test_panic("panicking on purpose (%s)", what);
	else if (strequal(what, "exit") && argc > 2) {
		int n = 0;

		for (const char *p = argv[2]; *p >= '0' && *p <= '9'; p++)
			n = n * 10 + (*p - '0');
		return n;
	} else {
		pvh_printf("fault: unknown fault '%s'\n", what);
		return 2;
	}
	pvh_printf("fault: survived '%s', which should not happen\n", what);
	return 1;
}
