/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bus-util.h"
#include "parse-util.h"
#include "sandbox-bus.h"
#include "strv.h"
#include "task-unit.h"

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"

static int append_properties(sd_bus_message *m, const Task *t, const Sandbox *s, const TaskUnitOptions *o) {
        _cleanup_strv_free_ char **env = NULL, **start = NULL, **end = NULL;
        _cleanup_free_ char *desc = NULL;
        char uid[16];
        int r;

        snprintf(uid, sizeof uid, "%u", (unsigned) t->human_uid);
        if (asprintf(&desc, "paddock task %s of agent %s for %s", t->id, t->agent, t->human ?: uid) < 0)
                return -ENOMEM;
        r = task_environment(t, &env);
        if (r < 0)
                return r;
        /* paddock-task-exec start -- CMD...; the "end" twin runs as root
         * after the task, whatever became of it. */
        if (strv_extend(&start, PADDOCK_LIBEXECDIR "/paddock-task-exec") < 0 ||
            strv_extend(&start, "start") < 0 || strv_extend(&start, "--") < 0)
                return -ENOMEM;
        STRV_FOREACH(a, t->argv)
                if (strv_extend(&start, *a) < 0)
                        return -ENOMEM;
        if (strv_extend(&end, PADDOCK_LIBEXECDIR "/paddock-task-exec") < 0 ||
            strv_extend(&end, "end") < 0 || strv_extend(&end, t->agent) < 0 ||
            strv_extend(&end, t->acct) < 0 || strv_extendf(&end, "%u", (unsigned) t->uid) < 0 ||
            strv_extend(&end, t->id) < 0 || strv_extend(&end, uid) < 0 ||
            strv_extend(&end, t->human ?: "") < 0 || strv_extend(&end, stage_to_string(t->stage)) < 0)
                return -ENOMEM;
        if (t->run_user &&
            (strv_extend(&end, t->run_user) < 0 || strv_extendf(&end, "%u", (unsigned) t->run_uid) < 0 ||
             strv_extend(&end, o->fenced ? "1" : "0") < 0))
                return -ENOMEM;

        /* AddRef: the unit stays loaded, its status and exit code readable,
         * until this connection goes. */
        r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)",
                                  "Description", "s", desc,
                                  "Type", "s", "notify",
                                  "AddRef", "b", 1,
                                  "CollectMode", "s", "inactive-or-failed");
        if (r >= 0)
                r = bus_append_strv_property(m, "Environment", env);
        if (r >= 0 && o->pipe)
                r = sd_bus_message_append(m, "(sv)(sv)(sv)",
                                          "StandardInputFileDescriptor", "h", STDIN_FILENO,
                                          "StandardOutputFileDescriptor", "h", STDOUT_FILENO,
                                          "StandardErrorFileDescriptor", "h", STDERR_FILENO);
        if (r >= 0)
                r = sandbox_bus_append(m, s);
        /* No "$" expansion: the command is the caller's, word for word. */
        if (r >= 0)
                r = bus_append_exec(m, "ExecStart", start, STRV_MAKE("no-env-expand"));
        if (r >= 0)
                r = bus_append_exec(m, "ExecStopPost", end, STRV_MAKE("privileged", "no-env-expand"));
        return r;
}

/* The unit's object path, as systemd makes it: no round trip. */
static int unit_path(const char *unit, char **ret) {
        int r = sd_bus_path_encode("/org/freedesktop/systemd1/unit", unit, ret);
        return r < 0 ? r : 0;
}

int task_unit_start(sd_bus *bus, Task *t, const Sandbox *s, const TaskUnitOptions *o, char **ret_result,
                    bool *ret_queued) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        _cleanup_free_ char *unit = task_unit_name(t->agent, t->id), *path = NULL, *status = NULL, *job = NULL;
        int r;

        *ret_queued = false;
        if (!unit)
                return -EINVAL;
        r = sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "StartTransientUnit");
        if (r >= 0)
                r = sd_bus_message_append(m, "ss", unit, "fail");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(sv)");
        if (r >= 0)
                r = append_properties(m, t, s, o);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_message_append(m, "a(sa(sv))", 0);
        if (r < 0)
                return r;
        r = bus_call_job(bus, m, &error, &job, ret_result);
        *ret_queued = job != NULL;
        if (r < 0) {
                if (sd_bus_error_is_set(&error) && ret_result && !*ret_result)
                        *ret_result = strdup(error.message ?: error.name);
                return r;
        }

        /* The session the kernel gave the task when it took the login uid. */
        r = unit_path(unit, &path);
        if (r >= 0)
                r = sd_bus_get_property_string(bus, SD_DEST, path, "org.freedesktop.systemd1.Service",
                                               "StatusText", NULL, &status);
        if (r < 0)
                return r;
        const char *n = startswith(status, TASK_STATUS_PREFIX);
        uint64_t v;
        if (n && parse_decimal(n, 0, UINT32_MAX, &v) >= 0)
                t->ses = (unsigned) v;
        return 0;
}

static int get_int(sd_bus *bus, const char *path, const char *name, int32_t *ret) {
        return sd_bus_get_property_trivial(bus, SD_DEST, path, "org.freedesktop.systemd1.Service", name, NULL, 'i', ret);
}

int task_unit_wait(sd_bus *bus, const Task *t, int *ret_exit) {
        _cleanup_(sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;
        _cleanup_free_ char *unit = task_unit_name(t->agent, t->id), *path = NULL;
        int32_t code, status;
        int r;

        if (!unit)
                return -EINVAL;
        r = unit_path(unit, &path);
        if (r < 0)
                return r;
        /* Any change of the unit wakes us; the state is read each time. */
        r = sd_bus_match_signal(bus, &slot, SD_DEST, path, "org.freedesktop.DBus.Properties",
                                "PropertiesChanged", NULL, NULL);
        if (r < 0)
                return r;
        for (;;) {
                _cleanup_free_ char *state = NULL;
                r = sd_bus_get_property_string(bus, SD_DEST, path, "org.freedesktop.systemd1.Unit",
                                               "ActiveState", NULL, &state);
                if (r < 0)
                        return r;
                if (streq(state, "inactive") || streq(state, "failed"))
                        break;
                do
                        r = sd_bus_process(bus, NULL);
                while (r > 0);
                if (r < 0)
                        return r;
                r = sd_bus_wait(bus, UINT64_MAX);
                if (r < 0)
                        return r;
        }
        r = get_int(bus, path, "ExecMainCode", &code);
        if (r >= 0)
                r = get_int(bus, path, "ExecMainStatus", &status);
        if (r < 0)
                return r;
        *ret_exit = code == CLD_EXITED ? status : 128 + status;
        return 0;
}
