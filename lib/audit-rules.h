/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Kernel audit rules per agent, keyed "paddock-NAME", and one watch on
 * paddock's configuration and credential store, keyed "paddock-config".
 * Built through libaudit, compared with the kernel's list byte for byte,
 * and written in auditctl syntax to /etc/audit/rules.d/50-paddock.rules so
 * that augenrules loads them at boot. Rules whose key does not start with
 * "paddock-" are never touched. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "macro.h"

#define AUDIT_RULES_FILE "/etc/audit/rules.d/50-paddock.rules"
#define AUDIT_KEY_PREFIX "paddock-"
#define AUDIT_KEY_CONFIG "paddock-config"
#define AUDIT_KEY_SHARED "paddock-agents"

typedef struct AuditRule {
        void *data;             /* struct audit_rule_data, as the kernel lists it */
        size_t size;
        char *text;             /* auditctl syntax, for the rules file */
        char *key;
} AuditRule;

typedef struct AuditRuleSet {
        AuditRule *rules;
        size_t n;
} AuditRuleSet;

void audit_rule_set_done(AuditRuleSet *s);

/* The rules of one agent (uid): execve, file writes and attribute changes,
 * denied opens (EACCES, EPERM), for every architecture the host runs. */
int audit_rules_for_agent(const char *name, uid_t uid, AuditRuleSet *s);
/* The same rules once for every agent uid in [first, last], keyed
 * "paddock-agents" ([Audit] Rules=shared in paddock.conf): the cost to other
 * processes no longer grows with the number of agents, and events name the
 * agent by uid only. */
int audit_rules_shared(uid_t first, uid_t last, AuditRuleSet *s);
/* The watch on the paddock configuration and the credential store. */
int audit_rules_for_config(AuditRuleSet *s);

/* The kernel's rules with a paddock key. -EPERM: not allowed to list. */
int audit_rules_list_live(int fd, AuditRuleSet *ret);

bool audit_rule_equal(const AuditRule *a, const AuditRule *b);
const AuditRule *audit_rule_set_find(const AuditRuleSet *s, const AuditRule *r);

int audit_rule_add(int fd, const AuditRule *r);
int audit_rule_delete(int fd, const AuditRule *r);

/* 1 when the rules are locked (auditctl -e 2), 0 when not, < 0 on error. */
int audit_rules_immutable(int fd);

/* The rules file for these rules (a header and one rule per line). */
int audit_rules_format(const AuditRuleSet *s, char **ret);
