/* Typed Xen hypercall wrappers through the hypercall page Xen fills in (64-bit ABI: rdi, rsi, rdx, r10, r8). */
#ifndef ARCH_X86_HYPERCALL_H
#define ARCH_X86_HYPERCALL_H

#include <stdint.h>
#include <xen/xen.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/version.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>

extern char hypercall_page[];

static inline long hypercall3(unsigned op, unsigned long a1, unsigned long a2, unsigned long a3)
{
	long ret;
	register unsigned long rdi __asm__("rdi") = a1;
	register unsigned long rsi __asm__("rsi") = a2;
	register unsigned long rdx __asm__("rdx") = a3;

	/* Xen may clobber the argument registers; the stubs preserve everything else */
	__asm__ volatile("call *%[fn]"
			 : "=a"(ret), "+r"(rdi), "+r"(rsi), "+r"(rdx)
			 : [fn] "r"(hypercall_page + op * 32)
			 : "memory");
	return ret;
}

#define hypercall2(op, a1, a2) hypercall3(op, a1, a2, 0)

static inline long HYPERVISOR_sched_op(int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_sched_op, (unsigned long)cmd, (unsigned long)arg);
}

static inline long HYPERVISOR_xen_version(int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_xen_version, (unsigned long)cmd, (unsigned long)arg);
}

static inline long HYPERVISOR_memory_op(unsigned cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_memory_op, cmd, (unsigned long)arg);
}

static inline long HYPERVISOR_hvm_op(unsigned cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_hvm_op, cmd, (unsigned long)arg);
}

static inline long HYPERVISOR_event_channel_op(int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_event_channel_op, (unsigned long)cmd, (unsigned long)arg);
}

static inline long HYPERVISOR_grant_table_op(unsigned cmd, void *arg, unsigned count)
{
	return hypercall3(__HYPERVISOR_grant_table_op, cmd, (unsigned long)arg, count);
}

static inline long HYPERVISOR_vcpu_op(int cmd, unsigned vcpu, void *arg)
{
	return hypercall3(__HYPERVISOR_vcpu_op, (unsigned long)cmd, vcpu, (unsigned long)arg);
}

/* CONSOLEIO_write: Xen's own console; release builds allow it to the hardware domain only. */
static inline long HYPERVISOR_console_io(int cmd, unsigned count, const char *buf)
{
	return hypercall3(__HYPERVISOR_console_io, (unsigned long)cmd, count, (unsigned long)buf);
}

#endif
