/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Running a task as a transient service of systemd, with the agent's
 * sandbox as its properties. Inside the unit, paddock-task-exec takes the
 * human's login uid (allowed while it is unset, as it is for every
 * service), reports the audit session the kernel gave it and executes the
 * command; its ExecStopPost= twin records the end. */

#include <stdbool.h>

#include <systemd/sd-bus.h>

#include "sandbox.h"
#include "task.h"

typedef struct TaskUnitOptions {
        bool pipe;              /* our stdin, stdout and stderr are the task's */
        bool wait;              /* the unit stays until we have read how it ended */
        bool fenced;            /* the task's own identity joined the egress fence */
} TaskUnitOptions;

/* Start the unit and wait for its start job. On success t->ses holds the
 * task's audit session. On failure *ret_result is the job's result.
 * *ret_queued: systemd took the unit (its ExecStopPost= will run). */
int task_unit_start(sd_bus *bus, Task *t, const Sandbox *s, const TaskUnitOptions *o, char **ret_result,
                    bool *ret_queued);

/* Follow the unit until it is inactive or failed; its exit status (or
 * 128+signal) in *ret_exit. */
int task_unit_wait(sd_bus *bus, const Task *t, int *ret_exit);

/* "paddock task session N", the STATUS= paddock-task-exec sends. */
#define TASK_STATUS_PREFIX "paddock task session "
