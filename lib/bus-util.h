/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The little of systemd's D-Bus API paddock uses, through sd-bus. */

#include <stdbool.h>

#include <systemd/sd-bus.h>

#include "macro.h"

/* Is this host running systemd as its init (sd_booted())? */
bool bus_systemd_running(void);

int bus_open_system(sd_bus **ret);
int bus_daemon_reload(sd_bus *bus);

/* Call a job method of the manager (StartUnit, StopUnit, RestartUnit,
 * TryRestartUnit) on unit with mode "replace" and wait for the job to
 * finish. Returns 0 when its result is "done", -ENOENT for a unit that
 * does not exist, and another negative errno (with the job's result in
 * *ret_result, if not NULL) otherwise. */
int bus_unit_job(sd_bus *bus, const char *method, const char *unit, char **ret_result);

/* Call m, a manager method that returns a job (StartUnit,
 * StartTransientUnit...), and wait for the job to finish: 0 when its
 * result is "done", -EIO with the result in *ret_result otherwise. The
 * job's object path in *ret_job, if not NULL. */
int bus_call_job(sd_bus *bus, sd_bus_message *m, sd_bus_error *error, char **ret_job, char **ret_result);

/* Wait for the job at job_path to be removed; its result in *ret_result. */
int bus_wait_for_job(sd_bus *bus, const char *job_path, char **ret_result);

/* ActiveState of a unit ("active", "failed", ...). */
int bus_unit_active_state(sd_bus *bus, const char *unit, char **ret);
