/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "conf-parser.h"
#include "fileio.h"
#include "path-util.h"
#include "policy.h"
#include "strv.h"
#include "validate.h"

Policy *policy_free(Policy *p) {
        if (!p)
                return NULL;
        for (size_t i = 0; i < p->n_agents; i++)
                agent_free(p->agents[i]);
        free(p->agents);
        config_free(p->config);
        free(p->root);
        free(p);
        return NULL;
}

char *agent_user_name(const Config *c, const char *name) {
        char *s;
        if (asprintf(&s, "%s%s", c->user_prefix, name) < 0)
                return NULL;
        return s;
}

char *agent_state_dir(const char *name) {
        return path_join(PADDOCK_AGENT_STATE_DIR, name);
}

static int cmp_agent(const void *a, const void *b) {
        return strcmp((*(Agent * const *) a)->name, (*(Agent * const *) b)->name);
}

static bool is_masked(int dir_fd, const char *name) {
        char target[16];
        ssize_t n = readlinkat(dir_fd, name, target, sizeof target - 1);
        if (n < 0)
                return false;
        target[n] = 0;
        return streq(target, "/dev/null");
}

/* Read and parse DIR/FNAME (FNAME relative to dir_fd): -EINVAL with
 * "FILE:LINE: message" in *ret_error for a file that is bad. */
static int parse_agent_at(const Config *config, int dir_fd, const char *dir, const char *fname,
                          Agent **ret, char **ret_error) {
        _cleanup_free_ char *path = path_join(dir, fname), *name = NULL, *data = NULL;
        size_t size;
        int r;

        if (!path)
                return -ENOMEM;
        name = strndup(fname, strlen(fname) - STRLEN(AGENT_FILE_SUFFIX));
        if (!name)
                return -ENOMEM;

        r = read_full_file_at(dir_fd, fname, CONF_FILE_MAX, &data, &size);
        if (r == -ENOENT)
                return r;
        if (r == -EFBIG)
                return asprintf(ret_error, "%s:1: file is larger than %u bytes", path, CONF_FILE_MAX) < 0 ?
                        -ENOMEM : -EINVAL;
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return asprintf(ret_error, "%s:1: cannot read: %s", path, strerror(-r)) < 0 ? -ENOMEM : -EINVAL;

        r = agent_parse_buffer(config, name, path, data, size, ret, ret_error);
        if (r < 0 && r != -ENOMEM && !*ret_error)
                *ret_error = TAKE_PTR(path);
        return r == -ENOMEM ? r : r < 0 ? -EINVAL : 0;
}

static int load_one(Policy *p, int dir_fd, const char *dir, const char *fname, char ***errors) {
        _cleanup_(agent_freep) Agent *a = NULL;
        _cleanup_free_ char *error = NULL;
        int r;

        r = parse_agent_at(p->config, dir_fd, dir, fname, &a, &error);
        if (r == -EINVAL)
                return strv_consume(errors, TAKE_PTR(error));
        if (r == -ENOENT)       /* removed since the directory was read */
                return 0;
        if (r < 0)
                return r;

        Agent **n = reallocarray(p->agents, p->n_agents + 1, sizeof(Agent *));
        if (!n)
                return -ENOMEM;
        p->agents = n;
        n[p->n_agents++] = TAKE_PTR(a);
        return 0;
}

int agent_load(const char *root, const Config *config, const char *name, Agent **ret, char **ret_error) {
        _cleanup_free_ char *dir = NULL, *fname = NULL;
        _cleanup_close_ int dir_fd = -EBADF;

        if (!agent_name_is_valid(name))
                return -EINVAL;
        dir = path_join_root(root, PADDOCK_AGENTS_DIR);
        if (!dir || asprintf(&fname, "%s%s", name, AGENT_FILE_SUFFIX) < 0)
                return -ENOMEM;
        dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir_fd < 0)
                return -errno;
        if (is_masked(dir_fd, fname))
                return -ENOENT;
        return parse_agent_at(config, dir_fd, dir, fname, ret, ret_error);
}

int policy_load(const char *root, Policy **ret, char ***ret_errors) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_strv_free_ char **errors = NULL;
        _cleanup_free_ char *dir = NULL, *error = NULL;
        _cleanup_close_ int dir_fd = -EBADF;
        DIR *d;
        int r;

        p = calloc(1, sizeof(Policy));
        if (!p)
                return -ENOMEM;
        if (root && !streq(root, "/")) {
                p->root = strdup(root);
                if (!p->root)
                        return -ENOMEM;
        }

        r = config_load(root, &p->config, &error);
        if (r < 0) {
                if (error)
                        (void) strv_consume(&errors, TAKE_PTR(error));
                else {
                        _cleanup_free_ char *cp = path_join_root(root, PADDOCK_CONF);
                        (void) strv_extendf(&errors, "%s:1: cannot read: %s", strna(cp), strerror(-r));
                }
                *ret_errors = TAKE_PTR(errors);
                return r == -ENOMEM ? r : -EINVAL;
        }

        dir = path_join_root(root, PADDOCK_AGENTS_DIR);
        if (!dir)
                return -ENOMEM;
        dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir_fd < 0 && errno != ENOENT)
                return -errno;

        if (dir_fd >= 0) {
                int fd2 = fcntl(dir_fd, F_DUPFD_CLOEXEC, 3);
                if (fd2 < 0)
                        return -errno;
                d = fdopendir(fd2);
                if (!d) {
                        safe_close(fd2);
                        return -errno;
                }
                _cleanup_strv_free_ char **files = NULL;
                for (struct dirent *de; (errno = 0, de = readdir(d));) {
                        if (de->d_name[0] == '.' || !endswith(de->d_name, AGENT_FILE_SUFFIX))
                                continue;
                        if ((de->d_type == DT_LNK || de->d_type == DT_UNKNOWN) && is_masked(dir_fd, de->d_name))
                                continue;
                        r = strv_extend(&files, de->d_name);
                        if (r < 0) {
                                closedir(d);
                                return r;
                        }
                }
                r = errno > 0 ? -errno : 0;
                closedir(d);
                if (r < 0)
                        return r;

                strv_sort(files);
                STRV_FOREACH(f, files) {
                        r = load_one(p, dir_fd, dir, *f, &errors);
                        if (r < 0)
                                return r;
                }
        }

        if (p->n_agents > 1)
                qsort(p->agents, p->n_agents, sizeof(Agent *), cmp_agent);

        *ret_errors = TAKE_PTR(errors);
        *ret = TAKE_PTR(p);
        return 0;
}

static int cmp_name_agent(const void *key, const void *a) {
        return strcmp(key, (*(Agent * const *) a)->name);
}

const Agent *policy_find_agent(const Policy *p, const char *name) {
        Agent **a = p->n_agents > 0 ? bsearch(name, p->agents, p->n_agents, sizeof(Agent *), cmp_name_agent) : NULL;
        return a ? *a : NULL;
}
