/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ephemeral.h"
#include "fileio.h"
#include "fs-util.h"
#include "nft.h"
#include "parse-util.h"
#include "path-util.h"
#include "task-ephemeral.h"

int task_ephemeral_lock(const char *root, int *ret_fd) {
        _cleanup_free_ char *dir = path_join_root(root, PADDOCK_RUNTIME_DIR), *lock = NULL;
        int r;

        if (!dir || !(lock = path_join(dir, ".ephemeral.lock")))
                return -ENOMEM;
        r = mkdir_parents(dir, 0755);
        if (r < 0)
                return r;
        int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return -errno;
        if (flock(fd, LOCK_EX) < 0) {
                r = -errno;
                close(fd);
                return r;
        }
        *ret_fd = fd;
        return 0;
}

static int registry_save(const char *path, EphemeralRegistry *reg, const Config *c) {
        _cleanup_free_ char *data = NULL;
        size_t size;
        int r;

        ephemeral_registry_prune(reg, (uint64_t) time(NULL), c->ephemeral_retention_sec);
        r = ephemeral_registry_format(reg, &data, &size);
        if (r < 0)
                return r;
        /* /run is memory: a crash loses it, and the counter keeps the uids. */
        return write_file_atomic(path, data, size, 0644, (uid_t) -1, (gid_t) -1, 0);
}

int task_ephemeral_acquire(const char *root, const Config *c, const char *agent, const char *task, gid_t agent_gid,
                           bool (*in_use)(uid_t uid), bool (*name_taken)(const char *name),
                           uid_t *ret_uid, char **ret_name) {
        _cleanup_free_ char *reg_path = path_join_root(root, EPHEMERAL_REGISTRY);
        _cleanup_free_ char *last_path = path_join_root(root, EPHEMERAL_LAST), *last = NULL, *name = NULL;
        _cleanup_free_ char *state = path_join_root(root, PADDOCK_STATE_DIR);
        _cleanup_close_ int lock = -EBADF;
        EphemeralRegistry reg = {};
        uint64_t v, next = c->ephemeral_min;
        char buf[16];
        int r;

        if (!reg_path || !last_path || !state)
                return -ENOMEM;
        r = task_ephemeral_lock(root, &lock);
        if (r < 0)
                return r;
        r = read_full_file(last_path, 64, &last, NULL);
        if (r >= 0) {
                last[strcspn(last, "\n")] = 0;
                r = parse_decimal(last, 0, UINT32_MAX, &v);
                if (r < 0)
                        return -EBADMSG;
                if (v >= next)
                        next = v + 1;
        } else if (r != -ENOENT)
                return r;

        r = ephemeral_registry_load(root, &reg);
        if (r < 0)
                return r;
        for (; next <= c->ephemeral_max; next++) {
                bool taken = in_use && in_use((uid_t) next);
                for (size_t i = 0; !taken && i < reg.n; i++)
                        taken = reg.entries[i].uid == (uid_t) next;
                if (!taken)
                        break;
        }
        if (next > c->ephemeral_max) {
                r = -ENOSPC;
                goto finish;
        }
        /* The counter first, synced: a uid it has passed is never given
         * again, whatever happens next. */
        snprintf(buf, sizeof buf, "%u\n", (unsigned) next);
        r = mkdir_parents(state, 0755);
        if (r >= 0)
                r = write_file_atomic(last_path, buf, strlen(buf), 0644, (uid_t) -1, (gid_t) -1, WRITE_SYNC);
        if (r >= 0)
                r = ephemeral_name(&reg, c->user_prefix, agent, task, (uid_t) next, c->ephemeral_min, name_taken, &name);
        if (r >= 0)
                r = ephemeral_registry_add(&reg, (uid_t) next, agent_gid, name, agent, task);
        if (r >= 0)
                r = registry_save(reg_path, &reg, c);
        if (r >= 0) {
                *ret_uid = (uid_t) next;
                *ret_name = TAKE_PTR(name);
        }
finish:
        ephemeral_registry_done(&reg);
        return r;
}

int task_ephemeral_end(const char *root, const Config *c, uid_t uid) {
        _cleanup_free_ char *reg_path = path_join_root(root, EPHEMERAL_REGISTRY);
        _cleanup_close_ int lock = -EBADF;
        EphemeralRegistry reg = {};
        int r;

        if (!reg_path)
                return -ENOMEM;
        r = task_ephemeral_lock(root, &lock);
        if (r < 0)
                return r;
        r = ephemeral_registry_load(root, &reg);
        if (r >= 0)
                r = ephemeral_registry_end(&reg, uid, (uint64_t) time(NULL));
        if (r >= 0)
                r = registry_save(reg_path, &reg, c);
        ephemeral_registry_done(&reg);
        return r;
}

/* One nftables transaction, under the registry's lock (which paddock-egress
 * holds while it rebuilds the maps); when agent is set, only into a loaded
 * fence. */
static int fence_run(const char *root, const char *agent, const char *cmd) {
        _cleanup_(nft_closep) NftContext *n = NULL;
        _cleanup_free_ char *out = NULL, *err = NULL;
        _cleanup_close_ int lock = -EBADF;
        int r;

        r = task_ephemeral_lock(root, &lock);
        if (r >= 0)
                r = nft_open(&n);
        if (r >= 0 && agent) {
                r = nft_fence_loaded(n, agent);
                if (r == 0)
                        r = -ENOENT;
        }
        return r < 0 ? r : nft_run(n, cmd, false, &out, &err);
}

int task_ephemeral_fence_join(const char *root, uid_t uid, const char *agent) {
        _cleanup_free_ char *cmd = NULL;
        if (asprintf(&cmd,
                     "add element " PADDOCK_NFT_FAMILY " " PADDOCK_NFT_TABLE " agents { %u : goto agent-%s }\n"
                     "add element " PADDOCK_NFT_FAMILY " " PADDOCK_NFT_TABLE " denies { %u : goto deny-%s }\n",
                     (unsigned) uid, agent, (unsigned) uid, agent) < 0)
                return -ENOMEM;
        return fence_run(root, agent, cmd);
}

int task_ephemeral_fence_leave(const char *root, uid_t uid) {
        _cleanup_free_ char *cmd = NULL;
        if (asprintf(&cmd,
                     "delete element " PADDOCK_NFT_FAMILY " " PADDOCK_NFT_TABLE " agents { %u }\n"
                     "delete element " PADDOCK_NFT_FAMILY " " PADDOCK_NFT_TABLE " denies { %u }\n",
                     (unsigned) uid, (unsigned) uid) < 0)
                return -ENOMEM;
        return fence_run(root, NULL, cmd);
}

int task_ephemeral_release(const char *root, uid_t uid, bool fenced) {
        _cleanup_(config_freep) Config *c = NULL;
        _cleanup_free_ char *error = NULL;
        int r = 0, k;

        /* Ended first: a fence rebuilt in between then refuses the uid
         * rather than putting it back. */
        r = config_load(root, &c, &error);
        if (r >= 0)
                r = task_ephemeral_end(root, c, uid);
        if (fenced) {
                k = task_ephemeral_fence_leave(root, uid);
                if (r >= 0)
                        r = k;
        }
        return r;
}
