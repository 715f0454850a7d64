/* The idle halt: sti; hlt, made safe where the STI interrupt shadow is not honoured. */
	.text
/*
 * void cpu_idle_halt(void): called with interrupts off after the caller found nothing to do;
 * returns with interrupts on, after an interrupt. sti delays interrupts by one instruction so one
 * arriving after the caller's check wakes the hlt instead of running before it. On the rig (Xen
 * 4.17 under QEMU TCG) an interrupt is sometimes delivered between the sti and the hlt anyway:
 * its handler queued the work, then returned onto the hlt and the vCPU slept until the next
 * event, up to a second later. So an interrupt that finds its return address at
 * cpu_idle_hlt_insn returns to cpu_idle_hlt_done instead (trap_handler): the hlt is skipped and
 * the caller looks for work again.
 */
	.globl cpu_idle_halt
	.type cpu_idle_halt, @function
cpu_idle_halt:
	sti
	.globl cpu_idle_hlt_insn
cpu_idle_hlt_insn:
	hlt
	.globl cpu_idle_hlt_done
cpu_idle_hlt_done:
	ret
	.size cpu_idle_halt, . - cpu_idle_halt

	.bss
	.balign 8
/* uint64_t idle_halt_skips: how many times an interrupt arrived before the hlt ran */
	.globl idle_halt_skips
idle_halt_skips:
	.zero 8
