/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The sandbox model as properties of a transient unit: the second
 * rendering of sandbox_build(), next to the unit file writer. */

#include <systemd/sd-bus.h>

#include "sandbox.h"

/* Append every directive of s as one or more (sv) entries to m, which must
 * be inside the a(sv) array of StartTransientUnit(). */
int sandbox_bus_append(sd_bus_message *m, const Sandbox *s);

/* A property of type as, e.g. Environment=. */
int bus_append_strv_property(sd_bus_message *m, const char *name, char * const *l);

/* An Exec*= property (name without "Ex") through its Ex variant, a(sasas),
 * with flags such as "privileged" ("+") and "no-env-expand" (":"). */
int bus_append_exec(sd_bus_message *m, const char *name, char * const *argv, char * const *flags);
