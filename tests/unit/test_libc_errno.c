/* Tests the kernel-to-libc errno table (lib/libc/errno.c), here against the host libc's <errno.h>. */
#include <criterion/criterion.h>
#include <errno.h>
#include "lib/sys/sys.h"

/*
 * Every error the kernel can return (lib/sys/sys.h's SYS_E*, which lib/sys/errno.c holds to
 * base/errno.h) must come out as the libc's constant of the same name, and go back. The guest
 * images check the same under newlib and picolibc, whose numbers differ (apps/libc-test).
 */
#define ERR(e)                                                                                     \
	{                                                                                          \
		.name = #e, .sys = SYS_##e, .libc = e                                              \
	}
static const struct {
	const char *name;
	int sys, libc;
} errs[] = {
	ERR(EPERM),	ERR(ENOENT),	   ERR(ESRCH),	   ERR(EIO),	   ERR(E2BIG),
	ERR(EBADF),	ERR(EAGAIN),	   ERR(ENOMEM),	   ERR(EACCES),	   ERR(EFAULT),
	ERR(EBUSY),	ERR(EEXIST),	   ERR(ENODEV),	   ERR(EISDIR),	   ERR(EINVAL),
	ERR(EMFILE),	ERR(ENOTTY),	   ERR(ENOSPC),	   ERR(ESPIPE),	   ERR(EROFS),
	ERR(ERANGE),	ERR(ENAMETOOLONG), ERR(ENOSYS),	   ERR(ENOTEMPTY), ERR(EPROTO),
	ERR(EBADMSG),	ERR(EOVERFLOW),	   ERR(EMSGSIZE),  ERR(EISCONN),   ERR(ENOTCONN),
	ERR(ESHUTDOWN), ERR(ETIMEDOUT),	   ERR(ECANCELED),
};

Test(libc_errno, every_kernel_errno_becomes_the_same_named_libc_one)
{
	for (unsigned i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
		cr_expect_eq(libc_err(-errs[i].sys), -errs[i].libc,
			     "kernel -%s (%d) gave %ld, want %d", errs[i].name, errs[i].sys,
			     libc_err(-errs[i].sys), -errs[i].libc);
}

Test(libc_errno, every_libc_errno_goes_back_to_the_kernel_one)
{
	for (unsigned i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
		cr_expect_eq(libc_err_to_sys(-errs[i].libc), -errs[i].sys, "libc -%s (%d) gave %ld",
			     errs[i].name, errs[i].libc, libc_err_to_sys(-errs[i].libc));
}

Test(libc_errno, results_pass_and_unknown_errors_become_eio)
{
	cr_expect_eq(libc_err(0), 0);
	cr_expect_eq(libc_err(4096), 4096);
	cr_expect_eq(libc_err_to_sys(7), 7);
	cr_expect_eq(libc_err(-4000), -EIO);
	cr_expect_eq(libc_err_to_sys(-4000), -SYS_EIO);
}
