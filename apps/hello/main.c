/* hello: the smallest useful pvhkit app: banner, command line, arguments, memory map, modules. */
#include <pvhkit/kernel.h>

static void print_memmap(void)
{
	struct pvh_mem_region r;
	uint64_t ram = 0;
	char size[24];

	pvh_printf("memory map:\n");
	for (unsigned i = 0; pvh_memmap_get(i, &r) == 0; i++) {
		pvh_format_size(size, sizeof(size), r.size);
		pvh_printf("  %016lx-%016lx %10s %s\n", r.addr, r.addr + r.size - 1, size,
			   r.type_name);
		if (r.type == 1)
			ram += r.size;
	}
	pvh_format_size(size, sizeof(size), ram);
	pvh_printf("  RAM total: %s (%lu bytes)\n", size, ram);
}

static void print_modules(void)
{
	const struct pvh_module *m;
	char size[24];
	unsigned i;

	for (i = 0; (m = pvh_module_get(i)); i++) {
		pvh_format_size(size, sizeof(size), m->size);
		pvh_printf("module %u: %#lx, %s, cmdline \"%s\"\n", i, m->paddr, size, m->cmdline);
	}
	if (i == 0)
		pvh_printf("modules: none\n");
}

int main(int argc, char **argv)
{
	pvh_printf("Hello from pvhkit!\n");
	pvh_printf("command line: \"%s\"\n", pvh_cmdline());
	for (int i = 0; i < argc; i++)
		pvh_printf("argv[%d] = \"%s\"\n", i, argv[i]);
	print_memmap();
	print_modules();
	return 0;
}
