/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* libnss_paddock's entry points, called directly: buffers too small,
 * errno, a corrupt registry, many threads at once. Run by tests/root/nss.sh
 * in a mount namespace where /run/paddock/ephemeral is the test's. */

#include <dlfcn.h>
#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <pthread.h>
#include <pwd.h>

#include "tap.h"

typedef enum nss_status (*getpwuid_fn)(uid_t, struct passwd *, char *, size_t, int *);
typedef enum nss_status (*getpwnam_fn)(const char *, struct passwd *, char *, size_t, int *);
typedef enum nss_status (*getgrgid_fn)(gid_t, struct group *, char *, size_t, int *);
static getpwuid_fn pwuid;
static getpwnam_fn pwnam;
static getgrgid_fn grgid;

#define UID1 1879048192u

static void *hammer(void *arg) {
        (void) arg;
        for (int i = 0; i < 2000; i++) {
                struct passwd pw;
                char buf[512];
                int e = 0;
                if (pwuid(UID1, &pw, buf, sizeof buf, &e) != NSS_STATUS_SUCCESS || pw.pw_uid != UID1 ||
                    strcmp(pw.pw_name, "agent-a-t1") != 0)
                        return (void *) 1;
        }
        return NULL;
}

int main(int argc, char *argv[]) {
        if (argc != 3) {
                fprintf(stderr, "usage: %s MODULE good|corrupt\n", argv[0]);
                return 2;
        }
        void *dl = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
        assert_se(dl);
        pwuid = (getpwuid_fn) dlsym(dl, "_nss_paddock_getpwuid_r");
        pwnam = (getpwnam_fn) dlsym(dl, "_nss_paddock_getpwnam_r");
        grgid = (getgrgid_fn) dlsym(dl, "_nss_paddock_getgrgid_r");
        assert_se(pwuid && pwnam && grgid);
        ASSERT_TRUE(!dlsym(dl, "ephemeral_find"));      /* only _nss_paddock_* exported */

        struct passwd pw;
        struct group gr;
        char buf[1024];
        int e = 0;

        if (strcmp(argv[2], "corrupt") == 0) {
                ASSERT_EQ(pwuid(UID1, &pw, buf, sizeof buf, &e), NSS_STATUS_UNAVAIL);
                ASSERT_EQ(pwnam("agent-a-t1", &pw, buf, sizeof buf, &e), NSS_STATUS_UNAVAIL);
                ASSERT_EQ(grgid(UID1, &gr, buf, sizeof buf, &e), NSS_STATUS_UNAVAIL);
                return tap_finish();
        }

        errno = 4242;
        ASSERT_EQ(pwuid(UID1, &pw, buf, sizeof buf, &e), NSS_STATUS_SUCCESS);
        ASSERT_EQ(errno, 4242);
        ASSERT_STREQ(pw.pw_name, "agent-a-t1");
        ASSERT_EQ(pw.pw_gid, UID1);
        ASSERT_STREQ(pw.pw_shell, "/usr/sbin/nologin");
        ASSERT_EQ(pwuid(UID1 + 5, &pw, buf, sizeof buf, &e), NSS_STATUS_NOTFOUND);
        ASSERT_EQ(pwnam("root", &pw, buf, sizeof buf, &e), NSS_STATUS_NOTFOUND);
        ASSERT_EQ(pwnam("agent-a-t", &pw, buf, sizeof buf, &e), NSS_STATUS_NOTFOUND);

        /* Every buffer size short of enough: ERANGE and TRYAGAIN, no write
         * past the end (the guard bytes stay). */
        size_t need = 0;
        for (size_t n = 0; n < 200; n++) {
                char small[256];
                memset(small, 0x5a, sizeof small);
                e = 0;
                enum nss_status s = pwuid(UID1, &pw, small, n, &e);
                if (s == NSS_STATUS_SUCCESS) {
                        need = n;
                        break;
                }
                if (s != NSS_STATUS_TRYAGAIN || e != ERANGE || small[n] != 0x5a) {
                        TAP_RESULT(false, "a short buffer gives ERANGE/TRYAGAIN and stays in bounds", NULL);
                        need = SIZE_MAX;
                        break;
                }
        }
        TAP_RESULT(need > 0 && need < 200, "a short buffer gives ERANGE/TRYAGAIN and stays in bounds", NULL);
        for (size_t n = 0; n < 64; n++) {
                char small[96];
                e = 0;
                enum nss_status s = grgid(UID1, &gr, small + 1, n, &e);  /* misaligned on purpose */
                if (s == NSS_STATUS_SUCCESS) {
                        ASSERT_STREQ(gr.gr_name, "agent-a-t1");
                        ASSERT_TRUE(gr.gr_mem && !gr.gr_mem[0]);
                        break;
                }
                if (s != NSS_STATUS_TRYAGAIN || e != ERANGE) {
                        TAP_RESULT(false, "group: a short buffer gives ERANGE/TRYAGAIN", NULL);
                        break;
                }
        }

        pthread_t t[8];
        for (int i = 0; i < 8; i++)
                assert_se(pthread_create(&t[i], NULL, hammer, NULL) == 0);
        bool ok = true;
        for (int i = 0; i < 8; i++) {
                void *r;
                pthread_join(t[i], &r);
                ok = ok && !r;
        }
        TAP_RESULT(ok, "8 threads x 2000 lookups: every answer right", NULL);
        return tap_finish();
}
