/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <arpa/inet.h>
#include <netdb.h>
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <resolv.h>
#include <sys/socket.h>

#include "macro.h"
#include "resolve.h"

void resolved_host_done(ResolvedHost *h) {
        free(h->name);
        free(h->addrs);
        *h = (ResolvedHost) {};
}

int dns_answer_parse(const uint8_t *answer, size_t size, int family, IPPrefix **addrs, size_t *n, uint32_t *min_ttl) {
        ns_msg msg;
        unsigned want = family == AF_INET ? ns_t_a : ns_t_aaaa;
        size_t len = family == AF_INET ? 4 : 16;

        if (size > 65535 || ns_initparse(answer, (int) size, &msg) < 0)
                return -EBADMSG;
        for (int i = 0; i < ns_msg_count(msg, ns_s_an); i++) {
                ns_rr rr;
                if (ns_parserr(&msg, ns_s_an, i, &rr) < 0)
                        return -EBADMSG;
                if (ns_rr_class(rr) != ns_c_in || (unsigned) ns_rr_type(rr) != want || (size_t) ns_rr_rdlen(rr) != len)
                        continue;       /* CNAMEs and whatever else lead here */
                IPPrefix p = { .family = family, .prefixlen = (unsigned) len * 8 };
                memcpy(p.addr.bytes, ns_rr_rdata(rr), len);

                bool dup = false;
                for (size_t k = 0; k < *n; k++)
                        dup = dup || ip_prefix_compare(&(*addrs)[k], &p) == 0;
                if (!dup) {
                        IPPrefix *x = reallocarray(*addrs, *n + 1, sizeof(IPPrefix));
                        if (!x)
                                return -ENOMEM;
                        *addrs = x;
                        x[(*n)++] = p;
                }
                if (*min_ttl == 0 || ns_rr_ttl(rr) < *min_ttl)
                        *min_ttl = ns_rr_ttl(rr);
        }
        return 0;
}

int resolve_host(const char *name, const IPPrefix *servers, size_t n_servers, ResolvedHost *ret) {
        struct __res_state st = {};
        ResolvedHost h = {};
        uint8_t answer[65536];
        int r;

        h.name = strdup(name);
        if (!h.name)
                return -ENOMEM;
        if (res_ninit(&st) < 0) {
                free(h.name);
                return -EIO;
        }
        /* Ask the configured resolvers, not whatever else resolv.conf says. */
        int k = 0;
        for (size_t i = 0; i < n_servers && k < MAXNS; i++) {
                if (servers[i].family != AF_INET)
                        continue;
                st.nsaddr_list[k] = (struct sockaddr_in) {
                        .sin_family = AF_INET,
                        .sin_port = htons(NAMESERVER_PORT),
                        .sin_addr = servers[i].addr.in,
                };
                k++;
        }
        if (k > 0)
                st.nscount = k;
        st.retrans = 2;
        st.retry = 2;

        bool answered = false;
        for (int f = 0; f < 2; f++) {
                int family = f == 0 ? AF_INET : AF_INET6;
                int n = res_nquery(&st, name, ns_c_in, family == AF_INET ? ns_t_a : ns_t_aaaa, answer, sizeof answer);
                if (n < 0) {
                        /* NXDOMAIN and NODATA are answers ("no"); a timeout is not. */
                        if (st.res_h_errno == HOST_NOT_FOUND || st.res_h_errno == NO_DATA)
                                answered = true;
                        continue;
                }
                answered = true;
                r = dns_answer_parse(answer, (size_t) n, family, &h.addrs, &h.n_addrs, &h.ttl);
                if (r == -ENOMEM) {
                        res_nclose(&st);
                        resolved_host_done(&h);
                        return r;
                }
        }
        res_nclose(&st);

        if (h.n_addrs == 0)
                h.error = answered ? -ENOENT : -EHOSTUNREACH;
        *ret = h;
        return 0;
}
