/* Xenbus frontend helpers: device enumeration, the state handshake, drivers by type, hot-plug. */
#ifndef DRIVERS_XENBUS_XENBUS_H
#define DRIVERS_XENBUS_XENBUS_H

#include <stdint.h>
#include "drivers/xenbus/xs.h"
#include "kernel/waitq.h"
#include <xen/io/xenbus.h>

struct xenbus_driver;

/* One device/<type>/<id> of this domain. */
struct xenbus_device {
	char type[16];
	char id[16];
	char nodename[48];  /* "device/vif/0", relative to our home */
	char otherend[128]; /* the backend's absolute path, from "backend" */
	uint32_t otherend_id;
	struct xenbus_driver *driver;
	void *priv; /* the driver's */
	/* private */
	XenbusState backend_state; /* last value read by the state watch */
	struct xs_watch state_watch;
	struct waitq state_wq;
	int removed;
	int failed;	     /* the driver or the state watch found the backend broken */
	uint32_t bad_states; /* times the backend went back from Connected (counted, then failed) */
	struct xenbus_device *next;
};

/*
 * A frontend driver. probe runs for every device of its type, present at registration or
 * hot-plugged later, in the registering thread or the xenbus watch thread; non-zero refuses
 * the device. remove runs once when the backend closes (Closing/Closed) or the device node goes
 * away. Both may block.
 */
struct xenbus_driver {
	const char *type;
	int (*probe)(struct xenbus_device *dev);
	void (*remove)(struct xenbus_device *dev);
	struct xenbus_driver *next;
};

/*
 * The ids under device/<type>: *ids is one kmalloc'd block (n names, then NULL) to kfree.
 * Returns n (0 when there are none).
 */
int xenbus_enumerate(const char *type, char ***ids);
/* Fills dev from device/<type>/<id>: backend path (absolute, checked) and backend-id. */
int xenbus_device_read(const char *type, const char *id, struct xenbus_device *dev);

int xenbus_read_state(const char *path_state, XenbusState *st);
/* Writes our "state"; 0 or a negative errno. */
int xenbus_switch_state(struct xenbus_device *dev, XenbusState st);
/*
 * Waits until the backend's state is want or later in the handshake (skipped states are fine);
 * returns the state reached, -ENOTCONN when the backend closes instead, or -ETIMEDOUT.
 * Needs the device's state watch (set up by probe through xenbus_register_driver).
 */
int xenbus_wait_backend(struct xenbus_device *dev, XenbusState want, uint64_t timeout_ns);

int xenbus_register_driver(struct xenbus_driver *drv);
/*
 * The backend broke the protocol (a driver's ring checks, a timeout): dev is removed as if the
 * backend had closed (remove runs in the worker thread: requests failed, our state Closed, grants
 * revoked once the backend lets go). Safe from any thread, and for a device already gone.
 */
void xenbus_device_fail(struct xenbus_device *dev);
/*
 * How long a backend may leave a request unanswered before the device is failed: the io_timeout=
 * kernel option (seconds), 30 s by default.
 */
uint64_t xenbus_io_timeout_ns(void);
/* The devices probed so far, in probe order (for tests and diagnostics). */
struct xenbus_device *xenbus_devices(void);

/* The control node (xenbus_control.c): control/shutdown requests from the toolstack. */
enum xenbus_shutdown { XENBUS_POWEROFF, XENBUS_REBOOT };
/* Runs (in the watch thread) before the guest powers off or reboots on the toolstack's request. */
int xenbus_on_shutdown(void (*hook)(enum xenbus_shutdown how, void *arg), void *arg);
int xenbus_control_init(void);

/* vCPU hot-plug: the watch on cpu/ (drivers/xenbus/xenbus_vcpu.c). */
struct xenbus_vcpu_stats {
	uint64_t events, requests;
	uint64_t bad_names,
	    bad_values; /* cpu/<not a number>, availability neither online nor offline */
};
extern struct xenbus_vcpu_stats xenbus_vcpu_stats;
int xenbus_vcpu_init(void);

#endif
