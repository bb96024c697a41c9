/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <inttypes.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "egress.h"
#include "ephemeral.h"
#include "nft.h"
#include "strv.h"
#include "uidreg.h"

/* ---- element normalization ------------------------------------------ */

static bool covers_port(const EgressElement *e, uint32_t p) {
        return e->port_min <= p && p <= e->port_max;
}

static int push(EgressElement **l, size_t *n, const EgressElement *e) {
        EgressElement *x = reallocarray(*l, *n + 1, sizeof(EgressElement));
        if (!x)
                return -ENOMEM;
        x[(*n)++] = *e;
        *l = x;
        return 0;
}

static int cmp_u32(const void *a, const void *b) {
        uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
        return x < y ? -1 : x > y;
}

int egress_elements_normalize(const EgressElement *in, size_t n, EgressElement **ret, size_t *ret_n) {
        EgressElement *out = NULL;
        size_t n_out = 0;
        _cleanup_free_ uint32_t *cuts = calloc(2 * n + 1, sizeof(uint32_t));
        int r = 0;

        if (!cuts)
                return -ENOMEM;

        for (int fam = 0; fam < 2 && r >= 0; fam++)
        for (int pr = 0; pr < 2 && r >= 0; pr++) {
                int family = fam == 0 ? AF_INET : AF_INET6;
                uint8_t proto = pr == 0 ? IPPROTO_TCP : IPPROTO_UDP;
                size_t n_cuts = 0;

                /* Cut the port axis where any element starts or ends. */
                for (size_t i = 0; i < n; i++)
                        if (in[i].prefix.family == family && in[i].proto == proto) {
                                cuts[n_cuts++] = in[i].port_min;
                                cuts[n_cuts++] = (uint32_t) in[i].port_max + 1;
                        }
                if (n_cuts == 0)
                        continue;
                qsort(cuts, n_cuts, sizeof(uint32_t), cmp_u32);

                size_t first_new = n_out;
                for (size_t c = 0; c + 1 < n_cuts && r >= 0; c++) {
                        uint32_t lo = cuts[c], hi = cuts[c + 1] - 1;
                        if (cuts[c] == cuts[c + 1])
                                continue;
                        /* In this port interval: the outermost prefixes. */
                        for (size_t i = 0; i < n && r >= 0; i++) {
                                const EgressElement *e = &in[i];
                                if (e->prefix.family != family || e->proto != proto || !covers_port(e, lo))
                                        continue;
                                /* Skip e if another element covering these ports
                                 * holds its prefix: a wider one, or an equal one
                                 * earlier in the list (that one stands for both). */
                                bool inner = false;
                                uint32_t timeout = e->timeout;
                                for (size_t j = 0; j < n && !inner; j++) {
                                        const EgressElement *o = &in[j];
                                        if (j == i || o->prefix.family != family || o->proto != proto ||
                                            !covers_port(o, lo) || !ip_prefix_contains(&o->prefix, &e->prefix))
                                                continue;
                                        inner = o->prefix.prefixlen < e->prefix.prefixlen || j < i;
                                }
                                if (inner)
                                        continue;
                                /* Equal prefixes later in the list decide the lifetime too. */
                                for (size_t j = i + 1; j < n; j++) {
                                        const EgressElement *o = &in[j];
                                        if (o->prefix.family == family && o->proto == proto && covers_port(o, lo) &&
                                            ip_prefix_compare(&o->prefix, &e->prefix) == 0)
                                                timeout = (timeout == 0 || o->timeout == 0) ? 0 : MAX(timeout, o->timeout);
                                }
                                EgressElement piece = {
                                        .prefix = e->prefix,
                                        .proto = proto,
                                        .port_min = (uint16_t) lo,
                                        .port_max = (uint16_t) hi,
                                        .timeout = timeout,
                                };
                                /* Join with the piece just below, if it is the same. */
                                bool joined = false;
                                for (size_t k = first_new; k < n_out; k++)
                                        if (ip_prefix_compare(&out[k].prefix, &piece.prefix) == 0 &&
                                            out[k].timeout == piece.timeout && (uint32_t) out[k].port_max + 1 == lo) {
                                                out[k].port_max = piece.port_max;
                                                joined = true;
                                                break;
                                        }
                                if (!joined)
                                        r = push(&out, &n_out, &piece);
                        }
                }
        }
        if (r < 0) {
                free(out);
                return r;
        }
        *ret = out;
        *ret_n = n_out;
        return 0;
}

/* ---- state ---------------------------------------------------------- */

static void digest_feed(uint64_t *h, const void *p, size_t n) {
        const uint8_t *b = p;
        for (size_t i = 0; i < n; i++)
                *h = (*h ^ b[i]) * UINT64_C(1099511628211);
}

static void digest_str(uint64_t *h, const char *s) {
        digest_feed(h, s, strlen(s) + 1);
}

static void digest_prefix(uint64_t *h, const IPPrefix *p) {
        char b[IP_PREFIX_STRING_MAX];
        digest_str(h, ip_prefix_to_string(p, b));
}

static void digest_out(uint64_t h, char out[static 17]) {
        snprintf(out, 17, "%016" PRIx64, h);
}

static void agent_digest(const Agent *a, uid_t uid, char out[static 17]) {
        uint64_t h = UINT64_C(14695981039346656037);
        char num[32];

        digest_str(&h, EGRESS_FORMAT);
        digest_str(&h, a->name);
        snprintf(num, sizeof num, "%u %d %d", (unsigned) uid, a->allow_loopback, a->allow_metadata);
        digest_str(&h, num);
        for (size_t i = 0; i < a->n_allow; i++) {
                const EgressAllow *e = &a->allow[i];
                if (e->hostname)
                        digest_str(&h, e->hostname);
                else
                        digest_prefix(&h, &e->prefix);
                snprintf(num, sizeof num, "%u-%u/%u", e->port_min, e->port_max, e->protocols);
                digest_str(&h, num);
        }
        digest_out(h, out);
}

static void denied_digest(uid_t uid, char out[static 17]) {
        uint64_t h = UINT64_C(14695981039346656037);
        char num[32];
        digest_str(&h, EGRESS_FORMAT " denied");
        snprintf(num, sizeof num, "%u", (unsigned) uid);
        digest_str(&h, num);
        digest_out(h, out);
}

static void global_digest(const Config *c, char out[static 17]) {
        uint64_t h = UINT64_C(14695981039346656037);
        digest_str(&h, EGRESS_FORMAT);
        digest_str(&h, EGRESS_LOG_RATE);
        for (size_t i = 0; i < c->n_metadata; i++)
                digest_prefix(&h, &c->metadata[i].prefix);
        digest_str(&h, "dns");
        for (size_t i = 0; i < c->n_dns; i++)
                digest_prefix(&h, &c->dns[i]);
        digest_str(&h, "ephemeral");
        digest_feed(&h, &c->ephemeral_min, sizeof c->ephemeral_min);
        digest_feed(&h, &c->ephemeral_max, sizeof c->ephemeral_max);
        digest_out(h, out);
}

void egress_state_done(EgressState *s) {
        for (size_t i = 0; i < s->n_targets; i++)
                free(s->targets[i].name);
        free(s->targets);
        free(s->aliases);
        for (size_t i = 0; i < s->n_hosts; i++)
                resolved_host_done(&s->hosts[i]);
        free(s->hosts);
        *s = (EgressState) {};
}

const EgressTarget *egress_find_target(const EgressState *s, const char *name) {
        for (size_t i = 0; i < s->n_targets; i++)
                if (s->targets[i].name && streq(s->targets[i].name, name))
                        return &s->targets[i];
        return NULL;
}

static const ResolvedHost *find_host(const EgressState *s, const char *name) {
        for (size_t i = 0; i < s->n_hosts; i++)
                if (streq(s->hosts[i].name, name))
                        return &s->hosts[i];
        return NULL;
}

/* The per-task identities in ROOT/run/paddock/ephemeral: a running one
 * goes where its agent goes, an ended one nowhere. A corrupt registry is
 * a warning: paddock-run refuses to add to it, so no task runs under it. */
static int build_aliases(const Policy *p, EgressState *s, char ***warnings) {
        EphemeralRegistry reg = {};
        int r;

        r = ephemeral_registry_load(p->root, &reg);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return strv_extendf(warnings, EPHEMERAL_REGISTRY " cannot be read (%s); per-task identities "
                                    "get no fence", strerror(-r));
        s->aliases = calloc(reg.n + 1, sizeof(EgressAlias));
        if (!s->aliases) {
                ephemeral_registry_done(&reg);
                return -ENOMEM;
        }
        for (size_t i = 0; i < reg.n; i++) {
                const EphemeralIdentity *e = &reg.entries[i];
                const EgressTarget *t = e->ended ? NULL : egress_find_target(s, e->agent);
                s->aliases[s->n_aliases++] = (EgressAlias) { .uid = e->uid, .target = t && t->agent ? t : NULL };
        }
        ephemeral_registry_done(&reg);
        return 0;
}

int egress_state_build(const Policy *p, bool resolve, EgressState *ret, char ***ret_warnings) {
        _cleanup_strv_free_ char **warnings = NULL;
        UidRegistry reg = {};
        EgressState s = { .policy = p };
        int r;

        r = uid_registry_load(p->root, &reg, NULL);
        if (r < 0)
                return r;
        global_digest(p->config, s.digest);

        s.targets = calloc(p->n_agents + reg.n + 1, sizeof(EgressTarget));
        if (!s.targets) {
                r = -ENOMEM;
                goto fail;
        }
        for (size_t i = 0; i < p->n_agents; i++) {
                const Agent *a = p->agents[i];
                const UidEntry *e = uid_registry_find_active(&reg, a->name);
                if (!e) {
                        r = strv_extendf(&warnings, "agent %s has no identity yet (run paddock-users apply); "
                                         "it gets no fence until it has one", a->name);
                        if (r < 0)
                                goto fail;
                        continue;
                }
                EgressTarget *t = &s.targets[s.n_targets++];
                t->agent = a;
                t->uid = e->uid;
                t->name = strdup(a->name);
                if (!t->name) {
                        r = -ENOMEM;
                        goto fail;
                }
                agent_digest(a, e->uid, t->digest);
        }
        /* A uid that was an agent's and has no file now may still own
         * processes: it may reach nothing. */
        for (size_t i = 0; i < reg.n; i++) {
                const UidEntry *e = &reg.entries[i];
                if (!e->retired && policy_find_agent(p, e->name))
                        continue;
                EgressTarget *t = &s.targets[s.n_targets++];
                t->uid = e->uid;
                denied_digest(e->uid, t->digest);
        }
        r = build_aliases(p, &s, &warnings);
        if (r < 0)
                goto fail;

        if (resolve) {
                for (size_t i = 0; i < s.n_targets; i++) {
                        const Agent *a = s.targets[i].agent;
                        for (size_t k = 0; a && k < a->n_allow; k++) {
                                const char *h = a->allow[k].hostname;
                                if (!h || find_host(&s, h))
                                        continue;
                                ResolvedHost *x = reallocarray(s.hosts, s.n_hosts + 1, sizeof(ResolvedHost));
                                if (!x) {
                                        r = -ENOMEM;
                                        goto fail;
                                }
                                s.hosts = x;
                                r = resolve_host(h, p->config->dns, p->config->n_dns, &s.hosts[s.n_hosts]);
                                if (r < 0)
                                        goto fail;
                                const ResolvedHost *rh = &s.hosts[s.n_hosts++];
                                if (rh->error < 0) {
                                        r = strv_extendf(&warnings, "%s does not resolve (%s); agents allowed to reach it cannot, "
                                                         "until it does", h,
                                                         rh->error == -ENOENT ? "no such name, or no address" :
                                                         "no answer from the resolvers");
                                        if (r < 0)
                                                goto fail;
                                }
                                /* Resolve again when the first answer expires (at
                                 * least every second, at most every hour). */
                                uint32_t ttl = rh->error < 0 ? 30 : MAX(rh->ttl, 1u);
                                ttl = MIN(ttl, 3600u);
                                if (s.refresh_sec == 0 || ttl < s.refresh_sec)
                                        s.refresh_sec = ttl;
                        }
                }
        }

        uid_registry_done(&reg);
        if (ret_warnings)
                *ret_warnings = TAKE_PTR(warnings);
        *ret = s;
        return 0;
fail:
        uid_registry_done(&reg);
        egress_state_done(&s);
        return r;
}

/* ---- rendering ------------------------------------------------------ */

static const char *proto_name(uint8_t p) {
        return p == IPPROTO_UDP ? "udp" : "tcp";
}

/* Slack on top of the TTL, so that a refresh that is a little late does
 * not cut connections; if refreshing stops, the addresses expire anyway. */
#define HOST_TIMEOUT_SLACK 10

int egress_agent_elements(const EgressState *s, const Agent *a, int family, EgressElement **ret, size_t *ret_n) {
        _cleanup_free_ EgressElement *raw = NULL;
        size_t n = 0;
        int r;

        for (size_t i = 0; i < a->n_allow; i++) {
                const EgressAllow *e = &a->allow[i];
                for (int pr = 0; pr < 2; pr++) {
                        unsigned bit = pr == 0 ? EGRESS_TCP : EGRESS_UDP;
                        if (!(e->protocols & bit))
                                continue;
                        EgressElement el = {
                                .proto = pr == 0 ? IPPROTO_TCP : IPPROTO_UDP,
                                .port_min = e->port_min,
                                .port_max = e->port_max,
                        };
                        if (!e->hostname) {
                                if (e->prefix.family != family)
                                        continue;
                                el.prefix = e->prefix;
                                if ((r = push(&raw, &n, &el)) < 0)
                                        return r;
                                continue;
                        }
                        const ResolvedHost *h = find_host(s, e->hostname);
                        for (size_t k = 0; h && k < h->n_addrs; k++) {
                                if (h->addrs[k].family != family)
                                        continue;
                                /* Never let a name smuggle in a metadata address. */
                                if (!a->allow_metadata && config_prefix_is_metadata(s->policy->config, &h->addrs[k]))
                                        continue;
                                el.prefix = h->addrs[k];
                                el.timeout = h->ttl + HOST_TIMEOUT_SLACK;
                                if ((r = push(&raw, &n, &el)) < 0)
                                        return r;
                        }
                }
        }
        return egress_elements_normalize(raw, n, ret, ret_n);
}

static int render_elements(FILE *f, const EgressState *s, const Agent *a, int family) {
        _cleanup_free_ EgressElement *el = NULL;
        size_t n = 0;
        int r = egress_agent_elements(s, a, family, &el, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                char b[IP_PREFIX_STRING_MAX];
                fprintf(f, "%s%s . %s . %u", i == 0 ? "" : ", ", ip_prefix_to_string(&el[i].prefix, b),
                        proto_name(el[i].proto), el[i].port_min);
                if (el[i].port_max != el[i].port_min)
                        fprintf(f, "-%u", el[i].port_max);
                if (el[i].timeout > 0)
                        fprintf(f, " timeout %" PRIu32 "s", el[i].timeout);
        }
        return (int) n;
}

static void render_prefix_set(FILE *f, const char *name, const char *type, bool interval,
                              const IPPrefix *l, size_t n, size_t stride, int family) {
        bool first = true;
        fprintf(f, "\tset %s {\n\t\ttype %s\n", name, type);
        if (interval)
                fputs("\t\tflags interval\n", f);
        for (size_t i = 0; i < n; i++) {
                const IPPrefix *p = (const IPPrefix *) ((const uint8_t *) l + i * stride);
                char b[IP_PREFIX_STRING_MAX];
                if (p->family != family)
                        continue;
                fprintf(f, "%s%s", first ? "\t\telements = { " : ", ", ip_prefix_to_string(p, b));
                first = false;
        }
        if (!first)
                fputs(" }\n", f);
        fputs("\t}\n", f);
}

static int render_agent(FILE *f, const EgressState *s, const EgressTarget *t) {
        const Agent *a = t->agent;
        int r;

        if (!a) {
                fprintf(f, "\tchain denied-%u {\n\t\tcomment \"paddock uid=%u digest=%s\"\n"
                           "\t\tmeta mark set %u limit rate " EGRESS_LOG_RATE " log level audit\n"
                           "\t\tgoto refuse\n\t}\n",
                        (unsigned) t->uid, (unsigned) t->uid, t->digest, (unsigned) t->uid);
                return 0;
        }

        for (int fam = 0; fam < 2; fam++) {
                fprintf(f, "\tset allow%d-%s {\n\t\ttype %s . inet_proto . inet_service\n"
                           "\t\tflags interval,timeout\n",
                        fam == 0 ? 4 : 6, a->name, fam == 0 ? "ipv4_addr" : "ipv6_addr");
                char *buf = NULL;
                size_t size = 0;
                FILE *m = open_memstream(&buf, &size);
                if (!m)
                        return -ENOMEM;
                r = render_elements(m, s, a, fam == 0 ? AF_INET : AF_INET6);
                fclose(m);
                if (r > 0)
                        fprintf(f, "\t\telements = { %s }\n", buf);
                free(buf);
                if (r < 0)
                        return r;
                fputs("\t}\n", f);
        }

        fprintf(f, "\tchain deny-%s {\n"
                   "\t\tmeta mark set %u limit rate " EGRESS_LOG_RATE " log level audit\n"
                   "\t\tgoto refuse\n\t}\n", a->name, (unsigned) t->uid);

        /* Metadata and DNS are checked in the shared chain "common"; an
         * agent that says AllowMetadata=yes is checked against what it
         * allows first, so that it reaches exactly that. */
        fprintf(f, "\tchain agent-%s {\n\t\tcomment \"paddock uid=%u digest=%s\"\n", a->name, (unsigned) t->uid, t->digest);
        if (a->allow_metadata)
                fprintf(f, "\t\tip daddr . meta l4proto . th dport @allow4-%1$s accept\n"
                           "\t\tip6 daddr . meta l4proto . th dport @allow6-%1$s accept\n", a->name);
        fputs("\t\tjump common\n", f);
        if (a->allow_loopback)
                fputs("\t\tip daddr 127.0.0.0/8 accept\n\t\tip6 daddr ::1 accept\n", f);
        if (!a->allow_metadata)
                fprintf(f, "\t\tip daddr . meta l4proto . th dport @allow4-%1$s accept\n"
                           "\t\tip6 daddr . meta l4proto . th dport @allow6-%1$s accept\n", a->name);
        fprintf(f, "\t\tgoto deny-%s\n\t}\n", a->name);
        return 0;
}

/* map agents: uid -> the agent's chain; map denies: uid -> its deny chain
 * (the shared chain "common" sends metadata there). A denied uid has one
 * chain for both. */
static void render_map(FILE *f, const EgressState *s, bool deny) {
        size_t n = 0;

        fprintf(f, "\tmap %s {\n\t\ttype uid : verdict\n", deny ? "denies" : "agents");
        for (size_t i = 0; i < s->n_targets; i++) {
                const EgressTarget *t = &s->targets[i];
                fprintf(f, "%s%u : goto ", n++ == 0 ? "\t\telements = { " : ",\n\t\t\t     ", (unsigned) t->uid);
                if (t->agent)
                        fprintf(f, "%s-%s", deny ? "deny" : "agent", t->name);
                else
                        fprintf(f, "denied-%u", (unsigned) t->uid);
        }
        for (size_t i = 0; i < s->n_aliases; i++) {
                const EgressAlias *a = &s->aliases[i];
                fprintf(f, "%s%u : goto ", n++ == 0 ? "\t\telements = { " : ",\n\t\t\t     ", (unsigned) a->uid);
                /* egress_target_deny() may have made the target a
                 * denied uid since: then its alias is refused too. */
                if (a->target && a->target->agent)
                        fprintf(f, "%s-%s", deny ? "deny" : "agent", a->target->name);
                else
                        fputs("refuse", f);
        }
        if (n > 0)
                fputs(" }\n", f);
        fputs("\t}\n", f);
}

static int render_table(FILE *f, const EgressState *s) {
        const Config *c = s->policy->config;
        int r;

        fputs("table " PADDOCK_NFT_FAMILY " " PADDOCK_NFT_TABLE " {\n", f);
        render_prefix_set(f, "metadata4", "ipv4_addr", true, &c->metadata[0].prefix, c->n_metadata, sizeof(MetadataEntry), AF_INET);
        render_prefix_set(f, "metadata6", "ipv6_addr", true, &c->metadata[0].prefix, c->n_metadata, sizeof(MetadataEntry), AF_INET6);
        render_prefix_set(f, "dns4", "ipv4_addr", false, c->dns, c->n_dns, sizeof(IPPrefix), AF_INET);
        render_prefix_set(f, "dns6", "ipv6_addr", false, c->dns, c->n_dns, sizeof(IPPrefix), AF_INET6);
        fputs("\tchain refuse {\n"
              "\t\tmeta l4proto tcp reject with tcp reset\n"
              "\t\treject with icmpx type admin-prohibited\n\t}\n", f);
        for (size_t i = 0; i < s->n_targets; i++)
                if ((r = render_agent(f, s, &s->targets[i])) < 0)
                        return r;
        render_map(f, s, true);
        /* What every agent goes through first. TCP packets that are not a
         * connection's first (SYN without ACK) belong to a connection that
         * was allowed, or that a peer opened to the agent: no conntrack is
         * needed to let them pass. Then metadata, before any allow rule,
         * and DNS to the configured resolvers only. */
        fputs("\tchain common {\n"
              "\t\ttcp flags & (syn | ack) != syn accept\n"
              "\t\tip daddr @metadata4 meta skuid vmap @denies\n"
              "\t\tip6 daddr @metadata6 meta skuid vmap @denies\n"
              "\t\tmeta l4proto { tcp, udp } th dport 53 ip daddr @dns4 accept\n"
              "\t\tmeta l4proto { tcp, udp } th dport 53 ip6 daddr @dns6 accept\n\t}\n", f);
        render_map(f, s, false);
        /* A per-task uid that is not in the map (its task ended, or it was
         * never added) may reach nothing: fail closed, not open. */
        fprintf(f, "\tchain output {\n"
                   "\t\tcomment \"" EGRESS_FORMAT " %s\"\n"
                   "\t\ttype filter hook output priority filter; policy accept;\n"
                   "\t\tmeta skuid vmap @agents\n"
                   "\t\tmeta skuid %u-%u goto refuse\n\t}\n}\n",
                s->digest, (unsigned) c->ephemeral_min, (unsigned) c->ephemeral_max);
        return 0;
}

static int finish_stream(FILE *f, char **buf, int r, char **ret) {
        if (fclose(f) != 0 && r >= 0)
                r = -ENOMEM;
        if (r < 0) {
                free(*buf);
                return r;
        }
        *ret = *buf;
        return 0;
}

int egress_render_full(const EgressState *s, char **ret) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return -ENOMEM;
        /* "add, delete, define": one transaction, whether the table exists or not. */
        fputs("table " PADDOCK_NFT_FAMILY " " PADDOCK_NFT_TABLE "\n"
              "delete table " PADDOCK_NFT_FAMILY " " PADDOCK_NFT_TABLE "\n", f);
        int r = render_table(f, s);
        return finish_stream(f, &buf, r, ret);
}

/* ---- the live table ------------------------------------------------- */

void egress_live_done(EgressLive *l) {
        strv_free(l->chains);
        *l = (EgressLive) {};
}

int egress_live_parse(const char *listing, EgressLive *ret) {
        _cleanup_free_ char *copy = strdup(listing);
        EgressLive l = {};
        char chain[64] = "";
        char *save = NULL;

        if (!copy)
                return -ENOMEM;
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char name[64], digest[17];
                unsigned uid;

                if (startswith(line, "table " PADDOCK_NFT_FAMILY " " PADDOCK_NFT_TABLE " ")) {
                        l.present = true;
                        continue;
                }
                if (sscanf(line, "\t\tcomment \"" EGRESS_FORMAT " %16[0-9a-f]\"", digest) == 1) {
                        snprintf(l.digest, sizeof l.digest, "%s", digest);
                        chain[0] = 0;
                        continue;
                }
                if (sscanf(line, "\tchain %63s {", name) == 1) {
                        snprintf(chain, sizeof chain, "%s", name);
                        continue;
                }
                if (chain[0] && sscanf(line, "\t\tcomment \"paddock uid=%u digest=%16[0-9a-f]\"", &uid, digest) == 2) {
                        if (strv_extendf(&l.chains, "%s %u %s", chain, uid, digest) < 0) {
                                egress_live_done(&l);
                                return -ENOMEM;
                        }
                        chain[0] = 0;
                }
        }
        *ret = l;
        return 0;
}

bool egress_live_find(const EgressLive *l, const char *chain, unsigned *ret_uid, char digest[static 17]) {
        STRV_FOREACH(x, l->chains) {
                char name[64];
                if (sscanf(*x, "%63s %u %16s", name, ret_uid, digest) == 3 && streq(name, chain))
                        return true;
        }
        return false;
}

void egress_target_deny(EgressTarget *t) {
        t->agent = NULL;
        t->name = (free(t->name), NULL);
        denied_digest(t->uid, t->digest);
}

static char *target_chain(const EgressTarget *t) {
        char *s;
        if ((t->agent ? asprintf(&s, "agent-%s", t->name) : asprintf(&s, "denied-%u", (unsigned) t->uid)) < 0)
                return NULL;
        return s;
}

static void render_delete(FILE *f, const char *chain) {
        const char *agent = startswith(chain, "agent-");
        fprintf(f, "flush chain " PADDOCK_NFT_FAMILY " " PADDOCK_NFT_TABLE " %1$s\n"
                   "delete chain " PADDOCK_NFT_FAMILY " " PADDOCK_NFT_TABLE " %1$s\n", chain);
        if (agent)
                fprintf(f, "flush chain " PADDOCK_NFT_FAMILY " " PADDOCK_NFT_TABLE " deny-%1$s\n"
                           "delete chain " PADDOCK_NFT_FAMILY " " PADDOCK_NFT_TABLE " deny-%1$s\n"
                           "delete set " PADDOCK_NFT_FAMILY " " PADDOCK_NFT_TABLE " allow4-%1$s\n"
                           "delete set " PADDOCK_NFT_FAMILY " " PADDOCK_NFT_TABLE " allow6-%1$s\n", agent);
}

int egress_render_update(const EgressState *s, const EgressLive *live, char **ret, char ***ret_changed) {
        _cleanup_strv_free_ char **changed = NULL, **keep = NULL;
        char *buf = NULL;
        size_t size = 0;
        int r = 0;

        if (!live->present || !streq(live->digest, s->digest)) {
                r = egress_render_full(s, ret);
                if (r >= 0 && ret_changed) {
                        for (size_t i = 0; i < s->n_targets; i++)
                                if (s->targets[i].agent)
                                        (void) strv_extendf(&changed, "agent %s", s->targets[i].name);
                        *ret_changed = TAKE_PTR(changed);
                }
                return r;
        }

        /* Two streams: what to delete, and what to define. */
        char *dels = NULL, *objs = NULL;
        size_t dels_size = 0, objs_size = 0;
        FILE *d = open_memstream(&dels, &dels_size);
        FILE *o = open_memstream(&objs, &objs_size);
        if (!d || !o) {
                if (d)
                        fclose(d);
                if (o)
                        fclose(o);
                free(dels);
                free(objs);
                return -ENOMEM;
        }

        /* Targets that are new or changed. */
        for (size_t i = 0; i < s->n_targets && r >= 0; i++) {
                const EgressTarget *t = &s->targets[i];
                _cleanup_free_ char *chain = target_chain(t);
                char digest[17];
                unsigned uid;
                if (!chain) {
                        r = -ENOMEM;
                        break;
                }
                r = strv_extend(&keep, chain);
                if (r < 0)
                        break;
                bool exists = egress_live_find(live, chain, &uid, digest);
                if (exists && streq(digest, t->digest))
                        continue;
                if (exists)
                        render_delete(d, chain);
                r = render_agent(o, s, t);
                if (r >= 0)
                        r = t->agent ? strv_extendf(&changed, "agent %s", t->name)
                                     : strv_extendf(&changed, "denied uid %u", (unsigned) t->uid);
        }
        /* Targets that are gone. */
        STRV_FOREACH(x, live->chains) {
                char name[64];
                if (r < 0 || sscanf(*x, "%63s", name) != 1 || strv_contains(keep, name))
                        continue;
                render_delete(d, name);
                r = strv_extendf(&changed, "removed %s", name);
        }
        if (fclose(d) != 0 && r >= 0)
                r = -ENOMEM;
        if (fclose(o) != 0 && r >= 0)
                r = -ENOMEM;

        if (r >= 0 && changed) {
                /* The map first (nothing may point at a chain that goes),
                 * then the deletions, then the definitions and the map. */
                FILE *f = open_memstream(&buf, &size);
                if (!f)
                        r = -ENOMEM;
                else {
                        fputs("flush map " PADDOCK_NFT_FAMILY " " PADDOCK_NFT_TABLE " agents\n"
                      "flush map " PADDOCK_NFT_FAMILY " " PADDOCK_NFT_TABLE " denies\n", f);
                        fputs(dels, f);
                        fprintf(f, "table " PADDOCK_NFT_FAMILY " " PADDOCK_NFT_TABLE " {\n%s", objs);
                        render_map(f, s, true);
                        render_map(f, s, false);
                        fputs("}\n", f);
                        r = finish_stream(f, &buf, r, ret);
                }
        } else if (r >= 0)
                *ret = NULL;
        free(dels);
        free(objs);
        if (r < 0)
                return r;
        if (ret_changed)
                *ret_changed = TAKE_PTR(changed);
        return 0;
}

int egress_render_refresh(const EgressState *s, char **ret) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        bool any = false;
        int r = 0;

        if (!f)
                return -ENOMEM;
        for (size_t i = 0; i < s->n_targets && r >= 0; i++) {
                const Agent *a = s->targets[i].agent;
                bool names = false;
                for (size_t k = 0; a && k < a->n_allow; k++)
                        names = names || a->allow[k].hostname;
                if (!names)
                        continue;
                any = true;
                for (int fam = 0; fam < 2 && r >= 0; fam++) {
                        fprintf(f, "flush set " PADDOCK_NFT_FAMILY " " PADDOCK_NFT_TABLE " allow%d-%s\n",
                                fam == 0 ? 4 : 6, a->name);
                        char *el = NULL;
                        size_t el_size = 0;
                        FILE *m = open_memstream(&el, &el_size);
                        if (!m) {
                                r = -ENOMEM;
                                break;
                        }
                        r = render_elements(m, s, a, fam == 0 ? AF_INET : AF_INET6);
                        fclose(m);
                        if (r > 0)
                                fprintf(f, "add element " PADDOCK_NFT_FAMILY " " PADDOCK_NFT_TABLE " allow%d-%s { %s }\n",
                                        fam == 0 ? 4 : 6, a->name, el);
                        free(el);
                }
        }
        r = finish_stream(f, &buf, r, ret);
        if (r >= 0 && !any) {
                free(*ret);
                *ret = NULL;
        }
        return r;
}
