/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What a name, path or free-text value may contain before it is allowed
 * anywhere near passwd, unit or nft syntax. All checks are allow-lists. */

#include <stdbool.h>
#include <stddef.h>

#define AGENT_NAME_MAX 26
#define USER_PREFIX_MAX 6
#define USER_NAME_MAX 32             /* UT_NAMESIZE, and what audit records keep */
#define TASK_ID_MAX 64
#define DESCRIPTION_MAX 256
#define HOSTNAME_MAX 253
#define CREDENTIAL_NAME_MAX 64

/* [a-z][a-z0-9-]{0,25}, and not reserved */
bool agent_name_is_valid(const char *s);
/* "config", "agents": their audit keys are paddock's own */
bool agent_name_is_reserved(const char *s);
/* [a-z][a-z0-9-]{0,5}, empty allowed */
bool user_prefix_is_valid(const char *s);
/* A human's login name: [a-z_][a-z0-9_.-]{0,31}, not all digits. */
bool user_name_is_valid(const char *s);
/* [A-Za-z0-9][A-Za-z0-9_.-]{0,63}, not ending in ".cred" */
bool credential_name_is_valid(const char *s);
/* [A-Za-z0-9][A-Za-z0-9_-]{0,63}: a task id (it reaches unit names and
 * audit records) */
bool task_id_is_valid(const char *s);
/* [a-z0-9][a-z0-9_.-]{0,63}: a PAM service name */
bool pam_service_is_valid(const char *s);

/* Absolute, normalized (no "//", ".", "..", trailing "/"), made of
 * [A-Za-z0-9._+@,=~-] components of at most 255 bytes. */
bool path_is_safe_absolute(const char *s);
bool path_startswith_dir(const char *path, const char *dir);

/* RFC 1123 host name; also rejects dotted-decimal look-alikes so that a
 * malformed IPv4 address is never mistaken for a name. Normalizes to lower
 * case in place and strips one trailing dot. */
bool hostname_normalize(char *s);

/* Valid UTF-8, no control characters (C0, DEL, C1), none of the bytes in
 * `reject`. */
bool text_is_printable(const char *s, const char *reject);

/* Does s hold a "#" or ";" after whitespace, the mark of an attempted
 * trailing comment? Used only to explain why a value was rejected. */
bool text_has_trailing_comment(const char *s);
