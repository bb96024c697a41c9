/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <sys/capability.h>
#include <sys/socket.h>

#include "agent.h"
#include "conf-parser.h"
#include "parse-util.h"
#include "strv.h"
#include "validate.h"

static const char * const stage_table[_STAGE_MAX] = {
        [STAGE_READ_ONLY] = "read-only",
        [STAGE_DRAFT] = "draft",
        [STAGE_FULL] = "full",
};

const char *stage_to_string(Stage s) {
        return s >= 0 && s < _STAGE_MAX ? stage_table[s] : NULL;
}

Stage stage_from_string(const char *s) {
        for (int i = 0; i < _STAGE_MAX; i++)
                if (streq(stage_table[i], s))
                        return (Stage) i;
        return _STAGE_INVALID;
}

Agent *agent_free(Agent *a) {
        if (!a)
                return NULL;
        free(a->name);
        free(a->path);
        free(a->description);
        free(a->owner);
        strv_free(a->exec_start);
        strv_free(a->read_write_paths);
        strv_free(a->read_only_paths);
        free(a->pam_name);
        for (size_t i = 0; i < a->n_allow; i++)
                free(a->allow[i].hostname);
        free(a->allow);
        strv_free(a->credentials);
        free(a);
        return NULL;
}

/* Directories no agent may be given write access to, nor to anything
 * containing them: the system, paddock's own configuration and state, the
 * audit trail. An agent's own state directory is the one exception. */
static const char * const forbidden_write_dirs[] = {
        "/etc", "/usr", "/boot", "/proc", "/sys", "/dev", "/root",
        "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
        PADDOCK_STATE_DIR, "/var/log/audit", "/var/lib/systemd",
        "/run/paddock", "/run/systemd",
};

static const char *writable_path_conflict(const Agent *a, const char *path) {
        _cleanup_free_ char *own = NULL;

        if (asprintf(&own, PADDOCK_AGENT_STATE_DIR "/%s", a->name) >= 0 && path_startswith_dir(path, own))
                return NULL;
        if (streq(path, "/"))
                return "/";
        for (size_t i = 0; i < ELEMENTSOF(forbidden_write_dirs); i++)
                if (path_startswith_dir(path, forbidden_write_dirs[i]) ||
                    path_startswith_dir(forbidden_write_dirs[i], path))
                        return forbidden_write_dirs[i];
        return NULL;
}

static int parse_description(const ConfigContext *ctx, const char *value, void *dest, char **ret_message) {
        _cleanup_free_ char *e = NULL;

        if (strlen(value) > DESCRIPTION_MAX)
                return config_reject(ret_message, "Description= is longer than %d bytes", DESCRIPTION_MAX);
        if (!text_is_printable(value, ":\\")) {
                e = cescape_short(value);
                return config_reject(ret_message,
                                     "invalid Description= \"%s\": control characters, \":\" and \"\\\" are not allowed", e);
        }
        return config_parse_string(ctx, value, dest, ret_message);
}

static int parse_owner(const ConfigContext *ctx, const char *value, void *dest, char **ret_message) {
        _cleanup_free_ char *e = NULL;

        if (!user_name_is_valid(value)) {
                e = cescape_short(value);
                return config_reject(ret_message, "invalid Owner= \"%s\": expected a user name", e);
        }
        return config_parse_string(ctx, value, dest, ret_message);
}

static int parse_expires(const ConfigContext *ctx, const char *value, void *dest, char **ret_message) {
        _cleanup_free_ char *e = NULL;
        int r;
        (void) ctx;

        r = parse_date(value, dest);
        if (r == -ERANGE) {
                e = cescape_short(value);
                return config_reject(ret_message, "invalid Expires= \"%s\": not a calendar date from 1970 on", e);
        }
        if (r < 0) {
                e = cescape_short(value);
                return config_reject(ret_message, "invalid Expires= \"%s\": expected YYYY-MM-DD", e);
        }
        return 0;
}

static int parse_stage(const ConfigContext *ctx, const char *value, void *dest, char **ret_message) {
        _cleanup_free_ char *e = NULL;
        Stage s = stage_from_string(value);
        (void) ctx;

        if (s < 0) {
                e = cescape_short(value);
                return config_reject(ret_message, "invalid MaxStage= \"%s\": expected read-only, draft or full", e);
        }
        *(Stage *) dest = s;
        return 0;
}

int split_command_line(const char *s, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *word = malloc(strlen(s) + 1);
        const char *p = s;
        int r;

        if (!word)
                return -ENOMEM;
        for (;;) {
                char *o = word;
                bool have = false;

                p += strspn(p, " ");
                if (*p == 0)
                        break;
                while (*p && *p != ' ') {
                        if (*p == '"' || *p == '\'') {
                                char q = *p++;
                                have = true;
                                while (*p && *p != q) {
                                        if (q == '"' && *p == '\\' && (p[1] == '"' || p[1] == '\\'))
                                                p++;
                                        *o++ = *p++;
                                }
                                if (*p != q)
                                        return -EBADMSG;        /* unterminated quote */
                                p++;
                        } else if (*p == '\\')
                                return -EINVAL;                 /* escapes only inside "..." */
                        else {
                                have = true;
                                *o++ = *p++;
                        }
                }
                if (!have)
                        continue;
                *o = 0;
                r = strv_extend(&l, word);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

static int parse_exec_start(const ConfigContext *ctx, const char *value, void *dest, char **ret_message) {
        _cleanup_strv_free_ char **argv = NULL;
        _cleanup_free_ char *e = NULL;
        int r;
        (void) ctx;

        r = split_command_line(value, &argv);
        if (r == -ENOMEM)
                return r;
        if (r == -EBADMSG)
                return config_reject(ret_message, "invalid ExecStart=: unterminated quote");
        if (r < 0)
                return config_reject(ret_message, "invalid ExecStart=: backslash outside of double quotes");
        if (!argv || !argv[0])
                return config_reject(ret_message, "invalid ExecStart=: no command");
        if (!path_is_safe_absolute(argv[0]) || streq(argv[0], "/")) {
                e = cescape_short(argv[0]);
                return config_reject(ret_message,
                                     "invalid ExecStart= command \"%s\": expected an absolute, normalized path "
                                     "without prefixes or special characters", e);
        }
        if (strv_length(argv) > 256)
                return config_reject(ret_message, "invalid ExecStart=: more than 256 arguments");

        strv_free(*(char ***) dest);
        *(char ***) dest = TAKE_PTR(argv);
        return 0;
}

static int parse_path_list(const ConfigContext *ctx, const char *value, void *dest, char **ret_message) {
        _cleanup_free_ char *copy = strdup(value);
        char ***list = dest, *save = NULL;
        const Agent *a = ctx->object;
        bool writable = streq(ctx->key, "ReadWritePaths");
        int r;

        if (!copy)
                return -ENOMEM;
        if (*value == 0) {
                *list = strv_free(*list);
                return 0;
        }
        for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
                _cleanup_free_ char *e = NULL;
                const char *conflict;

                if (!path_is_safe_absolute(w)) {
                        e = cescape_short(w);
                        return config_reject(ret_message,
                                             "invalid %s= entry \"%s\": expected an absolute, normalized path "
                                             "of letters, digits and ._+@,=~-", ctx->key, e);
                }
                if (writable && (conflict = writable_path_conflict(a, w)))
                        return config_reject(ret_message,
                                             "invalid ReadWritePaths= entry \"%s\": agents may not write %s%s",
                                             w, streq(conflict, "/") ? "the root directory" : conflict,
                                             path_startswith_dir(w, conflict) ? "" : " or directories that contain it");
                if (strv_contains(*list, w))
                        continue;
                r = strv_extend(list, w);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int parse_memory_max(const ConfigContext *ctx, const char *value, void *dest, char **ret_message) {
        _cleanup_free_ char *e = NULL;
        uint64_t v;
        (void) ctx;

        if (parse_size(value, &v) < 0) {
                e = cescape_short(value);
                return config_reject(ret_message, "invalid MemoryMax= \"%s\": expected a size such as 512M or 2G", e);
        }
        if (v < 1024 * 1024)
                return config_reject(ret_message, "invalid MemoryMax= \"%s\": less than 1M", value);
        *(uint64_t *) dest = v;
        return 0;
}

static int parse_tasks_max(const ConfigContext *ctx, const char *value, void *dest, char **ret_message) {
        _cleanup_free_ char *e = NULL;
        (void) ctx;

        if (parse_decimal(value, 1, 4194304, dest) < 0) {
                e = cescape_short(value);
                return config_reject(ret_message, "invalid TasksMax= \"%s\": expected a number from 1 to 4194304", e);
        }
        return 0;
}

static int parse_capabilities(const ConfigContext *ctx, const char *value, void *dest, char **ret_message) {
        _cleanup_free_ char *copy = strdup(value);
        uint64_t *mask = dest;
        char *save = NULL;
        (void) ctx;

        if (!copy)
                return -ENOMEM;
        if (*value == 0) {
                *mask = 0;
                return 0;
        }
        for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
                _cleanup_free_ char *e = NULL;
                cap_value_t cap;
                bool ok = startswith(w, "CAP_") != NULL;

                for (const char *c = w; ok && *c; c++)
                        ok = (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_';
                if (!ok || cap_from_name(w, &cap) < 0 || cap < 0 || cap > 63) {
                        e = cescape_short(w);
                        return config_reject(ret_message, "invalid Capabilities= entry \"%s\": not a known capability", e);
                }
                *mask |= UINT64_C(1) << cap;
        }
        return 0;
}

static int parse_pam_name(const ConfigContext *ctx, const char *value, void *dest, char **ret_message) {
        _cleanup_free_ char *e = NULL;

        if (!pam_service_is_valid(value)) {
                e = cescape_short(value);
                return config_reject(ret_message, "invalid PAMName= \"%s\": expected a PAM service name", e);
        }
        return config_parse_string(ctx, value, dest, ret_message);
}

static int egress_reject(char **ret_message, const char *key, const char *entry, const char *why) {
        _cleanup_free_ char *e = cescape_short(entry);
        return config_reject(ret_message, "invalid %s= entry \"%s\": %s", key, e, why);
}

/* HOST:PORT, ADDRESS[/LEN]:PORT or [IPV6[/LEN]]:PORT, each optionally
 * followed by /tcp or /udp; PORT is N or FIRST-LAST. */
static int egress_allow_parse(const char *key, const char *entry, EgressAllow *ret, char **ret_message) {
        _cleanup_free_ char *copy = strdup(entry);
        EgressAllow a = { .protocols = EGRESS_TCP };
        char *host, *port;
        int r;

        if (!copy)
                return -ENOMEM;

        char *proto = (char *) (endswith(copy, "/tcp") ?: endswith(copy, "/udp"));
        if (proto) {
                a.protocols = streq(proto, "/udp") ? EGRESS_UDP : EGRESS_TCP;
                *proto = 0;
        }

        if (copy[0] == '[') {
                char *end = strchr(copy, ']');
                if (!end || end[1] != ':')
                        return egress_reject(ret_message, key, entry, "expected [IPV6]:PORT");
                *end = 0;
                host = copy + 1;
                port = end + 2;
        } else {
                port = strrchr(copy, ':');
                if (!port)
                        return egress_reject(ret_message, key, entry, "missing :PORT");
                *port++ = 0;
                host = copy;
                if (strchr(host, ':'))
                        return egress_reject(ret_message, key, entry,
                                             "IPv6 addresses must be written in brackets, as in [2001:db8::1]:443");
        }

        if (parse_port_range(port, &a.port_min, &a.port_max) < 0)
                return egress_reject(ret_message, key, entry, "port must be 1-65535 or FIRST-LAST");

        if (strchr(host, '/') || in_addr_parse(host, &(int) {0}, &(union in_addr_union) {}) >= 0) {
                r = ip_prefix_parse(host, &a.prefix);
                if (r == -ENOMEM)
                        return r;
                if (r == -EADDRNOTAVAIL)
                        return egress_reject(ret_message, key, entry, "host bits are set below the prefix length");
                if (r < 0)
                        return egress_reject(ret_message, key, entry, "not a valid address or prefix");
                if (a.prefix.family == AF_INET6 && in6_addr_is_v4_mapped(&a.prefix.addr.in6))
                        return egress_reject(ret_message, key, entry,
                                             "IPv4-mapped IPv6 addresses are not accepted, write the IPv4 address");
                if (copy[0] == '[' && a.prefix.family != AF_INET6)
                        return egress_reject(ret_message, key, entry, "brackets are for IPv6 addresses only");
        } else {
                if (copy[0] == '[' || !hostname_normalize(host))
                        return egress_reject(ret_message, key, entry, "not a valid host name");
                a.hostname = strdup(host);
                if (!a.hostname)
                        return -ENOMEM;
        }

        *ret = a;
        return 0;
}

static int parse_allow(const ConfigContext *ctx, const char *value, void *dest, char **ret_message) {
        _cleanup_free_ char *copy = strdup(value);
        Agent *a = ctx->object;
        char *save = NULL;
        bool read = streq(ctx->key, "AllowRead");
        (void) dest;

        if (!copy)
                return -ENOMEM;
        if (*value == 0) {
                /* Reset the entries this key added so far. */
                size_t k = 0;
                for (size_t i = 0; i < a->n_allow; i++) {
                        if (a->allow[i].read == read)
                                free(a->allow[i].hostname);
                        else
                                a->allow[k++] = a->allow[i];
                }
                a->n_allow = k;
                return 0;
        }
        for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
                EgressAllow e;
                int r = egress_allow_parse(ctx->key, w, &e, ret_message);
                if (r < 0)
                        return r;
                e.read = read;
                e.line = ctx->line;
                EgressAllow *n = reallocarray(a->allow, a->n_allow + 1, sizeof(EgressAllow));
                if (!n) {
                        free(e.hostname);
                        return -ENOMEM;
                }
                n[a->n_allow++] = e;
                a->allow = n;
        }
        return 0;
}

static int parse_credential(const ConfigContext *ctx, const char *value, void *dest, char **ret_message) {
        _cleanup_free_ char *copy = strdup(value);
        char ***list = dest, *save = NULL;
        (void) ctx;

        if (!copy)
                return -ENOMEM;
        if (*value == 0) {
                *list = strv_free(*list);
                return 0;
        }
        for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
                _cleanup_free_ char *e = NULL;

                if (!credential_name_is_valid(w)) {
                        e = cescape_short(w);
                        return config_reject(ret_message,
                                             "invalid Credential= \"%s\": expected [A-Za-z0-9][A-Za-z0-9_.-]{0,%d}, not ending in .cred",
                                             e, CREDENTIAL_NAME_MAX - 1);
                }
                if (strv_contains(*list, w))
                        return config_reject(ret_message, "duplicate Credential= \"%s\"", w);
                int r = strv_extend(list, w);
                if (r < 0)
                        return r;
        }
        return 0;
}

enum {
        ITEM_OWNER,
        ITEM_ALLOW_METADATA,
};

static const ConfigItem agent_items[] = {
        [ITEM_OWNER] =
        { "Agent",       "Owner",                   parse_owner,        offsetof(Agent, owner),                     false },
        [ITEM_ALLOW_METADATA] =
        { "Egress",      "AllowMetadata",           config_parse_bool,  offsetof(Agent, allow_metadata),            false },
        { "Agent",       "Description",             parse_description,  offsetof(Agent, description),               false },
        { "Agent",       "Expires",                 parse_expires,      offsetof(Agent, expires),                   false },
        { "Agent",       "Revoked",                 config_parse_bool,  offsetof(Agent, revoked),                   false },
        { "Agent",       "MaxStage",                parse_stage,        offsetof(Agent, max_stage),                 false },
        { "Service",     "ExecStart",               parse_exec_start,   offsetof(Agent, exec_start),                false },
        { "Service",     "ReadWritePaths",          parse_path_list,    offsetof(Agent, read_write_paths),          true  },
        { "Service",     "ReadOnlyPaths",           parse_path_list,    offsetof(Agent, read_only_paths),           true  },
        { "Service",     "MemoryMax",               parse_memory_max,   offsetof(Agent, memory_max),                false },
        { "Service",     "TasksMax",                parse_tasks_max,    offsetof(Agent, tasks_max),                 false },
        { "Service",     "MemoryDenyWriteExecute",  config_parse_bool,  offsetof(Agent, memory_deny_write_execute), false },
        { "Service",     "Capabilities",            parse_capabilities, offsetof(Agent, capabilities),              true  },
        { "Service",     "PAMName",                 parse_pam_name,     offsetof(Agent, pam_name),                  false },
        { "Egress",      "Allow",                   parse_allow,        0,                                          true  },
        { "Egress",      "AllowRead",               parse_allow,        0,                                          true  },
        { "Egress",      "AllowLoopback",           config_parse_bool,  offsetof(Agent, allow_loopback),            false },
        { "Credentials", "Credential",              parse_credential,   offsetof(Agent, credentials),               true  },
};

int agent_parse_buffer(
                const Config *config,
                const char *name,
                const char *filename,
                const char *data,
                size_t size,
                Agent **ret,
                char **ret_error) {

        _cleanup_(agent_freep) Agent *a = NULL;
        unsigned seen[ELEMENTSOF(agent_items)] = {};
        int r;

        *ret_error = NULL;
        if (agent_name_is_reserved(name)) {
                *ret_error = config_error(filename, 1, "agent name \"%s\" is reserved: the audit key paddock-%s is paddock's own",
                                          name, name);
                return *ret_error ? -EINVAL : -ENOMEM;
        }
        if (!agent_name_is_valid(name)) {
                _cleanup_free_ char *e = cescape_short(name);
                *ret_error = config_error(filename, 1, "invalid agent name \"%s\": expected [a-z][a-z0-9-]{0,%d}",
                                          e, AGENT_NAME_MAX - 1);
                return *ret_error ? -EINVAL : -ENOMEM;
        }

        a = calloc(1, sizeof(Agent));
        if (!a)
                return -ENOMEM;
        a->name = strdup(name);
        a->path = strdup(filename);
        if (!a->name || !a->path)
                return -ENOMEM;
        a->expires = -1;
        a->max_stage = STAGE_FULL;
        a->tasks_max = DEFAULT_TASKS_MAX;
        a->memory_deny_write_execute = true;

        r = config_parse(filename, data, size, agent_items, ELEMENTSOF(agent_items), a, seen, ret_error);
        if (r < 0)
                return r;

        if (!a->owner) {
                *ret_error = config_error(filename, 1, "missing Owner= in [Agent]: every agent needs an accountable human");
                return *ret_error ? -EINVAL : -ENOMEM;
        }

        /* Checks that depend on more than one key. */
        for (size_t i = 0; i < a->n_allow; i++) {
                const EgressAllow *e = &a->allow[i];
                char buf[IP_PREFIX_STRING_MAX];

                if (e->hostname || a->allow_metadata)
                        continue;
                for (size_t j = 0; j < config->n_metadata; j++)
                        if (ip_prefix_overlaps(&e->prefix, &config->metadata[j].prefix)) {
                                *ret_error = config_error(filename, e->line,
                                                          "%s= entry %s overlaps the instance metadata address %s; "
                                                          "set AllowMetadata=yes to allow it",
                                                          e->read ? "AllowRead" : "Allow",
                                                          ip_prefix_to_string(&e->prefix, (char[IP_PREFIX_STRING_MAX]) {}),
                                                          ip_prefix_to_string(&config->metadata[j].prefix, buf));
                                return *ret_error ? -EINVAL : -ENOMEM;
                        }
        }

        if (!a->description) {
                if (asprintf(&a->description, "paddock agent %s", name) < 0) {
                        a->description = NULL;
                        return -ENOMEM;
                }
        }

        *ret = TAKE_PTR(a);
        return 0;
}

bool agent_is_expired(const Agent *a, int64_t today) {
        return a->expires >= 0 && today > a->expires;
}

int agent_loosenings(const Agent *a, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        int r;

        for (int cap = 0; cap < 64; cap++) {
                if (!(a->capabilities & (UINT64_C(1) << cap)))
                        continue;
                char *n = cap_to_name(cap);
                if (!n)
                        return -ENOMEM;
                r = strv_extendf(&l, "capability %s", n);
                cap_free(n);
                if (r < 0)
                        return r;
        }
        STRV_FOREACH(p, a->read_write_paths) {
                if (path_startswith_dir(*p, "/srv") || path_startswith_dir(*p, "/var/lib"))
                        continue;
                r = strv_extendf(&l, "writable path outside /srv and /var/lib: %s", *p);
                if (r < 0)
                        return r;
        }
        if (!a->memory_deny_write_execute) {
                r = strv_extend(&l, "MemoryDenyWriteExecute=no (writable and executable memory, for JIT runtimes)");
                if (r < 0)
                        return r;
        }
        if (a->allow_metadata) {
                r = strv_extend(&l, "AllowMetadata=yes (instance metadata reachable)");
                if (r < 0)
                        return r;
        }
        if (a->allow_loopback) {
                r = strv_extend(&l, "AllowLoopback=yes (local services reachable)");
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

int agent_loosenings_token(const Agent *a, char **ret) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        bool first = true;

        if (!f)
                return -ENOMEM;
#define TOKEN(...) do { fputs(first ? "" : ",", f); fprintf(f, __VA_ARGS__); first = false; } while (0)
        for (int cap = 0; cap < 64; cap++)
                if (a->capabilities & (UINT64_C(1) << cap)) {
                        char *n = cap_to_name(cap);
                        if (n) {
                                TOKEN("cap:%s", n);
                                cap_free(n);
                        }
                }
        STRV_FOREACH(p, a->read_write_paths)
                if (!path_startswith_dir(*p, "/srv") && !path_startswith_dir(*p, "/var/lib"))
                        TOKEN("rw:%s", *p);
        if (!a->memory_deny_write_execute)
                TOKEN("no-mdwe");
        if (a->allow_metadata)
                TOKEN("allow-metadata");
        if (a->allow_loopback)
                TOKEN("allow-loopback");
#undef TOKEN
        if (fclose(f) != 0) {
                free(buf);
                return -ENOMEM;
        }
        if (first) {
                free(buf);
                buf = NULL;
        }
        *ret = buf;
        return 0;
}
