/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The one place that decides an agent's sandbox. sandbox_build() turns an
 * agent (and, for tasks, a stage) into a list of typed directives; the
 * unit file writer and the D-Bus client of transient units are two
 * renderings of the same list. */

#include <stdbool.h>
#include <stdint.h>

#include "agent.h"
#include "inaddr.h"
#include "macro.h"
#include "paddock-conf.h"

/* The PAM service of task units: pam_paddock's "task" session. */
#define TASK_PAM_SERVICE "paddock-task"

typedef enum SandboxType {
        SBX_BOOL,               /* yes/no; D-Bus b */
        SBX_STRING,             /* one word; D-Bus s */
        SBX_STRV,               /* words or paths; D-Bus as */
        SBX_U64,                /* number; D-Bus t */
        SBX_MODE,               /* octal; D-Bus u */
        SBX_CAPS,               /* capability names; D-Bus t (mask) */
        SBX_SYSCALLS,           /* [~]@group...; D-Bus (bas) */
        SBX_FAMILIES,           /* AF_...; D-Bus (bas) */
        SBX_NAMESPACES,         /* "yes": none may be created; D-Bus t */
        SBX_ERRNO,              /* errno name; D-Bus i */
        SBX_IP_LIST,            /* "any" or prefixes; D-Bus a(iayu) */
        SBX_CREDENTIALS,        /* ID:PATH pairs; D-Bus a(ss) */
        SBX_EXEC,               /* a command line; D-Bus a(sasb) */
        SBX_LIMIT,              /* an rlimit, soft = hard; D-Bus t (+ ...Soft) */
} SandboxType;

typedef struct SandboxDirective {
        const char *name;       /* the unit file key, e.g. "ProtectSystem" */
        SandboxType type;
        bool b;
        char *s;
        char **strv;            /* STRV, SYSCALLS, FAMILIES, EXEC argv, CREDENTIALS (id, path, id, path...) */
        bool allow_list;        /* SYSCALLS, FAMILIES: an allow list (else a deny list) */
        bool ignore_missing;    /* STRV paths: "-" prefix, a missing path is no error */
        bool privileged;        /* EXEC: "+" prefix, runs outside the sandbox */
        uint64_t u;
        IPPrefix *ips;
        size_t n_ips;
} SandboxDirective;

typedef struct Sandbox {
        SandboxDirective *d;
        size_t n;
        char **loosenings;      /* what the agent file loosened, for comments and audit */
        bool offline;           /* no [Egress]: no network at all */
} Sandbox;

typedef struct SandboxOptions {
        Stage stage;            /* STAGE_FULL for the agent's own service */
        const char *root;       /* where the credential store is looked at */
        bool task;              /* a transient task unit, not the agent's service */
        const char *user;       /* a task's own identity (--ephemeral): runs as this user and group,
                                 * with the agent's group as a supplementary one and without the
                                 * agent's state directory, which is the agent's uid's alone */
} SandboxOptions;

Sandbox *sandbox_free(Sandbox *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(Sandbox *, sandbox_free);

int sandbox_build(const Agent *a, const Config *c, const SandboxOptions *o, Sandbox **ret);

const SandboxDirective *sandbox_find(const Sandbox *s, const char *name);

/* The number of an errno name SystemCallErrorNumber= may take. */
int sandbox_errno_from_name(const char *s);

/* "agent-NAME.service" */
char *agent_unit_name(const char *name);

/* The value of a directive as unit file text (quoted and escaped so that
 * no systemd specifier or variable expansion applies). */
int sandbox_directive_format(const SandboxDirective *d, char **ret);
