/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <sys/socket.h>

#include "conf-parser.h"
#include "paddock-conf.h"
#include "fileio.h"
#include "parse-util.h"
#include "path-util.h"
#include "validate.h"

/* Always refused, whatever paddock.conf says; paddock.conf(5) and the
 * shipped file name the cloud behind each address. Further entries come
 * from Metadata= in paddock.conf. */
const char * const builtin_metadata[] = {
        "169.254.169.254",      /* AWS, GCP, Azure, Oracle, OpenStack, DigitalOcean, ... */
        "fd00:ec2::254",        /* AWS IMDS over IPv6 (Nitro) */
        "169.254.170.2",        /* AWS ECS task metadata and credentials */
        "169.254.170.23",       /* AWS EKS Pod Identity agent */
        "fd00:ec2::23",         /* AWS EKS Pod Identity agent, IPv6 */
        "100.100.100.200",      /* Alibaba Cloud */
        "168.63.129.16",        /* Azure WireServer */
        "192.0.0.192",          /* Oracle Cloud (legacy endpoint) */
        "169.254.42.42",        /* Scaleway */
        "fd00:42::42",          /* Scaleway, IPv6 */
        "fe80::a9fe:a9fe",      /* OpenStack, IPv6 link-local */
        "64:ff9b::a9fe:a9fe",   /* 169.254.169.254 through NAT64 */
        "::ffff:169.254.169.254", /* IPv4-mapped form */
};
const size_t builtin_metadata_count = ELEMENTSOF(builtin_metadata);

Config *config_free(Config *c) {
        if (!c)
                return NULL;
        free(c->path);
        free(c->user_prefix);
        free(c->dns);
        free(c->metadata);
        free(c);
        return NULL;
}

/* Forbidden for agent and per-task identities: what useradd hands out
 * (system and regular users, Debian's static range), systemd's homed,
 * container-mapped, dynamic and nobody ids, the default subordinate id
 * range, systemd's container ranges, and everything from the foreign range
 * up, where signed 32-bit trouble starts. */
static const struct {
        uint32_t min, max;
        const char *what;
} reserved_ranges[] = {
        { 0, 60000, "system and regular users" },
        { 60001, 65535, "systemd's homed, container and dynamic users, nobody" },
        { 100000, 600100000, "the default subordinate id range" },
        { 524288, 1879048191, "systemd's container ranges" },
        { 2147352576, UINT32_MAX, "the foreign and signed-overflow range" },
};

static int check_uid_range(uid_t lo, uid_t hi, char **ret_message) {
        for (size_t i = 0; i < ELEMENTSOF(reserved_ranges); i++)
                if (lo <= reserved_ranges[i].max && hi >= reserved_ranges[i].min)
                        return config_reject(ret_message, "range %u-%u overlaps %u-%u (%s)",
                                             (unsigned) lo, (unsigned) hi,
                                             reserved_ranges[i].min, reserved_ranges[i].max,
                                             reserved_ranges[i].what);
        return 0;
}

static int parse_range(const ConfigContext *ctx, const char *value, void *dest, char **ret_message) {
        uid_t *range = dest, lo, hi;
        _cleanup_free_ char *e = NULL;

        if (parse_uid_range(value, &lo, &hi) < 0) {
                e = cescape_short(value);
                return config_reject(ret_message, "invalid %s= \"%s\": expected FIRST-LAST", ctx->key, e);
        }
        _cleanup_free_ char *m = NULL;
        if (check_uid_range(lo, hi, &m) < 0)
                return config_reject(ret_message, "invalid %s=: %s", ctx->key, m);
        range[0] = lo;
        range[1] = hi;
        return 0;
}

static int parse_prefix_option(const ConfigContext *ctx, const char *value, void *dest, char **ret_message) {
        _cleanup_free_ char *e = NULL;
        char *s = (char *) value;
        (void) ctx;

        if (!user_prefix_is_valid(s)) {
                e = cescape_short(value);
                return config_reject(ret_message,
                                     "invalid UserPrefix= \"%s\": expected [a-z][a-z0-9-]{0,%d}",
                                     e, USER_PREFIX_MAX - 1);
        }
        return config_parse_string(ctx, value, dest, ret_message);
}

static int parse_retention(const ConfigContext *ctx, const char *value, void *dest, char **ret_message) {
        _cleanup_free_ char *e = NULL;

        if (parse_timespan(value, dest) < 0) {
                e = cescape_short(value);
                return config_reject(ret_message, "invalid %s= \"%s\": expected a time span such as 30d",
                                     ctx->key, e);
        }
        return 0;
}

/* DNS= and Metadata= take lists of addresses; an empty assignment resets. */
typedef struct PrefixList {
        IPPrefix *items;
        size_t n;
} PrefixList;

static int prefix_list_add(PrefixList *l, const IPPrefix *p) {
        IPPrefix *n = reallocarray(l->items, l->n + 1, sizeof(IPPrefix));
        if (!n)
                return -ENOMEM;
        n[l->n++] = *p;
        l->items = n;
        return 0;
}

static int parse_prefix_list(const ConfigContext *ctx, const char *value, PrefixList *l, bool single_addresses, char **ret_message) {
        _cleanup_free_ char *copy = strdup(value);
        char *save = NULL;

        if (!copy)
                return -ENOMEM;
        if (*value == 0) {
                l->n = 0;
                return 0;
        }
        for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
                _cleanup_free_ char *e = NULL;
                IPPrefix p;
                int r = ip_prefix_parse(w, &p);
                if (r == -ENOMEM)
                        return r;
                if (r < 0 || (single_addresses && p.prefixlen != family_bits(p.family))) {
                        e = cescape_short(w);
                        return config_reject(ret_message, "invalid %s= entry \"%s\": expected an IP %s",
                                             ctx->key, e, single_addresses ? "address" : "address or prefix");
                }
                r = prefix_list_add(l, &p);
                if (r < 0)
                        return r;
        }
        return 0;
}

typedef struct ConfigParse {
        char *user_prefix;
        uid_t uid_range[2];
        uid_t ephemeral_range[2];
        uint64_t retention;
        PrefixList dns;
        bool dns_set;
        PrefixList metadata;
        bool audit_shared;
} ConfigParse;

static int parse_dns(const ConfigContext *ctx, const char *value, void *dest, char **ret_message) {
        ConfigParse *cp = ctx->object;
        cp->dns_set = *value != 0;
        return parse_prefix_list(ctx, value, dest, true, ret_message);
}

static int parse_metadata(const ConfigContext *ctx, const char *value, void *dest, char **ret_message) {
        return parse_prefix_list(ctx, value, dest, false, ret_message);
}

static int parse_audit_rules(const ConfigContext *ctx, const char *value, void *dest, char **ret_message) {
        _cleanup_free_ char *e = NULL;
        bool *shared = dest;

        if (streq(value, "per-agent") || streq(value, "shared")) {
                *shared = streq(value, "shared");
                return 0;
        }
        e = cescape_short(value);
        return config_reject(ret_message, "invalid %s= \"%s\": expected per-agent or shared", ctx->key, e);
}

static const ConfigItem config_items[] = {
        { "Users",  "UserPrefix",         parse_prefix_option, offsetof(ConfigParse, user_prefix),     false },
        { "Users",  "UIDRange",           parse_range,         offsetof(ConfigParse, uid_range),       false },
        { "Tasks",  "EphemeralUIDRange",  parse_range,         offsetof(ConfigParse, ephemeral_range), false },
        { "Tasks",  "EphemeralRetention", parse_retention,     offsetof(ConfigParse, retention),       false },
        { "Egress", "DNS",                parse_dns,           offsetof(ConfigParse, dns),             true  },
        { "Egress", "Metadata",           parse_metadata,      offsetof(ConfigParse, metadata),        true  },
        { "Audit",  "Rules",              parse_audit_rules,   offsetof(ConfigParse, audit_shared),    false },
};

static int config_new_defaults(Config **ret) {
        _cleanup_(config_freep) Config *c = calloc(1, sizeof(Config));

        if (!c)
                return -ENOMEM;
        c->user_prefix = strdup(DEFAULT_USER_PREFIX);
        if (!c->user_prefix)
                return -ENOMEM;
        c->uid_min = DEFAULT_UID_MIN;
        c->uid_max = DEFAULT_UID_MAX;
        c->ephemeral_min = DEFAULT_EPHEMERAL_UID_MIN;
        c->ephemeral_max = DEFAULT_EPHEMERAL_UID_MAX;
        c->ephemeral_retention_sec = DEFAULT_EPHEMERAL_RETENTION_SEC;

        c->metadata = calloc(builtin_metadata_count, sizeof(MetadataEntry));
        if (!c->metadata)
                return -ENOMEM;
        for (size_t i = 0; i < builtin_metadata_count; i++) {
                int r = ip_prefix_parse(builtin_metadata[i], &c->metadata[i].prefix);
                if (r < 0)
                        return r;
                c->metadata[i].builtin = true;
        }
        c->n_metadata = builtin_metadata_count;

        *ret = TAKE_PTR(c);
        return 0;
}

static bool ranges_overlap(uid_t a0, uid_t a1, uid_t b0, uid_t b1) {
        return a0 <= b1 && b0 <= a1;
}

int config_parse_buffer(const char *filename, const char *data, size_t size, Config **ret, char **ret_error) {
        _cleanup_(config_freep) Config *c = NULL;
        unsigned seen[ELEMENTSOF(config_items)] = {};
        ConfigParse cp = {};
        int r;

        r = config_new_defaults(&c);
        if (r < 0)
                return r;

        cp.uid_range[0] = c->uid_min;
        cp.uid_range[1] = c->uid_max;
        cp.ephemeral_range[0] = c->ephemeral_min;
        cp.ephemeral_range[1] = c->ephemeral_max;
        cp.retention = c->ephemeral_retention_sec;

        r = config_parse(filename, data, size, config_items, ELEMENTSOF(config_items), &cp, seen, ret_error);
        if (r < 0)
                goto finish;

        if (ranges_overlap(cp.uid_range[0], cp.uid_range[1], cp.ephemeral_range[0], cp.ephemeral_range[1])) {
                unsigned line = MAX(seen[1], seen[2]);
                *ret_error = config_error(filename, line ?: 1,
                                          "UIDRange= and EphemeralUIDRange= overlap");
                r = *ret_error ? -EINVAL : -ENOMEM;
                goto finish;
        }

        if (cp.user_prefix) {
                free(c->user_prefix);
                c->user_prefix = TAKE_PTR(cp.user_prefix);
        }
        c->uid_min = cp.uid_range[0];
        c->uid_max = cp.uid_range[1];
        c->ephemeral_min = cp.ephemeral_range[0];
        c->ephemeral_max = cp.ephemeral_range[1];
        c->ephemeral_retention_sec = cp.retention;
        c->dns = TAKE_PTR(cp.dns.items);
        c->n_dns = cp.dns.n;
        c->dns_set = cp.dns_set;
        c->audit_shared = cp.audit_shared;

        if (cp.metadata.n > 0) {
                MetadataEntry *m = reallocarray(c->metadata, c->n_metadata + cp.metadata.n, sizeof(MetadataEntry));
                if (!m) {
                        r = -ENOMEM;
                        goto finish;
                }
                c->metadata = m;
                for (size_t i = 0; i < cp.metadata.n; i++)
                        m[c->n_metadata++] = (MetadataEntry) { .prefix = cp.metadata.items[i] };
        }

        c->path = strdup(filename);
        if (!c->path) {
                r = -ENOMEM;
                goto finish;
        }
        *ret = TAKE_PTR(c);
        r = 0;
finish:
        free(cp.user_prefix);
        free(cp.dns.items);
        free(cp.metadata.items);
        return r;
}

int resolv_conf_parse(const char *data, IPPrefix **ret, size_t *ret_n) {
        _cleanup_free_ char *copy = strdup(data);
        PrefixList l = {};
        char *save = NULL;

        if (!copy)
                return -ENOMEM;
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                const char *a = startswith(line, "nameserver");
                char addr[INET6_ADDRSTRLEN + 1];
                IPPrefix p;

                if (!a || (*a != ' ' && *a != '\t'))
                        continue;
                if (sscanf(a, " %46s", addr) != 1)
                        continue;
                /* A scoped link-local resolver ("fe80::1%eth0") keeps its address. */
                char *pct = strchr(addr, '%');
                if (pct)
                        *pct = 0;
                if (ip_prefix_parse(addr, &p) < 0)
                        continue;
                if (prefix_list_add(&l, &p) < 0) {
                        free(l.items);
                        return -ENOMEM;
                }
        }
        *ret = l.items;
        *ret_n = l.n;
        return 0;
}

int config_load(const char *root, Config **ret, char **ret_error) {
        _cleanup_(config_freep) Config *c = NULL;
        _cleanup_free_ char *path = NULL, *data = NULL, *rpath = NULL, *rdata = NULL;
        size_t size = 0;
        int r;

        *ret_error = NULL;
        path = path_join_root(root, PADDOCK_CONF);
        if (!path)
                return -ENOMEM;

        r = read_full_file(path, CONF_FILE_MAX + 1, &data, &size);
        if (r == -ENOENT)
                r = config_new_defaults(&c);
        else if (r >= 0)
                r = config_parse_buffer(path, data, size, &c, ret_error);
        if (r < 0)
                return r;

        if (!c->dns_set) {
                rpath = path_join_root(root, "/etc/resolv.conf");
                if (!rpath)
                        return -ENOMEM;
                r = read_full_file(rpath, 1024 * 1024, &rdata, NULL);
                if (r >= 0) {
                        free(c->dns);
                        r = resolv_conf_parse(rdata, &c->dns, &c->n_dns);
                        if (r < 0)
                                return r;
                        c->dns_from_resolv_conf = true;
                } else if (r != -ENOENT)
                        return r;
        }

        *ret = TAKE_PTR(c);
        return 0;
}

bool config_prefix_is_metadata(const Config *c, const IPPrefix *p) {
        for (size_t i = 0; i < c->n_metadata; i++)
                if (ip_prefix_overlaps(&c->metadata[i].prefix, p))
                        return true;
        return false;
}
