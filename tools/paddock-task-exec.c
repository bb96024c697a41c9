/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* paddock-task-exec: the two ends of a task inside its transient unit.
 *
 *   start -- CMD...              ExecStart=, as the agent, in the sandbox:
 *                                report the audit session that the task's
 *                                PAM session opened, execute CMD
 *   end NAME ACCT UID TASK HUMAN-UID HUMAN STAGE [RUN-USER RUN-UID FENCED]
 *                                ExecStopPost=, as root: the USER_END
 *                                record, from what systemd says of the end;
 *                                for a task's own identity, its uid out of
 *                                the fence (FENCED=1) and its registry
 *                                entry marked ended
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <libaudit.h>
#include <systemd/sd-daemon.h>

#include "audit-record.h"
#include "exit-codes.h"
#include "log.h"
#include "parse-util.h"
#include "task.h"
#include "task-ephemeral.h"
#include "task-unit.h"
#include "validate.h"

static int do_start(int argc, char *argv[]) {
        unsigned ses;
        int r;

        if (argc < 4 || !streq(argv[2], "--")) {
                log_error("Usage: %s start -- CMD...", program_invocation_short_name);
                return PADDOCK_EXIT_USAGE;
        }
        /* pam_paddock took the human's login uid before systemd entered the
         * user namespace (where it reads as unset); taking it gave us a
         * session of our own. Without one the human is missing from every
         * record: refuse rather than run the task under nobody's name. */
        r = audit_session_get(0, &ses);
        if (r < 0)
                return log_error_errno(r, "Failed to read the audit session: %m"), PADDOCK_EXIT_FAILURE;
        if (ses == SESSION_UNSET) {
                log_error("The task has no audit session: its PAM session did not take the human's login uid.");
                return PADDOCK_EXIT_FAILURE;
        }
        r = sd_notifyf(false, "READY=1\nSTATUS=" TASK_STATUS_PREFIX "%u", ses);
        if (r < 0)
                return log_error_errno(r, "Failed to notify systemd: %m"), PADDOCK_EXIT_FAILURE;
        execvp(argv[3], argv + 3);
        log_error_errno(-errno, "Failed to execute %s: %m", argv[3]);
        return errno == ENOENT ? 127 : 126;
}

static int do_end(int argc, char *argv[]) {
        _cleanup_free_ char *extra = NULL;
        uint64_t uid, human, run_uid = 0;
        const char *result = getenv("SERVICE_RESULT"), *code = getenv("EXIT_CODE"),
                   *status = getenv("EXIT_STATUS");
        int r;

        if ((argc != 9 && argc != 12) || !agent_name_is_valid(argv[2]) || !task_id_is_valid(argv[5]) ||
            parse_decimal(argv[4], 0, UINT32_MAX - 1, &uid) < 0 ||
            parse_decimal(argv[6], 0, UINT32_MAX - 1, &human) < 0 ||
            stage_from_string(argv[8]) < 0 ||
            (argc == 12 && (!user_name_is_valid(argv[9]) || parse_decimal(argv[10], 1, UINT32_MAX - 1, &run_uid) < 0 ||
                            !(streq(argv[11], "0") || streq(argv[11], "1"))))) {
                log_error("Usage: %s end NAME ACCT UID TASK HUMAN-UID HUMAN STAGE [RUN-USER RUN-UID FENCED]",
                          program_invocation_short_name);
                return PADDOCK_EXIT_USAGE;
        }
        Task t = {
                .agent = argv[2],
                .acct = argv[3],
                .uid = (uid_t) uid,
                .id = argv[5],
                .human_uid = (uid_t) human,
                .human = argv[7][0] ? argv[7] : NULL,
                .stage = stage_from_string(argv[8]),
                .ses = SESSION_UNSET,
                .run_user = argc == 12 ? argv[9] : NULL,
                .run_uid = (uid_t) run_uid,
        };
        /* EXIT_CODE is "exited", "killed" or "dumped"; EXIT_STATUS the
         * status or the signal's name. */
        r = audit_fields_add(&extra, "exit", status ?: "?");
        if (r >= 0 && code)
                r = audit_fields_add(&extra, "exit-code", code);
        if (r >= 0 && result)
                r = audit_fields_add(&extra, "result", result);
        if (r < 0)
                return log_oom(), PADDOCK_EXIT_FAILURE;
        r = task_audit(&t, AUDIT_USER_END, extra, streq_ptr(result, "success"));
        if (r < 0)
                log_error_errno(r, "Failed to send the task's end record: %m");
        if (t.run_user) {
                int k = task_ephemeral_release(NULL, t.run_uid, streq(argv[11], "1"));
                if (k < 0)
                        r = log_error_errno(k, "Failed to retire the task's identity %s: %m", t.run_user);
        }
        return r < 0 ? PADDOCK_EXIT_FAILURE : PADDOCK_EXIT_OK;
}

int main(int argc, char *argv[]) {
        log_setup(program_invocation_short_name);
        if (argc >= 2 && streq(argv[1], "start"))
                return do_start(argc, argv);
        if (argc >= 2 && streq(argv[1], "end"))
                return do_end(argc, argv);
        log_error("Usage: %s start|end ...", program_invocation_short_name);
        return PADDOCK_EXIT_USAGE;
}
