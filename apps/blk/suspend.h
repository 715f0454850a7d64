/* blk suspend: I/O across save/restore, checkpoint and migration (suspend.c). */
#ifndef APPS_BLK_SUSPEND_H
#define APPS_BLK_SUSPEND_H

/* mode: save, cancel or migrate (what dom0 does, N times); returns the TAP result. */
int blk_mode_suspend(const char *mode, int n);

#endif
