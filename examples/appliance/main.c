/* An appliance skeleton: configuration from the command line and xenstore, a disk, the network, a clean shutdown. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pvhkit/blk.h>
#include <pvhkit/kernel.h>
#include <pvhkit/net.h>
#include <pvhkit/thread.h>
#include <pvhkit/xenstore.h>

/*
 * Configuration, weakest first: built-in defaults, the command line after " -- " (key=value
 * words), then xenstore keys under this domain's data/appliance/ (dom0 writes them:
 * `xenstore-write /local/domain/$DOMID/data/appliance/greeting hi`), watched while running.
 *   greeting=TEXT  what the HTTP page says                 (default "hello")
 *   disk=NAME      a disk to keep a boot counter on, "none"  (default none), e.g. xvda
 *   port=N         the HTTP port, 0 for no network         (default 80)
 *   once=1         set up, report, and exit at once (e.g. under QEMU, which has no xl shutdown)
 * The network address is a kernel option before " -- ": ip=dhcp, or ip=ADDR/PREFIX gw=... dns=...
 * `xl shutdown` ends the appliance cleanly: the disk is flushed and main returns 0.
 */
struct config {
	char greeting[128];
	char disk[16];
	int port, once;
};
static struct config cfg = { "hello", "none", 80, 0 };
static pvh_mutex_t cfg_lock = PVH_MUTEX_INIT;
static volatile int stopping;

static void set_key(const char *key, const char *val, const char *from)
{
	pvh_mutex_lock(&cfg_lock);
	if (!strcmp(key, "greeting"))
		snprintf(cfg.greeting, sizeof(cfg.greeting), "%s", val);
	else if (!strcmp(key, "disk"))
		snprintf(cfg.disk, sizeof(cfg.disk), "%s", val);
	else if (!strcmp(key, "port"))
		cfg.port = atoi(val);
	else if (!strcmp(key, "once"))
		cfg.once = atoi(val);
	else
		key = NULL;
	pvh_mutex_unlock(&cfg_lock);
	if (key)
		printf("appliance: config %s=%s (from %s)\n", key, val, from);
	else
		printf("appliance: unknown config key ignored (from %s)\n", from);
}

static void config_from_args(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (eq) {
			*eq = '\0';
			set_key(argv[i], eq + 1, "command line");
		}
	}
}

/* the watch fires once when set and on every change under data/appliance */
static void config_changed(const char *path, void *arg)
{
	static const char *const keys[] = { "greeting", "disk", "port" };
	char p[64], v[128];

	(void)path, (void)arg;
	for (unsigned i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(p, sizeof(p), "data/appliance/%s", keys[i]);
		if (pvh_xenstore_read(NULL, p, v, sizeof(v)) >= 0)
			set_key(keys[i], v, "xenstore");
	}
}

/* `xl shutdown` (or `xl reboot`): main finishes the work; this hook waits for the end */
static void on_shutdown(int reboot, void *arg)
{
	(void)arg;
	printf("appliance: %s requested by the toolstack\n", reboot ? "reboot" : "poweroff");
	stopping = 1;
	for (;;)
		pvh_sleep_ns(1000000000ull); /* main returns, and the guest ends with its status */
}

/* the disk: sector 1 holds "appliance boots: N", read, counted up, written and flushed */
static pvh_blk_dev_t *disk_open_count(const char *name)
{
	struct pvh_blk_info bi;
	char sec[4096] = { 0 };
	unsigned boots = 0;
	pvh_blk_dev_t *d = pvh_blk_wait(name, 10ull * 1000000000ull);

	if (!d || pvh_blk_info(d, &bi)) {
		printf("appliance: disk %s not found\n", name);
		return NULL;
	}
	if (pvh_blk_read(d, bi.sector_size, sec, bi.sector_size) == 0)
		sscanf(sec, "appliance boots: %u", &boots);
	snprintf(sec, sizeof(sec), "appliance boots: %u\n", boots + 1);
	if (bi.read_only || pvh_blk_write(d, bi.sector_size, sec, bi.sector_size) ||
	    pvh_blk_flush(d))
		printf("appliance: disk %s: cannot write the boot counter\n", name);
	else
		printf("appliance: disk %s (%llu MiB): boot number %u\n", name,
		       (unsigned long long)(bi.size >> 20), boots + 1);
	return d;
}

/* answers every connection with a tiny HTTP page carrying the greeting */
static void *http_server(void *arg)
{
	int ls = (int)(intptr_t)arg;

	while (!stopping) {
		int c = accept(ls, NULL, NULL);
		char req[1024], body[160], resp[320];

		if (c < 0)
			continue;
		recv(c, req, sizeof(req), 0);
		pvh_mutex_lock(&cfg_lock);
		int bl = snprintf(body, sizeof(body), "%s\n", cfg.greeting);
		pvh_mutex_unlock(&cfg_lock);
		int rl = snprintf(resp, sizeof(resp),
				  "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
				  "Content-Length: %d\r\n\r\n%s",
				  bl, body);
		send(c, resp, (size_t)rl, 0);
		closesocket(c);
	}
	return NULL;
}

static int net_serve(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct pvh_net_if ni;
	int ls;

	/* DHCP may wait for a server that starts late: give it a minute and a half */
	if (pvh_net_start(90ull * 1000000000ull) <= 0 || pvh_net_if_get(0, &ni)) {
		printf("appliance: no network\n");
		return -1;
	}
	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 8)) {
		printf("appliance: cannot listen on port %d\n", port);
		return -1;
	}
	pvh_thread_create("http", http_server, (void *)(intptr_t)ls, 0);
	printf("appliance: serving http on port %d\n", port);
	return 0;
}

int main(int argc, char **argv)
{
	pvh_blk_dev_t *disk = NULL;

	config_from_args(argc, argv);
	if (pvh_xenstore_available() && pvh_xenstore_watch("data/appliance", config_changed, NULL))
		pvh_xenstore_on_shutdown(on_shutdown, NULL);
	if (strcmp(cfg.disk, "none"))
		disk = disk_open_count(cfg.disk);
	if (cfg.port && net_serve(cfg.port))
		return 1;
	printf("appliance: ready, greeting \"%s\"\n", cfg.greeting);
	fflush(stdout);
	while (!stopping && !cfg.once)
		pvh_sleep_ns(100000000);
	if (disk)
		pvh_blk_flush(disk);
	printf("appliance: clean shutdown\n");
	return 0;
}
