/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <inttypes.h>
#include <sys/capability.h>
#include <sys/socket.h>

#include "credstore.h"
#include "policy.h"
#include "sandbox.h"
#include "strv.h"

Sandbox *sandbox_free(Sandbox *s) {
        if (!s)
                return NULL;
        for (size_t i = 0; i < s->n; i++) {
                free(s->d[i].s);
                strv_free(s->d[i].strv);
                free(s->d[i].ips);
        }
        free(s->d);
        strv_free(s->loosenings);
        free(s);
        return NULL;
}

char *agent_unit_name(const char *name) {
        char *s;
        if (asprintf(&s, "agent-%s.service", name) < 0)
                return NULL;
        return s;
}

const SandboxDirective *sandbox_find(const Sandbox *s, const char *name) {
        for (size_t i = 0; i < s->n; i++)
                if (streq(s->d[i].name, name))
                        return &s->d[i];
        return NULL;
}

static SandboxDirective *add(Sandbox *s, const char *name, SandboxType type) {
        SandboxDirective *d = reallocarray(s->d, s->n + 1, sizeof(SandboxDirective));
        if (!d)
                return NULL;
        s->d = d;
        d = &s->d[s->n++];
        *d = (SandboxDirective) { .name = name, .type = type };
        return d;
}

static int add_bool(Sandbox *s, const char *name, bool b) {
        SandboxDirective *d = add(s, name, SBX_BOOL);
        if (!d)
                return -ENOMEM;
        d->b = b;
        return 0;
}

static int add_typed_string(Sandbox *s, const char *name, SandboxType type, const char *value) {
        SandboxDirective *d = add(s, name, type);
        if (!d || !(d->s = strdup(value)))
                return -ENOMEM;
        return 0;
}

static int add_string(Sandbox *s, const char *name, const char *value) {
        return add_typed_string(s, name, SBX_STRING, value);
}

static int add_u64(Sandbox *s, const char *name, SandboxType type, uint64_t u) {
        SandboxDirective *d = add(s, name, type);
        if (!d)
                return -ENOMEM;
        d->u = u;
        return 0;
}

/* Takes ownership of l. */
static int add_strv(Sandbox *s, const char *name, SandboxType type, char **l, bool allow_list) {
        SandboxDirective *d = add(s, name, type);
        if (!d) {
                strv_free(l);
                return -ENOMEM;
        }
        d->strv = l;
        d->allow_list = allow_list;
        return 0;
}

static int add_words(Sandbox *s, const char *name, SandboxType type, bool allow_list, const char *words) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *copy = strdup(words);
        char *save = NULL;

        if (!copy)
                return -ENOMEM;
        for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
                if (strv_extend(&l, w) < 0)
                        return -ENOMEM;
        return add_strv(s, name, type, TAKE_PTR(l), allow_list);
}

static int add_paths(Sandbox *s, const char *name, char * const *paths) {
        char **l = strv_copy(paths);
        if (!l)
                return -ENOMEM;
        int r = add_strv(s, name, SBX_STRV, l, false);
        if (r >= 0)
                s->d[s->n - 1].ignore_missing = true;
        return r;
}

/* IPAddressAllow=: everything but the instance metadata addresses, plus
 * configured resolvers that fall inside them (Azure's 168.63.129.16 is both)
 * and, for an agent that says AllowMetadata=yes, its allowed metadata
 * destinations. A second metadata fence, wherever cgroup-BPF works. */
static int add_ip_allow(Sandbox *s, const Agent *a, const Config *c) {
        _cleanup_free_ IPPrefix *exclude = calloc(c->n_metadata + 1, sizeof(IPPrefix));
        IPPrefix *list = NULL;
        size_t n = 0;
        int r;

        if (!exclude)
                return -ENOMEM;
        for (size_t i = 0; i < c->n_metadata; i++)
                exclude[i] = c->metadata[i].prefix;

        r = ip_prefix_complement(AF_INET, exclude, c->n_metadata, &list, &n);
        if (r >= 0)
                r = ip_prefix_complement(AF_INET6, exclude, c->n_metadata, &list, &n);
        for (size_t i = 0; r >= 0 && i < c->n_dns; i++)
                if (config_prefix_is_metadata(c, &c->dns[i])) {
                        IPPrefix *x = reallocarray(list, n + 1, sizeof(IPPrefix));
                        if (!x)
                                r = -ENOMEM;
                        else {
                                list = x;
                                list[n++] = c->dns[i];
                        }
                }
        for (size_t i = 0; r >= 0 && a->allow_metadata && i < a->n_allow; i++)
                if (!a->allow[i].hostname && config_prefix_is_metadata(c, &a->allow[i].prefix)) {
                        IPPrefix *x = reallocarray(list, n + 1, sizeof(IPPrefix));
                        if (!x)
                                r = -ENOMEM;
                        else {
                                list = x;
                                list[n++] = a->allow[i].prefix;
                        }
                }
        if (r < 0) {
                free(list);
                return r;
        }

        SandboxDirective *d = add(s, "IPAddressAllow", SBX_IP_LIST);
        if (!d) {
                free(list);
                return -ENOMEM;
        }
        d->ips = list;
        d->n_ips = n;
        return 0;
}

static int add_credentials(Sandbox *s, const Agent *a, const SandboxOptions *o) {
        _cleanup_strv_free_ char **plain = NULL, **encrypted = NULL;
        int r;

        STRV_FOREACH(k, a->credentials) {
                r = credstore_lookup(o->root, a->name, *k);
                bool enc = r == 1;
                _cleanup_free_ char *path = credstore_path(a->name, *k, enc);
                if (!path)
                        return -ENOMEM;
                /* A credential that is not set yet is still asked for: the
                 * unit then refuses to start rather than run without it. */
                char ***l = enc ? &encrypted : &plain;
                if (strv_extend(l, *k) < 0 || strv_extend(l, path) < 0)
                        return -ENOMEM;
        }
        if (plain && (r = add_strv(s, "LoadCredential", SBX_CREDENTIALS, TAKE_PTR(plain), false)) < 0)
                return r;
        if (encrypted && (r = add_strv(s, "LoadCredentialEncrypted", SBX_CREDENTIALS, TAKE_PTR(encrypted), false)) < 0)
                return r;
        return 0;
}

int sandbox_errno_from_name(const char *s) {
        static const struct { const char *name; int value; } table[] = {
                { "EPERM", EPERM }, { "EACCES", EACCES }, { "ENOSYS", ENOSYS },
        };
        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (streq(s, table[i].name))
                        return table[i].value;
        return -EINVAL;
}

int sandbox_build(const Agent *a, const Config *c, const SandboxOptions *o, Sandbox **ret) {
        _cleanup_(sandbox_freep) Sandbox *s = calloc(1, sizeof(Sandbox));
        _cleanup_free_ char *user = NULL, *state = NULL, *state_rel = NULL, *drafts = NULL;
        int r;

        if (!s)
                return -ENOMEM;
        user = agent_user_name(c, a->name);
        state = agent_state_dir(a->name);
        if (!user || !state || asprintf(&state_rel, "paddock/agents/%s", a->name) < 0 ||
            asprintf(&drafts, "%s/drafts", state) < 0)
                return -ENOMEM;

        r = agent_loosenings(a, &s->loosenings);
        if (r < 0)
                return r;
        /* No network at all without [Egress]. In the read-only stage, the
         * network only when every destination is marked as a read
         * (AllowRead=): the egress fence is per uid, so a task that shares
         * the agent's uid reaches all of the agent's destinations or none. */
        bool all_read = true;
        for (size_t i = 0; i < a->n_allow; i++)
                all_read = all_read && a->allow[i].read;
        s->offline = a->n_allow == 0 || (o->stage == STAGE_READ_ONLY && !all_read);

        /* Identity and command. */
#define TRY(x) do { r = (x); if (r < 0) return r; } while (0)
        TRY(add_string(s, "User", o->user ?: user));
        TRY(add_string(s, "Group", o->user ?: user));
        if (o->user) {
                char **l = NULL;
                if (strv_extend(&l, user) < 0)
                        return -ENOMEM;
                TRY(add_strv(s, "SupplementaryGroups", SBX_STRV, l, false));
        }
        /* Sessions through PAM: the agent's own service if it names one. A
         * task always goes through paddock's, whose pam_paddock session
         * gives it the human's login uid while systemd still runs as root
         * outside the user namespace, where that uid would not exist. */
        if (o->task)
                TRY(add_string(s, "PAMName", TASK_PAM_SERVICE));
        else if (a->pam_name)
                TRY(add_string(s, "PAMName", a->pam_name));
        /* Fail closed: refuse to start while the agent's egress fence is not
         * loaded. "+": the check runs as root, unsandboxed, but in the unit's
         * network namespace, which is why an offline agent, whose fence is
         * PrivateNetwork=, has no such check. */
        if (!s->offline) {
                SandboxDirective *d = add(s, "ExecStartPre", SBX_EXEC);
                if (!d || strv_extend(&d->strv, PADDOCK_TOOLDIR "/paddock-egress") < 0 ||
                    strv_extend(&d->strv, "check") < 0 || strv_extend(&d->strv, a->name) < 0)
                        return -ENOMEM;
                d->privileged = true;
        }
        /* A task's command is the launcher's to add. */
        if (!o->task) {
                if (a->exec_start) {
                        char **argv = strv_copy(a->exec_start);
                        if (!argv)
                                return -ENOMEM;
                        TRY(add_strv(s, "ExecStart", SBX_EXEC, argv, false));
                }
        }
        if (!o->user) {
                TRY(add_string(s, "WorkingDirectory", state));
                char **l = NULL;
                if (strv_extend(&l, state_rel) < 0)
                        return -ENOMEM;
                TRY(add_strv(s, "StateDirectory", SBX_STRV, l, false));
                TRY(add_u64(s, "StateDirectoryMode", SBX_MODE, 0700));
        }

        /* What the agent may write, by stage. */
        switch (o->stage) {
        case STAGE_FULL:
                if (a->read_write_paths)
                        TRY(add_paths(s, "ReadWritePaths", a->read_write_paths));
                if (a->read_only_paths)
                        TRY(add_paths(s, "ReadOnlyPaths", a->read_only_paths));
                break;
        case STAGE_DRAFT: {
                char *rw[] = { drafts, NULL };
                char **ro = strv_copy(a->read_only_paths);
                if (a->read_only_paths && !ro)
                        return -ENOMEM;
                if (strv_extend(&ro, state) < 0) {
                        strv_free(ro);
                        return -ENOMEM;
                }
                TRY(add_paths(s, "ReadOnlyPaths", ro));
                strv_free(ro);
                TRY(add_paths(s, "ReadWritePaths", rw));
                break;
        }
        case STAGE_READ_ONLY: {
                char **ro = strv_copy(a->read_only_paths);
                if (a->read_only_paths && !ro)
                        return -ENOMEM;
                if (strv_extend(&ro, state) < 0) {
                        strv_free(ro);
                        return -ENOMEM;
                }
                r = add_paths(s, "ReadOnlyPaths", ro);
                strv_free(ro);
                if (r < 0)
                        return r;
                break;
        }
        default:
                return -EINVAL;
        }

        /* Resources, with a layer that works where cgroup limits do not:
         * per-agent uids make the per-user process limit exact. */
        if (a->memory_max > 0)
                TRY(add_u64(s, "MemoryMax", SBX_U64, a->memory_max));
        TRY(add_u64(s, "TasksMax", SBX_U64, a->tasks_max));
        TRY(add_u64(s, "LimitNPROC", SBX_LIMIT, a->tasks_max));
        TRY(add_u64(s, "LimitCORE", SBX_LIMIT, 0));
        TRY(add_u64(s, "UMask", SBX_MODE, 0077));

        /* Privileges. */
        TRY(add_bool(s, "NoNewPrivileges", true));
        TRY(add_u64(s, "CapabilityBoundingSet", SBX_CAPS, a->capabilities));
        TRY(add_u64(s, "AmbientCapabilities", SBX_CAPS, a->capabilities));
        TRY(add_words(s, "SystemCallFilter", SBX_SYSCALLS, true, "@system-service"));
        TRY(add_words(s, "SystemCallFilter", SBX_SYSCALLS, false, "@privileged @resources"));
        TRY(add_typed_string(s, "SystemCallErrorNumber", SBX_ERRNO, "EPERM"));
        TRY(add_words(s, "SystemCallArchitectures", SBX_STRV, false, "native"));

        /* File system, devices, kernel. */
        TRY(add_string(s, "ProtectSystem", "strict"));
        TRY(add_string(s, "ProtectHome", "yes"));
        TRY(add_bool(s, "PrivateTmp", true));
        TRY(add_bool(s, "PrivateDevices", true));
        TRY(add_bool(s, "PrivateIPC", true));
        /* Capabilities granted inside a user namespace are worth nothing
         * against the host's network or files: an agent that asks for one
         * runs without PrivateUsers=. */
        TRY(add_bool(s, "PrivateUsers", a->capabilities == 0));
        TRY(add_bool(s, "ProtectKernelTunables", true));
        TRY(add_bool(s, "ProtectKernelModules", true));
        TRY(add_bool(s, "ProtectKernelLogs", true));
        TRY(add_bool(s, "ProtectControlGroups", true));
        TRY(add_bool(s, "ProtectClock", true));
        TRY(add_bool(s, "ProtectHostname", true));
        TRY(add_string(s, "ProtectProc", "invisible"));
        TRY(add_string(s, "ProcSubset", "pid"));
        TRY(add_bool(s, "PrivateMounts", true));
        TRY(add_u64(s, "RestrictNamespaces", SBX_NAMESPACES, 0));
        TRY(add_bool(s, "RestrictRealtime", true));
        TRY(add_bool(s, "RestrictSUIDSGID", true));
        TRY(add_bool(s, "LockPersonality", true));
        TRY(add_bool(s, "MemoryDenyWriteExecute", a->memory_deny_write_execute));
        TRY(add_string(s, "KeyringMode", "private"));
        TRY(add_bool(s, "RemoveIPC", true));
        TRY(add_string(s, "DevicePolicy", "closed"));

        /* Network: nftables by uid is the fence that always works; these are
         * the unit's own layers on top of it. */
        if (s->offline) {
                TRY(add_words(s, "RestrictAddressFamilies", SBX_FAMILIES, true, "AF_UNIX"));
                TRY(add_bool(s, "PrivateNetwork", true));
                SandboxDirective *d = add(s, "IPAddressDeny", SBX_IP_LIST);
                if (!d)
                        return -ENOMEM;
                d->b = true;            /* "any" */
        } else {
                TRY(add_words(s, "RestrictAddressFamilies", SBX_FAMILIES, true, "AF_INET AF_INET6 AF_UNIX"));
                SandboxDirective *d = add(s, "IPAddressDeny", SBX_IP_LIST);
                if (!d)
                        return -ENOMEM;
                d->b = true;
                TRY(add_ip_allow(s, a, c));
        }

        TRY(add_credentials(s, a, o));
#undef TRY

        *ret = TAKE_PTR(s);
        return 0;
}

/* Quote one word for a unit file command line: double quotes, with
 * backslash, quote, specifier (%) and variable ($) characters escaped. */
static void quote_word(FILE *f, const char *w) {
        fputc('"', f);
        for (const char *p = w; *p; p++) {
                if (*p == '\\' || *p == '"')
                        fputc('\\', f);
                if (*p == '%')
                        fputc('%', f);
                if (*p == '$')
                        fputc('$', f);
                fputc(*p, f);
        }
        fputc('"', f);
}

int sandbox_directive_format(const SandboxDirective *d, char **ret) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return -ENOMEM;

        switch (d->type) {
        case SBX_BOOL:
                fputs(d->b ? "yes" : "no", f);
                break;
        case SBX_STRING:
                for (const char *p = d->s; *p; p++) {
                        if (*p == '%')
                                fputc('%', f);
                        fputc(*p, f);
                }
                break;
        case SBX_STRV:
        case SBX_FAMILIES:
        case SBX_SYSCALLS:
                if (!d->allow_list && d->type != SBX_STRV)
                        fputc('~', f);
                STRV_FOREACH(w, d->strv)
                        fprintf(f, "%s%s%s", w == d->strv ? "" : " ", d->ignore_missing ? "-" : "", *w);
                break;
        case SBX_U64:
        case SBX_LIMIT:
                fprintf(f, "%" PRIu64, d->u);
                break;
        case SBX_MODE:
                fprintf(f, "%04" PRIo64, d->u);
                break;
        case SBX_CAPS: {
                bool first = true;
                for (int cap = 0; cap < 64; cap++) {
                        if (!(d->u & (UINT64_C(1) << cap)))
                                continue;
                        char *n = cap_to_name(cap);
                        if (!n)
                                break;
                        /* cap_to_name() gives lower case; systemd takes both. */
                        fprintf(f, "%s", first ? "" : " ");
                        for (char *c = n; *c; c++)
                                fputc(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c, f);
                        cap_free(n);
                        first = false;
                }
                break;
        }
        case SBX_NAMESPACES:
                fputs("yes", f);
                break;
        case SBX_ERRNO:
                fputs(d->s, f);
                break;
        case SBX_IP_LIST:
                if (d->b)
                        fputs("any", f);
                for (size_t i = 0; i < d->n_ips; i++) {
                        char b[IP_PREFIX_STRING_MAX];
                        fprintf(f, "%s%s", i == 0 && !d->b ? "" : " ", ip_prefix_to_string(&d->ips[i], b));
                }
                break;
        case SBX_CREDENTIALS:
                /* One ID:PATH pair; unit_render() writes one line per pair. */
                if (d->strv && d->strv[0] && d->strv[1])
                        fprintf(f, "%s:%s", d->strv[0], d->strv[1]);
                break;
        case SBX_EXEC:
                /* The command is a validated path (no quotes, specifiers or
                 * variables possible): unquoted, so that a "+" prefix reads
                 * as one. Every argument is quoted. */
                fprintf(f, "%s%s", d->privileged ? "+" : "", d->strv[0]);
                for (char **w = d->strv + 1; *w; w++) {
                        fputc(' ', f);
                        quote_word(f, *w);
                }
                break;
        }

        if (fclose(f) != 0) {
                free(buf);
                return -ENOMEM;
        }
        *ret = buf;
        return 0;
}
