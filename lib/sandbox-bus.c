/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <sys/socket.h>
#include <stdio.h>
#include <string.h>

#include "sandbox-bus.h"
#include "strv.h"

static int append_strv(sd_bus_message *m, char * const *l) {
        int r = sd_bus_message_open_container(m, 'a', "s");
        STRV_FOREACH(w, l)
                if (r >= 0)
                        r = sd_bus_message_append(m, "s", *w);
        return r < 0 ? r : sd_bus_message_close_container(m);
}

int bus_append_exec(sd_bus_message *m, const char *name, char * const *argv, char * const *flags) {
        _cleanup_free_ char *ex = NULL;
        int r;

        if (!argv || !argv[0])
                return -EINVAL;
        /* The Ex variant: its flags say what unit files say with prefixes. */
        if (asprintf(&ex, "%sEx", name) < 0)
                return -ENOMEM;
        r = sd_bus_message_open_container(m, 'r', "sv");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", ex);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', "a(sasas)");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(sasas)");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'r', "sasas");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", argv[0]);
        if (r >= 0)
                r = append_strv(m, argv);
        if (r >= 0)
                r = append_strv(m, flags);
        for (int i = 0; r >= 0 && i < 4; i++)
                r = sd_bus_message_close_container(m);
        return r;
}

int bus_append_strv_property(sd_bus_message *m, const char *name, char * const *l) {
        int r = sd_bus_message_open_container(m, 'r', "sv");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", name);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', "as");
        if (r >= 0)
                r = append_strv(m, l);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r < 0 ? r : sd_bus_message_close_container(m);
}

static int append_ip(sd_bus_message *m, int family, const void *addr, unsigned prefixlen) {
        int r = sd_bus_message_open_container(m, 'r', "iayu");
        if (r >= 0)
                r = sd_bus_message_append(m, "i", family);
        if (r >= 0)
                r = sd_bus_message_append_array(m, 'y', addr, family == AF_INET ? 4 : 16);
        if (r >= 0)
                r = sd_bus_message_append(m, "u", prefixlen);
        return r < 0 ? r : sd_bus_message_close_container(m);
}

static int append_ip_list(sd_bus_message *m, const SandboxDirective *d) {
        static const uint8_t zero[16] = {};
        int r = sd_bus_message_open_container(m, 'a', "(iayu)");

        /* "any": all addresses of both families. */
        if (r >= 0 && d->b)
                r = append_ip(m, AF_INET, zero, 0);
        if (r >= 0 && d->b)
                r = append_ip(m, AF_INET6, zero, 0);
        for (size_t i = 0; r >= 0 && i < d->n_ips; i++)
                r = append_ip(m, d->ips[i].family, &d->ips[i].addr, d->ips[i].prefixlen);
        return r < 0 ? r : sd_bus_message_close_container(m);
}

static int append_pairs(sd_bus_message *m, char * const *l) {
        int r = sd_bus_message_open_container(m, 'a', "(ss)");
        for (size_t i = 0; r >= 0 && l && l[i] && l[i + 1]; i += 2)
                r = sd_bus_message_append(m, "(ss)", l[i], l[i + 1]);
        return r < 0 ? r : sd_bus_message_close_container(m);
}

static const char *signature(SandboxType t) {
        switch (t) {
        case SBX_BOOL:          return "b";
        case SBX_STRING:        return "s";
        case SBX_STRV:          return "as";
        case SBX_U64:
        case SBX_LIMIT:
        case SBX_CAPS:
        case SBX_NAMESPACES:    return "t";
        case SBX_MODE:          return "u";
        case SBX_SYSCALLS:
        case SBX_FAMILIES:      return "(bas)";
        case SBX_ERRNO:         return "i";
        case SBX_IP_LIST:       return "a(iayu)";
        case SBX_CREDENTIALS:   return "a(ss)";
        default:                return NULL;
        }
}

static int append_value(sd_bus_message *m, const SandboxDirective *d) {
        int r;

        switch (d->type) {
        case SBX_BOOL:
                return sd_bus_message_append(m, "b", d->b);
        case SBX_STRING:
                return sd_bus_message_append(m, "s", d->s);
        case SBX_STRV: {
                /* The "-" prefix of paths travels inside the strings, as in
                 * the unit file. */
                _cleanup_strv_free_ char **l = NULL;
                STRV_FOREACH(w, d->strv) {
                        _cleanup_free_ char *x = NULL;
                        if (asprintf(&x, "%s%s", d->ignore_missing ? "-" : "", *w) < 0 ||
                            strv_extend(&l, x) < 0)
                                return -ENOMEM;
                }
                return append_strv(m, l);
        }
        case SBX_U64:
        case SBX_LIMIT:
        case SBX_CAPS:
        case SBX_NAMESPACES:
                /* RestrictNamespaces=yes is the mask of allowed types: 0. */
                return sd_bus_message_append(m, "t", d->u);
        case SBX_MODE:
                return sd_bus_message_append(m, "u", (uint32_t) d->u);
        case SBX_SYSCALLS:
        case SBX_FAMILIES:
                r = sd_bus_message_open_container(m, 'r', "bas");
                if (r >= 0)
                        r = sd_bus_message_append(m, "b", d->allow_list);
                if (r >= 0)
                        r = append_strv(m, d->strv);
                return r < 0 ? r : sd_bus_message_close_container(m);
        case SBX_ERRNO: {
                int e = sandbox_errno_from_name(d->s);
                return e < 0 ? e : sd_bus_message_append(m, "i", e);
        }
        case SBX_IP_LIST:
                return append_ip_list(m, d);
        case SBX_CREDENTIALS:
                return append_pairs(m, d->strv);
        default:
                return -EOPNOTSUPP;
        }
}

static int append_property(sd_bus_message *m, const char *name, const SandboxDirective *d) {
        const char *sig = signature(d->type);
        int r;

        if (!sig)
                return -EOPNOTSUPP;
        r = sd_bus_message_open_container(m, 'r', "sv");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", name);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', sig);
        if (r >= 0)
                r = append_value(m, d);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r;
}

int sandbox_bus_append(sd_bus_message *m, const Sandbox *s) {
        int r;

        for (size_t i = 0; i < s->n; i++) {
                const SandboxDirective *d = &s->d[i];

                if (d->type == SBX_EXEC) {
                        r = bus_append_exec(m, d->name, d->strv, d->privileged ? STRV_MAKE("privileged") : NULL);
                } else {
                        r = append_property(m, d->name, d);
                        /* An rlimit is two properties: the soft limit equal. */
                        if (r >= 0 && d->type == SBX_LIMIT) {
                                _cleanup_free_ char *soft = NULL;
                                if (asprintf(&soft, "%sSoft", d->name) < 0)
                                        return -ENOMEM;
                                r = append_property(m, soft, d);
                        }
                }
                if (r < 0)
                        return r;
        }
        return 0;
}
