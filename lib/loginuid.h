/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The kernel's audit identity of a process: its login uid (auid) and
 * audit session. */

#include <sys/types.h>

#define LOGINUID_UNSET ((uid_t) -1)
#define SESSION_UNSET 4294967295U

/* The kernel's login uid (auid) and audit session of a process (0: self).
 * LOGINUID_UNSET and SESSION_UNSET when not set. */
int loginuid_get(pid_t pid, uid_t *ret);
int audit_session_get(pid_t pid, unsigned *ret);

/* Set our own login uid. The kernel allows it without privilege while it
 * is unset and gives the process a new audit session; changing a set one
 * needs CAP_AUDIT_CONTROL and is refused when login uids are immutable. */
int loginuid_set(uid_t uid);
