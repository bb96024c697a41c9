/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The credential store, /etc/paddock/credstore/NAME/KEY: root's alone
 * (directories 0700, files 0600, owned by root), read by systemd when an
 * agent's unit starts and handed to the agent as $CREDENTIALS_DIRECTORY/KEY.
 * KEY.cred is the encrypted form made by systemd-creds encrypt. Secrets
 * never pass through argv, the environment or a unit file. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "macro.h"

#define CREDENTIAL_MAX (1024U * 1024U)

/* ROOT-relative paths */
char *credstore_dir(const char *agent);
char *credstore_path(const char *agent, const char *key, bool encrypted);

/* 0 when the store (if present) is tight; -EPERM with a message naming the
 * file and its mode when anything in it is looser than 0700/0600 or not
 * root's; -ENOTDIR when something is not a directory or file. */
int credstore_check(const char *root, const char *agent, char **ret_message);

/* Which form of the credential exists: 1 encrypted (KEY.cred), 0 plain,
 * -ENOENT none. */
int credstore_lookup(const char *root, const char *agent, const char *key);

/* Replace the credential atomically (temp file 0600 in the store, fsync,
 * rename), creating the store with tight modes if needed. */
int credstore_set(const char *root, const char *agent, const char *key, const void *data, size_t size);

typedef struct CredentialInfo {
        char *key;
        bool encrypted;
        int64_t mtime_sec;      /* -1: not set */
} CredentialInfo;

/* The keys of an agent's store (every file in it), sorted. */
int credstore_list(const char *root, const char *agent, CredentialInfo **ret, size_t *ret_n);
void credential_info_free(CredentialInfo *l, size_t n);
