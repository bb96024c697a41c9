/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A cgroup of its own for a task started without systemd: below the
 * caller's own cgroup, in the unified hierarchy, or else in the v1 pids
 * hierarchy, where TasksMax= becomes pids.max. */

#include <stdint.h>
#include <sys/types.h>

/* Create cgroup NAME below our own and move pid into it; pids.max set to
 * tasks_max where the pids controller is there. Returns the directory in
 * *ret_path, or -EOPNOTSUPP (and others) where no cgroup can be made. */
int cgroup_task_create(const char *name, pid_t pid, uint64_t tasks_max, char **ret_path);

/* Kill what is left in the cgroup (what the task left running) and
 * remove it. */
int cgroup_task_remove(const char *path);
