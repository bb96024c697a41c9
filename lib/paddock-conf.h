/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* paddock.conf: settings that apply to every agent. */

#include <stdint.h>
#include <sys/types.h>

#include "inaddr.h"
#include "macro.h"

#define PADDOCK_CONF "/etc/paddock/paddock.conf"
#define PADDOCK_AGENTS_DIR "/etc/paddock/agents.d"
#define PADDOCK_CREDSTORE "/etc/paddock/credstore"
#define PADDOCK_STATE_DIR "/var/lib/paddock"
#define PADDOCK_AGENT_STATE_DIR "/var/lib/paddock/agents"
#define PADDOCK_RUNTIME_DIR "/run/paddock"

/* Agents: outside everything useradd, systemd and the default subordinate
 * id ranges hand out; see paddock.conf(5) for the reasoning. */
#define DEFAULT_UID_MIN 70000
#define DEFAULT_UID_MAX 99999
/* Per-task identities: the range systemd documents as unused, below the
 * signed 32-bit limit and below the foreign range. */
#define DEFAULT_EPHEMERAL_UID_MIN UINT32_C(1879048192)
#define DEFAULT_EPHEMERAL_UID_MAX UINT32_C(2147352575)
#define DEFAULT_EPHEMERAL_RETENTION_SEC (30U * 86400U)
#define DEFAULT_USER_PREFIX "agent-"

typedef struct MetadataEntry {
        IPPrefix prefix;
        bool builtin;
} MetadataEntry;

typedef struct Config {
        char *path;                     /* NULL when no file was read */
        char *user_prefix;
        uid_t uid_min, uid_max;
        uid_t ephemeral_min, ephemeral_max;
        uint64_t ephemeral_retention_sec;
        IPPrefix *dns;
        size_t n_dns;
        bool dns_from_resolv_conf;
        bool dns_set;                   /* DNS= was given in the file */
        MetadataEntry *metadata;
        size_t n_metadata;
        bool audit_shared;              /* [Audit] Rules=shared: one rule set for all agents */
} Config;

Config *config_free(Config *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(Config *, config_free);

/* Parse paddock.conf from a buffer (for tests and the fuzzer). */
int config_parse_buffer(const char *filename, const char *data, size_t size, Config **ret, char **ret_error);

/* Load ROOT/etc/paddock/paddock.conf, or defaults when it does not exist,
 * then fill in resolvers from ROOT/etc/resolv.conf if DNS= was not set. */
int config_load(const char *root, Config **ret, char **ret_error);

/* Parse "nameserver" lines of a resolv.conf buffer. */
int resolv_conf_parse(const char *data, IPPrefix **ret, size_t *ret_n);

/* The addresses that no agent may reach unless it says AllowMetadata=yes. */
extern const char * const builtin_metadata[];
extern const size_t builtin_metadata_count;

bool config_prefix_is_metadata(const Config *c, const IPPrefix *p);
