/* hello: the smallest useful pvhkit app, in ordinary C: banner, command line, arguments, memory map, modules. */
#include <inttypes.h>
#include <stdio.h>
#include <pvhkit/kernel.h>

/* "640 KiB", "127.3 MiB": the kernel's own formatter, so hello and the boot log agree */
static const char *human(char *buf, size_t n, uint64_t bytes)
{
	pvh_format_size(buf, n, bytes);
	return buf;
}

static void print_memmap(void)
{
	struct pvh_mem_region r;
	uint64_t ram = 0;
	char size[24];

	printf("memory map:\n");
	for (unsigned i = 0; pvh_memmap_get(i, &r) == 0; i++) {
		printf("  %016" PRIx64 "-%016" PRIx64 " %10s %s\n", r.addr, r.addr + r.size - 1,
		       human(size, sizeof(size), r.size), r.type_name);
		if (r.type == 1)
			ram += r.size;
	}
	printf("  RAM total: %s (%" PRIu64 " bytes)\n", human(size, sizeof(size), ram), ram);
}

static void print_modules(void)
{
	const struct pvh_module *m;
	char size[24];
	unsigned i;

	for (i = 0; (m = pvh_module_get(i)); i++)
		printf("module %u: %#" PRIx64 ", %s, cmdline \"%s\"\n", i, m->paddr,
		       human(size, sizeof(size), m->size), m->cmdline);
	if (i == 0)
		printf("modules: none\n");
}

int main(int argc, char **argv)
{
	printf("Hello from pvhkit!\n");
	printf("command line: \"%s\"\n", pvh_cmdline());
	for (int i = 0; i < argc; i++)
		printf("argv[%d] = \"%s\"\n", i, argv[i]);
	print_memmap();
	print_modules();
	return 0;
}
