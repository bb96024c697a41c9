/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <sys/types.h>

/* --root is a pure path prefix: ROOT + "/etc/passwd". NULL or "/" means
 * the host itself. */
char *path_join_root(const char *root, const char *path);
char *path_join(const char *a, const char *b);
/* Create dir and its missing parents with mode (no ownership changes). */
int mkdir_parents(const char *path, mode_t mode);
