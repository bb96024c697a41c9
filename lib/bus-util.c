/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <systemd/sd-daemon.h>

#include "bus-util.h"

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"

bool bus_systemd_running(void) {
        return sd_booted() > 0;
}

int bus_open_system(sd_bus **ret) {
        return sd_bus_open_system(ret);
}

int bus_daemon_reload(sd_bus *bus) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        /* Reload can take long on a busy system; systemctl waits too. */
        r = sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "Reload", &error, NULL, NULL);
        return r < 0 ? r : 0;
}

typedef struct JobWait {
        const char *path;
        char *result;
        bool done;
} JobWait;

/* Process bus messages until w is done; 0 when the job's result is
 * "done", -EIO otherwise, the result in *ret_result. */
static int job_wait(sd_bus *bus, JobWait *w, char **ret_result) {
        int r;

        while (!w->done) {
                r = sd_bus_process(bus, NULL);
                if (r < 0)
                        return r;
                if (r > 0)
                        continue;
                r = sd_bus_wait(bus, UINT64_MAX);
                if (r < 0)
                        return r;
        }
        r = w->result && streq(w->result, "done") ? 0 : -EIO;
        if (ret_result)
                *ret_result = w->result;
        else
                free(w->result);
        w->result = NULL;
        return r;
}

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        JobWait *w = userdata;
        const char *path, *unit, *result;
        uint32_t id;

        (void) ret_error;
        if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
                return 0;
        if (!streq(path, w->path))
                return 0;
        w->result = strdup(result);
        w->done = true;
        return 0;
}

int bus_wait_for_job(sd_bus *bus, const char *job_path, char **ret_result) {
        _cleanup_(sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;
        JobWait w = { .path = job_path };
        int r;

        r = sd_bus_match_signal(bus, &slot, SD_DEST, SD_PATH, SD_MANAGER, "JobRemoved", on_job_removed, &w);
        if (r < 0)
                return r;

        /* The job may be gone already: then its object no longer exists. */
        {
                _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
                _cleanup_free_ char *state = NULL;
                r = sd_bus_get_property_string(bus, SD_DEST, job_path, "org.freedesktop.systemd1.Job", "State",
                                               &error, &state);
                if (r < 0 && sd_bus_error_has_name(&error, "org.freedesktop.DBus.Error.UnknownObject")) {
                        if (ret_result)
                                *ret_result = strdup("done");
                        return 0;
                }
        }

        return job_wait(bus, &w, ret_result);
}

int bus_call_job(sd_bus *bus, sd_bus_message *m, sd_bus_error *error, char **ret_job, char **ret_result) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;
        JobWait w = {};
        const char *path;
        int r;

        /* Subscribe first, so that the job's end cannot be missed. */
        (void) sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "Subscribe", NULL, NULL, NULL);
        r = sd_bus_match_signal(bus, &slot, SD_DEST, SD_PATH, SD_MANAGER, "JobRemoved", on_job_removed, &w);
        if (r < 0)
                return r;
        r = sd_bus_call(bus, m, 0, error, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_read(reply, "o", &path);
        if (r < 0)
                return r;
        if (ret_job && !(*ret_job = strdup(path)))
                return -ENOMEM;
        w.path = path;
        return job_wait(bus, &w, ret_result);
}

int bus_unit_job(sd_bus *bus, const char *method, const char *unit, char **ret_result) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER, method);
        if (r < 0)
                return r;
        r = sd_bus_message_append(m, "ss", unit, "replace");
        if (r < 0)
                return r;
        r = bus_call_job(bus, m, &error, NULL, ret_result);
        if (r < 0 && (sd_bus_error_has_name(&error, "org.freedesktop.systemd1.NoSuchUnit") ||
                      sd_bus_error_has_name(&error, "org.freedesktop.systemd1.LoadFailed")))
                return -ENOENT;
        return r;
}

int bus_unit_active_state(sd_bus *bus, const char *unit, char **ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *path;
        int r;

        r = sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "LoadUnit", &error, &reply, "s", unit);
        if (r < 0)
                return r;
        r = sd_bus_message_read(reply, "o", &path);
        if (r < 0)
                return r;
        return sd_bus_get_property_string(bus, SD_DEST, path, "org.freedesktop.systemd1.Unit", "ActiveState",
                                          NULL, ret);
}
