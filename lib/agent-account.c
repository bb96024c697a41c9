/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agent-account.h"
#include "agent.h"
#include "ephemeral.h"
#include "parse-util.h"
#include "policy.h"
#include "uidreg.h"

static const char * const state_table[_AGENT_ACCOUNT_STATE_MAX] = {
        [AGENT_ACCOUNT_NOT_AGENT] = "not-agent",
        [AGENT_ACCOUNT_ACTIVE]    = "active",
        [AGENT_ACCOUNT_EXPIRED]   = "expired",
        [AGENT_ACCOUNT_REVOKED]   = "revoked",
        [AGENT_ACCOUNT_REMOVED]   = "removed",
        [AGENT_ACCOUNT_BROKEN]    = "broken",
};

const char *agent_account_state_to_string(AgentAccountState s) {
        return s >= 0 && s < _AGENT_ACCOUNT_STATE_MAX ? state_table[s] : NULL;
}

void agent_account_done(AgentAccount *a) {
        free(a->agent);
        free(a->pam_name);
        *a = (AgentAccount) { .uid = (uid_t) -1, .has_prefix = a->has_prefix };
}

/* The registry entry that makes USER an agent's: by name (the newest,
 * which is the active one if there is one), else by uid. */
static const UidEntry *find_entry(const UidRegistry *reg, const char *prefix, const char *user, uid_t uid) {
        const char *name = startswith(user, prefix);
        const UidEntry *e = NULL;

        if (name && *name) {
                e = uid_registry_find_active(reg, name);
                for (size_t i = reg->n; !e && i > 0; i--)
                        if (streq(reg->entries[i - 1].name, name))
                                e = &reg->entries[i - 1];
        }
        if (!e && uid != (uid_t) -1)
                e = uid_registry_find_uid(reg, uid);
        return e;
}

static int agent_state(const char *root, const Config *config, AgentAccount *ret, int64_t today);

/* A per-task identity is its agent's account while its task runs. */
static int lookup_ephemeral(const char *root, const Config *config, const char *user, uid_t uid, int64_t today,
                            AgentAccount *ret) {
        EphemeralRegistry reg = {};
        int r;

        r = ephemeral_registry_load(root, &reg);
        if (r < 0)
                return r;
        /* By name, and by the same uid when NSS gave one: a later account
         * that has an ended identity's uid is not that identity. */
        const EphemeralIdentity *e = ephemeral_registry_find(&reg, (uid_t) -1, user);
        if (e && uid != (uid_t) -1 && e->uid != uid)
                e = NULL;
        if (e) {
                ret->agent = strdup(e->agent);
                ret->uid = e->uid;
                ret->has_prefix = true;
                ret->state = e->ended ? AGENT_ACCOUNT_REMOVED : AGENT_ACCOUNT_ACTIVE;
        }
        ephemeral_registry_done(&reg);
        if (!e)
                return 0;
        if (!ret->agent)
                return -ENOMEM;
        return ret->state == AGENT_ACCOUNT_ACTIVE ? agent_state(root, config, ret, today) : 0;
}

int agent_account_lookup(const char *root, const char *user, uid_t uid, int64_t today, AgentAccount *ret) {
        _cleanup_(config_freep) Config *config = NULL;
        _cleanup_free_ char *error = NULL;
        UidRegistry reg = {};
        int r;

        *ret = (AgentAccount) {
                .state = AGENT_ACCOUNT_NOT_AGENT,
                .uid = (uid_t) -1,
                .has_prefix = startswith(user, DEFAULT_USER_PREFIX),
        };

        r = config_load(root, &config, &error);
        if (r < 0)
                return r == -ENOMEM ? r : -EINVAL;
        ret->has_prefix = startswith(user, config->user_prefix);
        r = uid_registry_load(root, &reg, NULL);
        if (r < 0)
                return r;

        const UidEntry *e = find_entry(&reg, config->user_prefix, user, uid);
        if (!e) {
                uid_registry_done(&reg);
                return lookup_ephemeral(root, config, user, uid, today, ret);
        }
        ret->agent = strdup(e->name);
        ret->uid = e->uid;
        bool retired = e->retired;
        uid_registry_done(&reg);
        if (!ret->agent)
                return -ENOMEM;

        if (retired) {
                ret->state = AGENT_ACCOUNT_REMOVED;
                return 0;
        }
        return agent_state(root, config, ret, today);
}

/* The state of ret->agent from its file. */
static int agent_state(const char *root, const Config *config, AgentAccount *ret, int64_t today) {
        _cleanup_(agent_freep) Agent *agent = NULL;
        _cleanup_free_ char *error = NULL;
        int r;

        r = agent_load(root, config, ret->agent, &agent, &error);
        if (r == -ENOMEM)
                return r;
        if (r == -ENOENT) {
                ret->state = AGENT_ACCOUNT_REMOVED;
                return 0;
        }
        if (r < 0) {
                ret->state = AGENT_ACCOUNT_BROKEN;
                return 0;
        }
        if (agent->pam_name && !(ret->pam_name = strdup(agent->pam_name)))
                return -ENOMEM;
        ret->state = agent->revoked ? AGENT_ACCOUNT_REVOKED :
                     agent_is_expired(agent, today) ? AGENT_ACCOUNT_EXPIRED : AGENT_ACCOUNT_ACTIVE;
        return 0;
}
