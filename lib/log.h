/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Logging for tools (library code never logs). Messages go to stderr as
 * "PROGRAM: message"; when stderr is connected to the journal (systemd
 * sets $JOURNAL_STREAM), they go to the journal with PRIORITY= and
 * PADDOCK_ERRNO= fields instead. */

#include <syslog.h>

#include "macro.h"

void log_setup(const char *program);
/* For generators: log to the kernel log (/dev/kmsg), which the journal
 * reads, when it can be opened; to the console otherwise. */
void log_setup_generator(const char *program);
void log_set_max_level(int level);
int log_get_max_level(void);

/* Log at level; returns -abs(error) so that callers can
 * "return log_error_errno(r, ...)". %m prints strerror(error). */
int log_internal(int level, int error, const char *file, int line, const char *fmt, ...) _printf_(5, 6);

#define log_full_errno(level, error, ...) \
        log_internal(level, error, __FILE__, __LINE__, __VA_ARGS__)

#define log_error_errno(error, ...)   log_full_errno(LOG_ERR, error, __VA_ARGS__)
#define log_warning_errno(error, ...) log_full_errno(LOG_WARNING, error, __VA_ARGS__)
#define log_error(...)   (void) log_full_errno(LOG_ERR, 0, __VA_ARGS__)
#define log_warning(...) (void) log_full_errno(LOG_WARNING, 0, __VA_ARGS__)
#define log_notice(...)  (void) log_full_errno(LOG_NOTICE, 0, __VA_ARGS__)
#define log_info(...)    (void) log_full_errno(LOG_INFO, 0, __VA_ARGS__)
#define log_debug(...)   (void) log_full_errno(LOG_DEBUG, 0, __VA_ARGS__)

#define log_oom() log_error_errno(-ENOMEM, "Out of memory.")
