/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* paddock-generator: agent-NAME.service for every agent file, at boot and at
 * every daemon-reload, so that units always follow the files. A generator
 * writes only to its output directory, logs only to stderr (the kernel log
 * or the journal), and must be fast. A broken agent file produces no unit
 * for that agent, and a clear log line; the others are unaffected. */

#include <fcntl.h>
#include <sys/stat.h>

#include "credstore.h"
#include "fileio.h"
#include "log.h"
#include "parse-util.h"
#include "path-util.h"
#include "policy.h"
#include "sandbox.h"
#include "strv.h"
#include "unit.h"

static int write_unit(const char *dest, const Agent *a, const Config *c, const char *root) {
        _cleanup_free_ char *name = agent_unit_name(a->name), *text = NULL, *path = NULL;
        _cleanup_free_ char *wants = NULL, *link = NULL, *target = NULL, *message = NULL;
        const char *why;
        int r;

        if (!name)
                return -ENOMEM;
        if (!unit_wanted(a, today_days(), &why)) {
                log_info("No unit for agent %s: %s.", a->name, why);
                return 0;
        }
        r = credstore_check(root, a->name, &message);
        if (r < 0)
                return log_error_errno(r, "No unit for agent %s: %s", a->name,
                                       message ?: "its credential store is not private");

        r = unit_render(a, c, root, &text);
        if (r < 0)
                return log_error_errno(r, "Failed to render the unit of agent %s: %m", a->name);

        path = path_join(dest, name);
        wants = path_join(dest, "multi-user.target.wants");
        if (!path || !wants)
                return -ENOMEM;
        r = write_file_atomic(path, text, strlen(text), 0644, (uid_t) -1, (gid_t) -1, 0);
        if (r < 0)
                return log_error_errno(r, "Failed to write %s: %m", path);

        /* Agents that may run start at boot. */
        if (mkdir(wants, 0755) < 0 && errno != EEXIST)
                return log_error_errno(errno, "Failed to create %s: %m", wants);
        link = path_join(wants, name);
        if (!link || asprintf(&target, "../%s", name) < 0)
                return -ENOMEM;
        if (symlink(target, link) < 0 && errno != EEXIST)
                return log_error_errno(errno, "Failed to create %s: %m", link);
        return 0;
}

static int run(const char *dest, const char *dest_early, const char *dest_late) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_strv_free_ char **errors = NULL;
        /* For tests: generate from files below another root. */
        const char *root = getenv("PADDOCK_GENERATOR_ROOT");
        int r, ret = 0;

        (void) dest_early;
        (void) dest_late;

        r = policy_load(root, &p, &errors);
        STRV_FOREACH(e, errors)
                log_error("%s (no unit for this agent)", *e);
        if (r < 0)
                return log_error_errno(r, "Failed to load the agent files; no agent units: %m");

        for (size_t i = 0; i < p->n_agents; i++)
                if (write_unit(dest, p->agents[i], p->config, root) < 0)
                        ret = -EIO;
        return ret;
}

int main(int argc, char *argv[]) {
        log_setup_generator(argv[0]);
        if (argc != 2 && argc != 4) {
                log_error("This program takes one or three arguments (generator output directories).");
                return EXIT_FAILURE;
        }
        /* Generators are run with a umask of 0022 by systemd; do not rely on it. */
        umask(0022);
        return run(argv[1], argc > 2 ? argv[2] : argv[1], argc > 3 ? argv[3] : argv[1]) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
