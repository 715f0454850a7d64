/* template: copy this folder to apps/<name>/ to start a new app; `make` builds build/<name>.elf. */
#include <pvhkit/kernel.h>

int main(int argc, char **argv)
{
	pvh_printf("%s: %d argument(s)\n", argv[0], argc - 1);
	return 0; /* the exit status reaches the runner (and the toolstack) */
}
