/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* systemd's system call groups, expanded to names (lib/syscall-groups.c is
 * generated from systemd-analyze syscall-filter by gen-syscall-groups.sh). */

typedef struct SyscallGroup {
        const char *name;               /* "@system-service" */
        const char * const *calls;      /* NULL-terminated */
} SyscallGroup;

extern const SyscallGroup syscall_groups[];

/* The names of group NAME, or NULL if paddock does not carry it. */
const char * const *syscall_group_find(const char *name);
