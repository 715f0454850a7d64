/* smp's hotplug mode: a checked count spread over the CPUs while `xl vcpu-set` changes them. */
#ifndef SMP_HOTPLUG_H
#define SMP_HOTPLUG_H

/* Runs until dom0 writes data/smp/done; the TAP result. */
int hotplug_mode(void);

#endif
