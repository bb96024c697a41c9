/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Confining the current process the way an agent's unit would, where no
 * systemd does it: for tasks started outside systemd (containers, CI).
 * Every step is checked after it is taken; a step that fails is an error,
 * never a silent downgrade. */

#include <seccomp.h>
#include <stdint.h>
#include <sys/types.h>

#include "macro.h"
#include "sandbox.h"

/* The seccomp filter the sandbox's SystemCallFilter= and
 * SystemCallErrorNumber= describe (allow list, then deny lists), native
 * architecture only (SystemCallArchitectures=native), with denials logged
 * to the audit trail (SCMP_FLTATR_CTL_LOG). */
int confine_seccomp_build(const Sandbox *s, scmp_filter_ctx *ret);

typedef struct Confinement {
        uid_t uid;
        gid_t gid;
        const gid_t *groups;            /* supplementary groups; none when n_groups is 0 */
        size_t n_groups;
        uint64_t capabilities;          /* kept as ambient capabilities; usually none */
        scmp_filter_ctx seccomp;        /* loaded last; NULL: none (tests only) */
} Confinement;

/* In the process to be confined, as root: supplementary groups set,
 * gid and uid set (real, effective, saved), the capability bounding set
 * cut to c->capabilities, no_new_privs, ambient and inheritable sets
 * cleared, then the seccomp filter loaded. Returns -errno; the process is
 * then in an undefined state and must exit. */
int confine_self(const Confinement *c);

/* The file system and network the sandbox describes, for a process about
 * to be confined, as root: a mount namespace in which everything is read
 * only but what the sandbox lets it write (StateDirectory= and
 * ReadWritePaths= not also in ReadOnlyPaths=: this is how stages act),
 * with ProtectHome= (empty, inaccessible /home, /root, /run/user) and
 * PrivateTmp= (fresh /tmp, /var/tmp, /dev/shm); and a network namespace
 * of its own (no interfaces up) for PrivateNetwork=. */
int confine_namespaces(const Sandbox *s);

/* The paths the sandbox lets the task write (absolute), for the above and
 * for tests. */
int confine_writable_paths(const Sandbox *s, char ***ret);
