/* 16550 UART at COM1 (0x3F8) for early output, used only when the port answers like a UART. */
#include <stdint.h>
#include "arch/x86/cpu.h"
#include "drivers/console/early.h"
#include "kernel/console.h"
#include "kernel/initcall.h"

#define COM1	    0x3f8
#define REG_THR	    0
#define REG_IER	    1
#define REG_FCR	    2
#define REG_LCR	    3
#define REG_MCR	    4
#define REG_LSR	    5
#define REG_SCR	    7
#define LSR_THRE    0x20
#define TX_SPIN_MAX 100000

static void uart_putc(char c)
{
	/* bounded: a wedged UART slows output down but never hangs the kernel */
	for (int i = 0; i < TX_SPIN_MAX && !(inb(COM1 + REG_LSR) & LSR_THRE); i++)
		cpu_relax();
	outb(COM1 + REG_THR, (uint8_t)c);
}

static void uart_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}

static struct console_sink uart_sink = { .name = "uart", .write = uart_write };

/* The scratch register holds what we write on a real 16550; an absent port reads as 0xFF. */
static int uart_present(void)
{
	outb(COM1 + REG_SCR, 0x5a);
	if (inb(COM1 + REG_SCR) != 0x5a)
		return 0;
	outb(COM1 + REG_SCR, 0xa5);
	return inb(COM1 + REG_SCR) == 0xa5;
}

static int uart_console_init(void)
{
	if (!uart_present())
		return 0;
	outb(COM1 + REG_IER, 0);    /* no interrupts */
	outb(COM1 + REG_LCR, 0x80); /* divisor latch */
	outb(COM1 + 0, 1);	    /* 115200 baud */
	outb(COM1 + 1, 0);
	outb(COM1 + REG_LCR, 0x03); /* 8N1 */
	outb(COM1 + REG_FCR, 0x07); /* FIFO on, cleared */
	outb(COM1 + REG_MCR, 0x03);
	console_register(&uart_sink);
	return 0;
}
INITCALL(INIT_EARLY_SERIAL, uart_console_init, "uart");
