/* Kernel logging with levels: printk(LOG_INFO, ...) goes to the console when the level is enabled. */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <stdarg.h>

#define LOG_EMERG 0
#define LOG_ERR	  3
#define LOG_WARN  4
#define LOG_INFO  6
#define LOG_DEBUG 7

/* messages at or below this level are printed; set by the "loglevel=" option */
extern int printk_loglevel;

int printk(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vprintk(int level, const char *fmt, va_list ap);
/* Ignores the loglevel (for output the app asked for); the level still picks the sinks. */
int vprintk_always(int level, const char *fmt, va_list ap);

#define pr_err(...)   printk(LOG_ERR, "error: " __VA_ARGS__)
#define pr_warn(...)  printk(LOG_WARN, "warning: " __VA_ARGS__)
#define pr_info(...)  printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) printk(LOG_DEBUG, __VA_ARGS__)

#endif
