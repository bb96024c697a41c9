/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* paddock: "paddock VERB ARGS..." runs paddock-VERB ARGS...; "paddock
 * apply" runs the apply of every layer that is installed, in order. */

#include <limits.h>
#include <sys/wait.h>

#include "exit-codes.h"
#include "log.h"
#include "tool-util.h"

/* The order in which layers are applied: identities first (everything else
 * is keyed by their uids), the egress fence before the units that start
 * agents, audit rules last. */
static const char * const layers[] = { "users", "egress", "units", "audit" };

static void help(void) {
        printf("%s [--help|--version] VERB [ARGS...]\n\n"
               "Fence AI agents with users, units, nftables and audit.\n\n"
               "Verbs:\n"
               "  apply [OPTIONS] [NAME...]   Apply every layer: users, egress, units, audit\n"
               "  users|units|egress|audit|run|verify ...\n"
               "                              Run paddock-VERB with the remaining arguments\n\n"
               "See paddock(8).\n",
               program_invocation_short_name);
}

static bool verb_is_valid(const char *v) {
        if (!*v || strlen(v) > 32)
                return false;
        for (const char *p = v; *p; p++)
                if (*p < 'a' || *p > 'z')
                        return false;
        return true;
}

/* The layer tools live next to this binary (installed or in the build
 * tree), or in the compiled-in directory. */
static int tool_path(const char *verb, char **ret) {
        char self[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

        if (n > 0) {
                self[n] = 0;
                char *slash = strrchr(self, '/');
                if (slash) {
                        *slash = 0;
                        if (asprintf(ret, "%s/paddock-%s", self, verb) < 0)
                                return -ENOMEM;
                        if (access(*ret, X_OK) == 0)
                                return 0;
                        free(*ret);
                }
        }
        if (asprintf(ret, "%s/paddock-%s", PADDOCK_TOOLDIR, verb) < 0)
                return -ENOMEM;
        return access(*ret, X_OK) == 0 ? 0 : -errno;
}

static int run_layer(const char *path, int argc, char *argv[]) {
        _cleanup_free_ char **args = calloc(argc + 3, sizeof(char *));  /* path, "apply", args, NULL */
        pid_t pid;
        int status;

        if (!args)
                return log_oom();
        args[0] = (char *) path;
        args[1] = (char *) "apply";
        for (int i = 0; i < argc; i++)
                args[i + 2] = argv[i];

        fflush(stdout);
        pid = fork();
        if (pid < 0)
                return log_error_errno(errno, "Failed to fork: %m");
        if (pid == 0) {
                execv(path, args);
                log_error_errno(errno, "Failed to execute %s: %m", path);
                _exit(PADDOCK_EXIT_FAILURE);
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return log_error_errno(errno, "Failed to wait for %s: %m", path);
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        log_error("%s died of signal %d.", path, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
        return PADDOCK_EXIT_FAILURE;
}

static int apply_all(int argc, char *argv[]) {
        for (size_t i = 0; i < ELEMENTSOF(layers); i++) {
                _cleanup_free_ char *path = NULL;

                if (tool_path(layers[i], &path) < 0)
                        continue;               /* layer not installed */
                int r = run_layer(path, argc, argv);
                if (r != PADDOCK_EXIT_OK)
                        return r;
        }
        return PADDOCK_EXIT_OK;
}

int main(int argc, char *argv[]) {
        _cleanup_free_ char *path = NULL;

        log_setup(argv[0]);
        if (argc < 2) {
                help();
                return PADDOCK_EXIT_USAGE;
        }
        if (streq(argv[1], "-h") || streq(argv[1], "--help")) {
                help();
                return PADDOCK_EXIT_OK;
        }
        if (streq(argv[1], "--version"))
                return tool_version();
        if (streq(argv[1], "apply"))
                return apply_all(argc - 2, argv + 2);

        if (!verb_is_valid(argv[1])) {
                log_error("Invalid verb \"%s\"; see --help.", argv[1][0] == '-' ? argv[1] : "(not [a-z]+)");
                return PADDOCK_EXIT_USAGE;
        }
        if (tool_path(argv[1], &path) < 0) {
                log_error("Unknown verb \"%s\": paddock-%s is not installed.", argv[1], argv[1]);
                return PADDOCK_EXIT_USAGE;
        }
        argv[1] = path;
        execv(path, argv + 1);
        log_error_errno(errno, "Failed to execute %s: %m", path);
        return PADDOCK_EXIT_FAILURE;
}
