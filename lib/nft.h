/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* libnftables, with output and errors captured rather than printed. */

#include <stdbool.h>

#include "macro.h"

#define PADDOCK_NFT_FAMILY "inet"
#define PADDOCK_NFT_TABLE "paddock"

typedef struct NftContext NftContext;

int nft_open(NftContext **ret);
NftContext *nft_close(NftContext *n);
DEFINE_TRIVIAL_CLEANUP_FUNC(NftContext *, nft_close);

/* Run commands (nft syntax). *ret_output and *ret_error, when not NULL,
 * receive what nft printed. dry_run: check only (nft -c). */
int nft_run(NftContext *n, const char *commands, bool dry_run, char **ret_output, char **ret_error);

/* Like nft_run(), listing without set elements (nft -t). */
int nft_run_terse(NftContext *n, const char *commands, char **ret_output, char **ret_error);

/* Is table inet paddock there, with its output chain? 1 yes, 0 no. */
int nft_table_intact(NftContext *n);

/* The per-agent chain's name in table inet paddock: "agent-NAME". */
char *nft_agent_chain(const char *name);

/* Is the agent's fence loaded: table inet paddock with the agent's chain?
 * 1 yes, 0 no, negative errno on failure to ask. */
int nft_fence_loaded(NftContext *n, const char *name);
