/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Remove name below dir_fd and everything in it, never following a
 * symlink (an agent owns what is inside its state directory and may have
 * planted links). */
int rm_rf_at(int dir_fd, const char *name);
