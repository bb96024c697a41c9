/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Running a task where systemd does not: fork, a cgroup of its own if one
 * can be made, the sandbox's namespaces, limits and confinement set by
 * hand, then exec. Any step that fails stops the task before it runs. */

#include "sandbox.h"
#include "task.h"

typedef struct TaskDirectResult {
        const char *failed_step;        /* the step that failed, when one did */
        int error;                      /* its -errno */
        int status;                     /* wait status of the task, once it ran */
} TaskDirectResult;

/* Start the task and return once it runs (the exec succeeded: 0) or did
 * not (negative errno, result->failed_step says where); *ret_pid is the
 * task. */
int task_direct_start(const Task *t, const Sandbox *s, pid_t *ret_pid, char **ret_cgroup, TaskDirectResult *result);

/* Wait for the task, passing on SIGINT, SIGTERM, SIGHUP and SIGQUIT to
 * it; then kill what it left in its cgroup and remove that. */
int task_direct_wait(pid_t pid, const char *cgroup, TaskDirectResult *result);
