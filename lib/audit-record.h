/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* User-space audit records, one API for every layer. A record reads
 *   op=OP acct="agent-x" id=70001 [FIELDS] exe=... hostname=? addr=? terminal=? res=success
 * and is sent on success and on failure alike, as shadow-utils does. A
 * kernel or container without audit support is not an error: records are
 * then dropped silently. */

#include <stdbool.h>
#include <stdint.h>

#include <libaudit.h>

#include "macro.h"

#define AUDIT_ID_NONE INT64_C(-1)

/* Send one record. acct may be NULL; id AUDIT_ID_NONE leaves out "id=";
 * fields, if not NULL, is a string of already encoded "key=value" pairs
 * (see audit_field()). Returns 0 when sent or when audit is unavailable,
 * a negative errno when the kernel refused the record. */
int audit_record(int type, const char *op, const char *acct, int64_t id, const char *fields, bool success);

/* Variant with an explicit terminal= value (tasks use "task-ID"). */
int audit_record_terminal(int type, const char *op, const char *acct, int64_t id,
                          const char *fields, const char *terminal, bool success);

/* name="value", or name=HEX when value holds anything that needs it
 * (spaces, quotes, control bytes): audit_encode_nv_string(). */
char *audit_field(const char *name, const char *value);

/* Append one encoded field to a space-separated field string. */
int audit_fields_add(char **fields, const char *name, const char *value);

/* Is the audit subsystem reachable from here? (For tests and verify.) */
bool audit_available(void);
