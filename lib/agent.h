/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The in-memory model of one agent file. Every layer reads this and only
 * this: what is here has been validated, so renderers never see a value
 * that could become syntax. */

#include <stdbool.h>
#include <stdint.h>

#include "paddock-conf.h"
#include "inaddr.h"
#include "macro.h"

typedef enum Stage {
        STAGE_READ_ONLY,
        STAGE_DRAFT,
        STAGE_FULL,
        _STAGE_MAX,
        _STAGE_INVALID = -EINVAL,
} Stage;

const char *stage_to_string(Stage s);
Stage stage_from_string(const char *s);

enum {
        EGRESS_TCP = 1 << 0,
        EGRESS_UDP = 1 << 1,
};

typedef struct EgressAllow {
        char *hostname;                 /* lower case; NULL for an address or prefix */
        IPPrefix prefix;                /* when hostname is NULL */
        uint16_t port_min, port_max;
        unsigned protocols;             /* EGRESS_TCP and/or EGRESS_UDP */
        bool read;                      /* from AllowRead=: also allowed in the read-only stage */
        unsigned line;
} EgressAllow;

typedef struct Agent {
        char *name;
        char *path;                     /* the file it was read from */

        /* [Agent] */
        char *description;
        char *owner;
        int64_t expires;                /* last valid day, days since the epoch; -1: never */
        bool revoked;
        Stage max_stage;

        /* [Service] */
        char **exec_start;              /* argv; NULL: no service, tasks only */
        char **read_write_paths;
        char **read_only_paths;
        uint64_t memory_max;            /* bytes; 0: not set */
        uint64_t tasks_max;
        bool memory_deny_write_execute;
        uint64_t capabilities;          /* bit mask of CAP_* the agent asks for */
        char *pam_name;

        /* [Egress] */
        EgressAllow *allow;
        size_t n_allow;
        bool allow_loopback;
        bool allow_metadata;

        /* [Credentials] */
        char **credentials;
} Agent;

#define AGENT_FILE_SUFFIX ".agent"
#define DEFAULT_TASKS_MAX 256

Agent *agent_free(Agent *a);
DEFINE_TRIVIAL_CLEANUP_FUNC(Agent *, agent_free);

/* Parse one agent file. name is the agent's name (from the file name),
 * filename what errors are reported against. Returns -EINVAL (or another
 * negative errno) with "FILE:LINE: message" in *ret_error for bad input. */
int agent_parse_buffer(
                const Config *config,
                const char *name,
                const char *filename,
                const char *data,
                size_t size,
                Agent **ret,
                char **ret_error);

/* Has the agent's Expires= day passed, as of `today` (days since epoch)? */
bool agent_is_expired(const Agent *a, int64_t today);

/* Human-readable list of what the file loosens against paddock's defaults
 * (capabilities, writable paths outside /srv and /var/lib, no
 * MemoryDenyWriteExecute, metadata, loopback). Empty list: none. */
int agent_loosenings(const Agent *a, char ***ret);

/* The same as short tokens without spaces, for audit fields that ausearch
 * shows as they are: "cap:cap_net_bind_service", "rw:/opt/x", "no-mdwe",
 * "allow-metadata", "allow-loopback", joined by ",". NULL if none. */
int agent_loosenings_token(const Agent *a, char **ret);

/* Split a command line into words: whitespace separates, "..." and '...'
 * quote, backslash escapes only \" and \\ inside double quotes. */
int split_command_line(const char *s, char ***ret);
