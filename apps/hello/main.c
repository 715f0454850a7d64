/* hello: the smallest useful pvhkit app, in ordinary C: banner, command line, arguments, memory map, modules. */
#include <inttypes.h>
#include <stdio.h>
#include <pvhkit/kernel.h>

/* "640 KiB", "127.5 MiB": binary units, one decimal where it matters */
static const char *human(char *buf, size_t n, uint64_t bytes)
{
	static const char *const unit[] = { "bytes", "KiB", "MiB", "GiB", "TiB" };
	unsigned u = 0;
	uint64_t whole = bytes, tenths = 0;

	while (whole >= 1024 && u < 4) {
		tenths = (whole % 1024) * 10 / 1024;
		whole /= 1024;
		u++;
	}
	if (u == 0 || tenths == 0)
		snprintf(buf, n, "%" PRIu64 " %s", whole, unit[u]);
	else
		snprintf(buf, n, "%" PRIu64 ".%" PRIu64 " %s", whole, tenths, unit[u]);
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
