/* Typed Xen hypercall wrappers through the hypercall page Xen fills in (64-bit ABI: rdi, rsi, rdx). */
#ifndef ARCH_X86_HYPERCALL_H
#define ARCH_X86_HYPERCALL_H

#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/version.h>

extern char hypercall_page[];

static inline long hypercall2(unsigned op, unsigned long a1, unsigned long a2)
{
	long ret;
	register unsigned long rdi __asm__("rdi") = a1;
	register unsigned long rsi __asm__("rsi") = a2;

	__asm__ volatile("call *%[fn]"
			 : "=a"(ret), "+r"(rdi), "+r"(rsi)
			 : [fn] "r"(hypercall_page + op * 32)
			 : "memory");
	return ret;
}

static inline long HYPERVISOR_sched_op(int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_sched_op, (unsigned long)cmd, (unsigned long)arg);
}

static inline long HYPERVISOR_xen_version(int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_xen_version, (unsigned long)cmd, (unsigned long)arg);
}

#endif
