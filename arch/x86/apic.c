/* Local APIC access through x2APIC MSRs when that mode is on, else the xAPIC MMIO page. */
#include "arch/x86/apic.h"
#include "arch/x86/cpu.h"

#define MSR_APIC_BASE	 0x1b
#define APIC_BASE_X2APIC (1ull << 10)
#define APIC_BASE_ENABLE (1ull << 11)
#define APIC_BASE_ADDR	 0xfffff000ull
#define REG_ID		 0x20
#define REG_TPR		 0x80
#define REG_EOI		 0xb0
#define REG_SVR		 0xf0
#define SVR_ENABLE	 0x100
#define REG_ICR_LO	 0x300
#define REG_ICR_HI	 0x310
#define ICR_PENDING	 (1u << 12)

static int x2apic_mode(void)
{
	return (rdmsr(MSR_APIC_BASE) & APIC_BASE_X2APIC) != 0;
}

static volatile uint32_t *mmio(uint32_t reg)
{
	return (volatile uint32_t *)(uintptr_t)((rdmsr(MSR_APIC_BASE) & APIC_BASE_ADDR) + reg);
}

static void apic_write(uint32_t reg, uint32_t v)
{
	if (x2apic_mode())
		wrmsr(0x800 + (reg >> 4), v);
	else
		*mmio(reg) = v;
}

static uint32_t apic_read(uint32_t reg)
{
	return x2apic_mode() ? (uint32_t)rdmsr(0x800 + (reg >> 4)) : *mmio(reg);
}

uint32_t lapic_read(uint32_t reg)
{
	return apic_read(reg);
}

void lapic_enable(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	if (!(base & APIC_BASE_ENABLE))
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	apic_write(REG_TPR, 0);
	apic_write(REG_SVR, SVR_ENABLE | APIC_SPURIOUS_VECTOR);
}

void lapic_eoi(void)
{
	apic_write(REG_EOI, 0);
}

int lapic_x2apic_mode(void)
{
	return x2apic_mode();
}

uint32_t lapic_id(void)
{
	uint32_t id = apic_read(REG_ID);

	return x2apic_mode() ? id : id >> 24;
}

void lapic_icr(uint32_t apic_id, uint32_t icr)
{
	if (x2apic_mode()) {
		/* one 64-bit MSR write; nothing to wait for */
		wrmsr(0x800 + (REG_ICR_LO >> 4), (uint64_t)apic_id << 32 | icr);
		return;
	}
	/* the previous IPI must have left before the destination register changes */
	for (unsigned i = 0; i < 1000000 && (apic_read(REG_ICR_LO) & ICR_PENDING); i++)
		cpu_relax();
	apic_write(REG_ICR_HI, apic_id << 24);
	apic_write(REG_ICR_LO, icr);
}
