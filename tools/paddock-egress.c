/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* paddock-egress: the nftables fence of each agent, and the instance
 * metadata block. See lib/egress.h for the shape of the table. */

#include <arpa/inet.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include <sys/capability.h>
#include <systemd/sd-daemon.h>

#include "audit-record.h"
#include "egress.h"
#include "exit-codes.h"
#include "json.h"
#include "log.h"
#include "nft.h"
#include "task-ephemeral.h"
#include "policy.h"
#include "strv.h"
#include "tool-util.h"
#include "validate.h"

static char *arg_root = NULL;
static bool arg_dry_run = false;
static bool arg_json = false;
static bool arg_quiet = false;
static unsigned arg_timeout_ms = 2000;

static void help(void) {
        printf("%s [OPTIONS...] COMMAND ...\n\n"
               "The nftables egress fence of paddock agents.\n\n"
               "Commands:\n"
               "  apply               Load or update table inet paddock, atomically\n"
               "  remove NAME...      Deny agents everything (their uid stays fenced)\n"
               "  show                Show each agent's fence\n"
               "  probe NAME          As the agent, try every metadata address and allowed destination\n"
               "  check NAME          Exit 0 if the agent's fence is loaded, 1 if not\n"
               "  refresh             Resolve allowed host names again and update their addresses\n"
               "  watch               Apply, keep host names current, restore a removed table\n\n"
               "Options:\n"
               "  -h --help           Show this help\n"
               "     --version        Show the version\n"
               "     --root=DIR       Read agent files below DIR (the ruleset is this network namespace's)\n"
               "     --dry-run        apply: print the transaction, check it, change nothing\n"
               "     --json           show, probe: print JSON\n"
               "     --timeout=MS     probe: give up a connection after MS milliseconds (2000)\n"
               "  -q --quiet          Print nothing on success\n\n"
               "See paddock-egress(8).\n",
               program_invocation_short_name);
}

static int parse_argv(int argc, char *argv[]) {
        enum {
                ARG_VERSION = 0x100,
                ARG_ROOT,
                ARG_DRY_RUN,
                ARG_JSON,
                ARG_TIMEOUT,
        };
        static const struct option options[] = {
                { "help",    no_argument,       NULL, 'h'         },
                { "version", no_argument,       NULL, ARG_VERSION },
                { "root",    required_argument, NULL, ARG_ROOT    },
                { "dry-run", no_argument,       NULL, ARG_DRY_RUN },
                { "json",    no_argument,       NULL, ARG_JSON    },
                { "timeout", required_argument, NULL, ARG_TIMEOUT },
                { "quiet",   no_argument,       NULL, 'q'         },
                {}
        };
        int c;

        while ((c = getopt_long(argc, argv, "hq", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        return tool_version();
                case ARG_ROOT:
                        arg_root = optarg;
                        break;
                case ARG_DRY_RUN:
                        arg_dry_run = true;
                        break;
                case ARG_JSON:
                        arg_json = true;
                        break;
                case ARG_TIMEOUT: {
                        char *end;
                        unsigned long v = strtoul(optarg, &end, 10);
                        if (*optarg == 0 || *end || v == 0 || v > 60000) {
                                log_error("Invalid --timeout: expected 1-60000 milliseconds.");
                                return -EINVAL;
                        }
                        arg_timeout_ms = (unsigned) v;
                        break;
                }
                case 'q':
                        arg_quiet = true;
                        break;
                default:
                        return -EINVAL;
                }
        return 1;
}

static int live_read(NftContext *n, EgressLive *ret) {
        _cleanup_free_ char *out = NULL, *err = NULL;
        int r = nft_run(n, "list chains " PADDOCK_NFT_FAMILY, false, &out, &err);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                if (err && strstr(err, "No such file or directory")) {
                        *ret = (EgressLive) {};
                        return 0;
                }
                log_error("%s", strempty(err));
                return -EIO;
        }
        return egress_live_parse(out, ret);
}

static void audit_agent(const Config *c, const char *op, const Agent *a, const char *name, bool success) {
        _cleanup_free_ char *user = agent_user_name(c, name), *fields = NULL, *loosened = NULL;
        char num[16];

        if (!user)
                return;
        if (a) {
                snprintf(num, sizeof num, "%zu", a->n_allow);
                (void) audit_fields_add(&fields, "destinations", num);
                if (agent_loosenings_token(a, &loosened) >= 0 && loosened)
                        (void) audit_fields_add(&fields, "loosened", loosened);
        }
        (void) audit_record(AUDIT_USYS_CONFIG, op, user, AUDIT_ID_NONE, fields, success);
}

/* Take the live table to state s; print and audit what changed. */
static int apply_state(NftContext *n, const Policy *p, const EgressState *s, bool force_full) {
        _cleanup_(egress_live_done) EgressLive live = {};
        _cleanup_free_ char *cmds = NULL, *err = NULL;
        _cleanup_strv_free_ char **changed = NULL;
        int r;

        r = force_full ? 0 : live_read(n, &live);
        if (r < 0)
                return r;
        r = egress_render_update(s, &live, &cmds, &changed);
        if (r < 0)
                return log_error_errno(r, "Failed to build the ruleset: %m");
        if (!cmds)
                return 0;               /* nothing to do */

        if (arg_dry_run) {
                fputs(cmds, stdout);
                r = nft_run(n, cmds, true, NULL, &err);
                if (r < 0) {
                        log_error("The ruleset does not check:\n%s", strempty(err));
                        return r;
                }
                return 0;
        }

        /* Check first; then apply as one transaction. A failure leaves the
         * previous table exactly as it was. */
        r = nft_run(n, cmds, true, NULL, &err);
        if (r >= 0) {
                free(err);
                err = NULL;
                r = nft_run(n, cmds, false, NULL, &err);
        }
        STRV_FOREACH(x, changed) {
                const char *name = startswith(*x, "agent ");
                const EgressTarget *t = name ? egress_find_target(s, name) : NULL;
                if (t)
                        audit_agent(p->config, "egress-apply", t->agent, name, r >= 0);
        }
        if (r < 0) {
                log_error("Failed to load the egress ruleset; the previous one is unchanged:\n%s", strempty(err));
                return r;
        }
        if (!arg_quiet)
                STRV_FOREACH(x, changed) {
                        const char *name = startswith(*x, "agent ");
                        if (name)
                                printf("applied egress of agent %s\n", name);
                        else
                                printf("%s\n", *x);
                }
        return 1;
}

/* libnftables and every agent's egress state, host names resolved; logs
 * and returns an exit code. */
/* Under the per-task identities' lock (*ret_lock, until the caller is
 * done): a task joining the fence cannot fall between our reading of the
 * registry and our rewriting of the maps. */
static int open_state(Policy *p, int *ret_lock, NftContext **ret_nft, EgressState *ret_state, char ***ret_warnings) {
        int r = task_ephemeral_lock(p->root, ret_lock);
        if (r < 0)
                return log_error_errno(r, "Failed to lock the per-task identities: %m"), PADDOCK_EXIT_FAILURE;
        r = nft_open(ret_nft);
        if (r < 0)
                return log_error_errno(r, "Failed to set up libnftables: %m"), PADDOCK_EXIT_FAILURE;
        r = egress_state_build(p, true, ret_state, ret_warnings);
        if (r < 0)
                return log_error_errno(r, "Failed to collect agents: %m"), PADDOCK_EXIT_FAILURE;
        return PADDOCK_EXIT_OK;
}

static int verb_apply(Policy *p, char **args) {
        _cleanup_(nft_closep) NftContext *n = NULL;
        _cleanup_close_ int lock = -EBADF;
        _cleanup_(egress_state_done) EgressState s = {};
        _cleanup_strv_free_ char **warnings = NULL;
        int r;

        r = open_state(p, &lock, &n, &s, &warnings);
        if (r != PADDOCK_EXIT_OK)
                return r;
        STRV_FOREACH(w, warnings)
                log_warning("%s", *w);
        r = apply_state(n, p, &s, false);
        return r < 0 ? PADDOCK_EXIT_FAILURE : PADDOCK_EXIT_OK;
}

static int verb_remove(Policy *p, char **names) {
        _cleanup_(nft_closep) NftContext *n = NULL;
        _cleanup_close_ int lock = -EBADF;
        _cleanup_(egress_state_done) EgressState s = {};
        int r;

        r = open_state(p, &lock, &n, &s, NULL);
        if (r != PADDOCK_EXIT_OK)
                return r;

        /* The agent's uid stays in the map, denied everything: a fence is
         * never simply taken away from a uid that may own processes. */
        STRV_FOREACH(x, names)
                for (size_t i = 0; i < s.n_targets; i++) {
                        EgressTarget *t = &s.targets[i];
                        if (!t->name || !streq(t->name, *x))
                                continue;
                        egress_target_deny(t);
                }
        r = apply_state(n, p, &s, false);
        STRV_FOREACH(x, names)
                audit_agent(p->config, "egress-remove", NULL, *x, r >= 0);
        return r < 0 ? PADDOCK_EXIT_FAILURE : PADDOCK_EXIT_OK;
}

static int verb_refresh(Policy *p, char **args) {
        _cleanup_(nft_closep) NftContext *n = NULL;
        _cleanup_(egress_state_done) EgressState s = {};
        _cleanup_free_ char *cmds = NULL, *err = NULL;
        int r;

        r = nft_open(&n);
        if (r < 0)
                return log_error_errno(r, "Failed to set up libnftables: %m"), PADDOCK_EXIT_FAILURE;
        r = egress_state_build(p, true, &s, NULL);
        if (r >= 0)
                r = egress_render_refresh(&s, &cmds);
        if (r < 0)
                return log_error_errno(r, "Failed to resolve: %m"), PADDOCK_EXIT_FAILURE;
        if (!cmds)
                return PADDOCK_EXIT_OK;
        r = nft_run(n, cmds, false, NULL, &err);
        if (r < 0) {
                log_error("Failed to refresh host addresses:\n%s", strempty(err));
                return PADDOCK_EXIT_FAILURE;
        }
        return PADDOCK_EXIT_OK;
}

static int verb_check(Policy *p, char **args) {
        const char *name = args[0];
        _cleanup_(nft_closep) NftContext *n = NULL;
        int r;

        r = nft_open(&n);
        if (r < 0)
                return log_error_errno(r, "Failed to set up libnftables: %m"), PADDOCK_EXIT_FAILURE;
        r = nft_fence_loaded(n, name);
        if (r < 0) {
                log_error_errno(r, "Failed to read the ruleset: %m");
                return PADDOCK_EXIT_FAILURE;
        }
        if (r == 0) {
                /* Fail closed: the unit's ExecStartPre= stops here. */
                log_error("The egress fence of agent %s is not loaded (no chain agent-%s in table inet paddock); "
                          "refusing to start it.", name, name);
                return PADDOCK_EXIT_FAILURE;
        }
        return PADDOCK_EXIT_OK;
}

static void print_destination(const EgressAllow *e, FILE *f) {
        char b[IP_PREFIX_STRING_MAX];
        if (e->hostname)
                fputs(e->hostname, f);
        else if (e->prefix.family == AF_INET6)
                fprintf(f, "[%s]", ip_prefix_to_string(&e->prefix, b));
        else
                fputs(ip_prefix_to_string(&e->prefix, b), f);
        fprintf(f, ":%u", e->port_min);
        if (e->port_max != e->port_min)
                fprintf(f, "-%u", e->port_max);
        fputs(e->protocols == EGRESS_UDP ? "/udp" : "/tcp", f);
}

static int verb_show(Policy *p, char **args) {
        _cleanup_(nft_closep) NftContext *n = NULL;
        _cleanup_close_ int lock = -EBADF;
        _cleanup_(egress_state_done) EgressState s = {};
        _cleanup_(egress_live_done) EgressLive live = {};
        int r;

        r = open_state(p, &lock, &n, &s, NULL);
        if (r != PADDOCK_EXIT_OK)
                return r;
        r = live_read(n, &live);
        if (r < 0)
                return PADDOCK_EXIT_FAILURE;

        bool table_current = live.present && streq(live.digest, s.digest);
        if (arg_json)
                printf("[");
        else
                printf("table inet paddock: %s\n", !live.present ? "not loaded" : table_current ? "loaded" : "loaded, out of date");
        for (size_t i = 0; i < s.n_targets; i++) {
                const EgressTarget *t = &s.targets[i];
                const Agent *a = t->agent;
                _cleanup_free_ char *chain = NULL;
                char digest[17] = "";
                unsigned uid;
                const char *state;

                if (!a)
                        continue;
                if (asprintf(&chain, "agent-%s", a->name) < 0)
                        return log_oom(), PADDOCK_EXIT_FAILURE;
                state = !live.present || !egress_live_find(&live, chain, &uid, digest) ? "not loaded" :
                        streq(digest, t->digest) && table_current ? "loaded" : "out of date";

                if (arg_json) {
                        JsonObject o;
                        if (i > 0)
                                printf(",");
                        json_object_begin(&o, stdout);
                        json_kv_string(&o, "name", a->name);
                        json_kv_uint(&o, "uid", t->uid);
                        json_kv_string(&o, "fence", state);
                        json_kv_bool(&o, "allow_loopback", a->allow_loopback);
                        json_kv_bool(&o, "allow_metadata", a->allow_metadata);
                        json_key(&o, "allow");
                        printf("[");
                        for (size_t k = 0; k < a->n_allow; k++) {
                                JsonObject d;
                                char *txt = NULL;
                                size_t sz = 0;
                                FILE *m = open_memstream(&txt, &sz);
                                if (m) {
                                        print_destination(&a->allow[k], m);
                                        fclose(m);
                                }
                                printf("%s", k ? "," : "");
                                json_object_begin(&d, stdout);
                                json_kv_string(&d, "destination", txt);
                                json_kv_bool(&d, "read", a->allow[k].read);
                                free(txt);
                                json_object_end(&d);
                        }
                        printf("]");
                        json_key(&o, "elements");
                        printf("[");
                        bool first = true;
                        for (int fam = 0; fam < 2; fam++) {
                                _cleanup_free_ EgressElement *el = NULL;
                                size_t ne = 0;
                                if (egress_agent_elements(&s, a, fam == 0 ? AF_INET : AF_INET6, &el, &ne) < 0)
                                        continue;
                                for (size_t k = 0; k < ne; k++) {
                                        char b[IP_PREFIX_STRING_MAX], line[128];
                                        snprintf(line, sizeof line, "%s . %s . %u-%u%s", ip_prefix_to_string(&el[k].prefix, b),
                                                 el[k].proto == IPPROTO_UDP ? "udp" : "tcp", el[k].port_min, el[k].port_max,
                                                 el[k].timeout ? " (resolved)" : "");
                                        printf("%s", first ? "" : ",");
                                        json_string(stdout, line);
                                        first = false;
                                }
                        }
                        printf("]");
                        json_object_end(&o);
                } else {
                        printf("\nagent %s (uid %u): fence %s\n", a->name, (unsigned) t->uid, state);
                        if (a->allow_metadata)
                                printf("  AllowMetadata=yes: instance metadata reachable where allowed below\n");
                        if (a->allow_loopback)
                                printf("  AllowLoopback=yes: 127.0.0.0/8 and ::1 reachable\n");
                        printf("  DNS: only to the configured resolvers\n");
                        if (a->n_allow == 0)
                                printf("  allowed: nothing\n");
                        for (size_t k = 0; k < a->n_allow; k++) {
                                printf("  allowed: ");
                                print_destination(&a->allow[k], stdout);
                                if (a->allow[k].read)
                                        printf(" (also in the read-only stage)");
                                if (a->allow[k].hostname) {
                                        const ResolvedHost *h = NULL;
                                        for (size_t j = 0; j < s.n_hosts; j++)
                                                if (streq(s.hosts[j].name, a->allow[k].hostname))
                                                        h = &s.hosts[j];
                                        if (!h || h->n_addrs == 0)
                                                printf(" -> does not resolve");
                                        for (size_t j = 0; h && j < h->n_addrs; j++) {
                                                char b[IP_PREFIX_STRING_MAX];
                                                printf("%s%s", j ? ", " : " -> ", ip_prefix_to_string(&h->addrs[j], b));
                                        }
                                        if (h && h->n_addrs > 0)
                                                printf(" (ttl %" PRIu32 "s)", h->ttl);
                                }
                                printf("\n");
                        }
                }
        }
        if (arg_json)
                printf("]\n");
        return PADDOCK_EXIT_OK;
}

/* ---- probe ---------------------------------------------------------- */

typedef struct ProbeTarget {
        char *label;            /* what is printed */
        IPPrefix addr;
        uint16_t port;
        bool udp;
        bool metadata;
} ProbeTarget;

/* One connection attempt: "connected", "refused", "denied", "unreachable",
 * "timeout", or an errno name; and how long it took. */
static const char *probe_one(const ProbeTarget *t, double *ret_ms) {
        struct sockaddr_storage sa = {};
        socklen_t len;
        struct timespec t0, t1;
        const char *res;
        int fd, r;

        /* A link-local address names no host without an interface. */
        if (t->addr.family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&t->addr.addr.in6)) {
                *ret_ms = 0;
                return "link-local";
        }
        if (t->addr.family == AF_INET) {
                struct sockaddr_in *s4 = (struct sockaddr_in *) &sa;
                s4->sin_family = AF_INET;
                s4->sin_port = htons(t->port);
                s4->sin_addr = t->addr.addr.in;
                len = sizeof *s4;
        } else {
                struct sockaddr_in6 *s6 = (struct sockaddr_in6 *) &sa;
                s6->sin6_family = AF_INET6;
                s6->sin6_port = htons(t->port);
                s6->sin6_addr = t->addr.addr.in6;
                len = sizeof *s6;
        }

        clock_gettime(CLOCK_MONOTONIC, &t0);
        fd = socket(t->addr.family, (t->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
                res = strerrorname_np(errno) ?: "error";
                goto done;
        }
        r = connect(fd, (struct sockaddr *) &sa, len);
        if (r < 0 && errno != EINPROGRESS) {
                res = errno == ECONNREFUSED ? "refused" : errno == EPERM || errno == EACCES ? "denied" :
                      errno == ENETUNREACH || errno == EHOSTUNREACH ? "unreachable" : strerrorname_np(errno) ?: "error";
                goto done;
        }
        if (t->udp) {
                /* A datagram, and a moment for an ICMP error to come back. */
                if (send(fd, "paddock-probe", 13, 0) < 0) {
                        res = errno == EPERM || errno == EACCES ? "denied" : strerrorname_np(errno) ?: "error";
                        goto done;
                }
                struct pollfd p = { .fd = fd, .events = POLLIN };
                r = poll(&p, 1, (int) MIN(arg_timeout_ms, 200u));
                char buf[1];
                if (r > 0 && recv(fd, buf, sizeof buf, 0) < 0)
                        res = errno == ECONNREFUSED ? "refused" : errno == EHOSTUNREACH || errno == ENETUNREACH ? "unreachable" :
                              errno == EACCES || errno == EPERM ? "denied" : strerrorname_np(errno) ?: "error";
                else
                        res = "sent";
                goto done;
        }
        struct pollfd p = { .fd = fd, .events = POLLOUT };
        r = poll(&p, 1, (int) arg_timeout_ms);
        if (r == 0) {
                res = "timeout";
                goto done;
        }
        int e = 0;
        socklen_t el = sizeof e;
        (void) getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el);
        res = e == 0 ? "connected" : e == ECONNREFUSED ? "refused" : e == EACCES || e == EPERM ? "denied" :
              e == ENETUNREACH || e == EHOSTUNREACH ? "unreachable" : strerrorname_np(e) ?: "error";
done:
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (fd >= 0)
                close(fd);
        *ret_ms = (double) (t1.tv_sec - t0.tv_sec) * 1e3 + (double) (t1.tv_nsec - t0.tv_nsec) / 1e6;
        return res;
}

/* Become the agent in this (child) process: its uid and gid, no other
 * groups, no capabilities, no way back. Refuse if any step fails. */
static int drop_to(uid_t uid) {
        if (setgroups(0, NULL) < 0 || setresgid(uid, uid, uid) < 0 || setresuid(uid, uid, uid) < 0)
                return -errno;
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return -errno;
        cap_t caps = cap_get_proc();
        if (!caps)
                return -errno;
        cap_flag_value_t v = CAP_CLEAR;
        int bad = 0;
        for (cap_value_t c = 0; c <= CAP_LAST_CAP; c++) {
                if (cap_get_flag(caps, c, CAP_EFFECTIVE, &v) == 0 && v == CAP_SET)
                        bad = 1;
                if (cap_get_flag(caps, c, CAP_PERMITTED, &v) == 0 && v == CAP_SET)
                        bad = 1;
        }
        cap_free(caps);
        if (bad || getuid() != uid || geteuid() != uid)
                return -EPERM;
        return 0;
}

static int add_target(ProbeTarget **l, size_t *n, const IPPrefix *a, uint16_t port, bool udp, bool metadata, const char *label_host) {
        char b[IP_PREFIX_STRING_MAX];
        ProbeTarget *x = reallocarray(*l, *n + 1, sizeof(ProbeTarget));
        if (!x)
                return -ENOMEM;
        *l = x;
        x[*n] = (ProbeTarget) { .addr = *a, .port = port, .udp = udp, .metadata = metadata };
        x[*n].addr.prefixlen = family_bits(a->family);
        const char *addr = ip_prefix_to_string(&x[*n].addr, b);
        int k = label_host ?
                asprintf(&x[*n].label, "%s (%s%s%s):%u/%s", label_host, a->family == AF_INET6 ? "[" : "", addr,
                         a->family == AF_INET6 ? "]" : "", port, udp ? "udp" : "tcp") :
                asprintf(&x[*n].label, "%s%s%s:%u/%s", a->family == AF_INET6 ? "[" : "", addr,
                         a->family == AF_INET6 ? "]" : "", port, udp ? "udp" : "tcp");
        if (k < 0)
                return -ENOMEM;
        (*n)++;
        return 0;
}

static int verb_probe(Policy *p, char **args) {
        const char *name = args[0];
        _cleanup_(egress_state_done) EgressState s = {};
        ProbeTarget *targets = NULL;
        size_t n = 0;
        int fds[2], r;

        r = egress_state_build(p, true, &s, NULL);
        if (r < 0)
                return log_error_errno(r, "Failed to collect agents: %m"), PADDOCK_EXIT_FAILURE;
        const EgressTarget *t = egress_find_target(&s, name);
        if (!t) {
                log_error("Agent %s has no file or no identity.", name);
                return PADDOCK_EXIT_BAD_AGENT;
        }
        const Agent *a = t->agent;

        /* Every metadata endpoint, on the port each cloud serves it on. */
        for (size_t i = 0; i < p->config->n_metadata; i++) {
                IPPrefix m = p->config->metadata[i].prefix;
                if (m.prefixlen != family_bits(m.family))
                        continue;       /* a range: nothing to connect to */
                if ((r = add_target(&targets, &n, &m, 80, false, true, NULL)) < 0)
                        return log_oom(), PADDOCK_EXIT_FAILURE;
        }
        /* Every allowed destination: names as resolved, prefixes at their
         * first address, ranges at their first port. */
        for (size_t i = 0; i < a->n_allow; i++) {
                const EgressAllow *e = &a->allow[i];
                bool udp = e->protocols == EGRESS_UDP;
                if (e->hostname) {
                        for (size_t h = 0; h < s.n_hosts; h++) {
                                if (!streq(s.hosts[h].name, e->hostname))
                                        continue;
                                for (size_t k = 0; k < s.hosts[h].n_addrs; k++)
                                        if ((r = add_target(&targets, &n, &s.hosts[h].addrs[k], e->port_min, udp, false, e->hostname)) < 0)
                                                return log_oom(), PADDOCK_EXIT_FAILURE;
                        }
                        continue;
                }
                /* A network's first host address, not the network address. */
                IPPrefix first = e->prefix;
                if (first.prefixlen + 1 < family_bits(first.family))
                        first.addr.bytes[first.family == AF_INET ? 3 : 15] |= 1;
                if ((r = add_target(&targets, &n, &first, e->port_min, udp, false, NULL)) < 0)
                        return log_oom(), PADDOCK_EXIT_FAILURE;
        }

        if (pipe2(fds, O_CLOEXEC) < 0)
                return log_error_errno(errno, "Failed to create a pipe: %m"), PADDOCK_EXIT_FAILURE;
        fflush(stdout);
        pid_t pid = fork();
        if (pid < 0)
                return log_error_errno(errno, "Failed to fork: %m"), PADDOCK_EXIT_FAILURE;
        if (pid == 0) {
                close(fds[0]);
                r = drop_to(t->uid);
                if (r < 0) {
                        dprintf(fds[1], "!%d\n", -r);
                        _exit(1);
                }
                for (size_t i = 0; i < n; i++) {
                        double ms;
                        const char *res = probe_one(&targets[i], &ms);
                        dprintf(fds[1], "%zu %s %.3f\n", i, res, ms);
                }
                _exit(0);
        }
        close(fds[1]);

        FILE *in = fdopen(fds[0], "re");
        char line[256];
        size_t got = 0;
        int ret = PADDOCK_EXIT_OK;
        if (arg_json)
                printf("[");
        else
                printf("probe of agent %s, as uid %u, no capabilities:\n%-52s %-12s %10s  %s\n",
                       name, (unsigned) t->uid, "DESTINATION", "RESULT", "TIME", "EXPECTED");
        while (in && fgets(line, sizeof line, in)) {
                size_t i;
                char res[64];
                double ms;
                if (line[0] == '!') {
                        log_error("Could not become the agent's uid safely: %s", strerror(atoi(line + 1)));
                        ret = PADDOCK_EXIT_FAILURE;
                        break;
                }
                if (sscanf(line, "%zu %63s %lf", &i, res, &ms) != 3 || i >= n)
                        continue;
                const ProbeTarget *pt = &targets[i];
                bool reached = streq(res, "connected") || streq(res, "sent");
                /* Metadata must never be reached (unless the agent allows it). */
                const char *expected = pt->metadata ? (a->allow_metadata ? "(allowed if listed)" : "blocked") : "reachable";
                bool bad = pt->metadata && !a->allow_metadata && reached;
                if (bad)
                        ret = PADDOCK_EXIT_FAILURE;
                if (arg_json) {
                        JsonObject o;
                        printf("%s", got ? "," : "");
                        json_object_begin(&o, stdout);
                        json_kv_string(&o, "destination", pt->label);
                        json_kv_bool(&o, "metadata", pt->metadata);
                        json_kv_string(&o, "result", res);
                        json_key(&o, "ms");
                        printf("%.3f", ms);
                        json_kv_bool(&o, "reached", reached);
                        json_object_end(&o);
                } else
                        printf("%-52s %-12s %8.1fms  %s%s\n", pt->label, res, ms, expected, bad ? "  <-- REACHED" : "");
                got++;
        }
        if (arg_json)
                printf("]\n");
        if (in)
                fclose(in);
        int status;
        (void) waitpid(pid, &status, 0);
        for (size_t i = 0; i < n; i++)
                free(targets[i].label);
        free(targets);
        return ret;
}

/* ---- watch ---------------------------------------------------------- */

static volatile sig_atomic_t got_hup, got_term;

static void on_signal(int sig) {
        if (sig == SIGHUP)
                got_hup = 1;
        else
                got_term = 1;
}

static int reload_and_apply(NftContext *n, Policy **p, EgressState *s, bool force_full) {
        _cleanup_(policy_freep) Policy *np = NULL;
        EgressState ns = {};
        int r;

        r = tool_load_policy(arg_root, &np, true);
        if (r != PADDOCK_EXIT_OK)
                return -EINVAL;
        r = egress_state_build(np, true, &ns, NULL);
        if (r < 0)
                return r;
        r = apply_state(n, np, &ns, force_full);
        if (r < 0) {
                egress_state_done(&ns);
                return r;
        }
        egress_state_done(s);
        *s = ns;
        policy_free(*p);
        *p = TAKE_PTR(np);
        return 0;
}

static int verb_watch(Policy *initial, char **args) {
        _cleanup_(nft_closep) NftContext *n = NULL;
        _cleanup_(egress_state_done) EgressState s = {};
        Policy *p = NULL;
        time_t next_refresh = 0;
        int r;

        r = nft_open(&n);
        if (r < 0)
                return log_error_errno(r, "Failed to set up libnftables: %m"), PADDOCK_EXIT_FAILURE;
        signal(SIGHUP, on_signal);
        signal(SIGTERM, on_signal);
        signal(SIGINT, on_signal);

        (void) initial;
        r = reload_and_apply(n, &p, &s, false);
        if (r < 0) {
                log_error("Failed to load the egress fence; agents stay without it (and their units refuse to start).");
                return PADDOCK_EXIT_FAILURE;
        }
        (void) sd_notify(false, "READY=1\nSTATUS=Egress fence loaded");
        if (s.refresh_sec > 0)
                next_refresh = time(NULL) + s.refresh_sec;

        /* Once a second: is the fence still there? (nftables.service restarts
         * begin with "flush ruleset".) Put it back at once if not. */
        while (!got_term) {
                sleep(1);
                if (got_term)
                        break;
                if (got_hup) {
                        got_hup = 0;
                        if (reload_and_apply(n, &p, &s, false) < 0)
                                log_error("Reload failed; the previous fence stays.");
                        next_refresh = s.refresh_sec > 0 ? time(NULL) + s.refresh_sec : 0;
                        continue;
                }
                r = nft_table_intact(n);
                if (r == 0) {
                        log_warning("Table inet paddock was removed or changed; loading it again.");
                        if (reload_and_apply(n, &p, &s, true) < 0)
                                log_error("Failed to load the egress fence again.");
                        next_refresh = s.refresh_sec > 0 ? time(NULL) + s.refresh_sec : 0;
                        continue;
                }
                if (next_refresh > 0 && time(NULL) >= next_refresh) {
                        _cleanup_free_ char *cmds = NULL, *err = NULL;
                        EgressState ns = {};
                        if (egress_state_build(p, true, &ns, NULL) >= 0) {
                                egress_state_done(&s);
                                s = ns;
                                if (egress_render_refresh(&s, &cmds) >= 0 && cmds &&
                                    nft_run(n, cmds, false, NULL, &err) < 0)
                                        log_error("Failed to refresh host addresses:\n%s", strempty(err));
                        }
                        next_refresh = s.refresh_sec > 0 ? time(NULL) + s.refresh_sec : 0;
                }
        }
        (void) sd_notify(false, "STOPPING=1");
        policy_free(p);
        return PADDOCK_EXIT_OK;
}

int main(int argc, char *argv[]) {
        static const ToolVerb verbs[] = {
                { "apply",   .flags = TOOL_VERB_ALL_GOOD, .run = verb_apply },
                { "remove",  .min_args = 1, .max_args = SIZE_MAX, .run = verb_remove },
                { "show",    .run = verb_show },
                { "probe",   .min_args = 1, .max_args = 1, .run = verb_probe },
                /* check runs before every agent start: it reads no files. */
                { "check",   .min_args = 1, .max_args = 1, .flags = TOOL_VERB_NO_POLICY, .run = verb_check },
                { "refresh", .run = verb_refresh },
                { "watch",   .run = verb_watch },
        };
        int r;

        log_setup(argv[0]);
        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? PADDOCK_EXIT_USAGE : PADDOCK_EXIT_OK;

        return tool_dispatch_verb(verbs, ELEMENTSOF(verbs), argc - optind, argv + optind, arg_root);
}
