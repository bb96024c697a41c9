/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <nftables/libnftables.h>

#include "nft.h"

struct NftContext {
        struct nft_ctx *ctx;
};

int nft_open(NftContext **ret) {
        NftContext *n = calloc(1, sizeof(NftContext));
        if (!n)
                return -ENOMEM;
        n->ctx = nft_ctx_new(NFT_CTX_DEFAULT);
        if (!n->ctx) {
                free(n);
                return -ENOMEM;
        }
        if (nft_ctx_buffer_output(n->ctx) < 0 || nft_ctx_buffer_error(n->ctx) < 0) {
                nft_ctx_free(n->ctx);
                free(n);
                return -ENOMEM;
        }
        *ret = n;
        return 0;
}

NftContext *nft_close(NftContext *n) {
        if (!n)
                return NULL;
        nft_ctx_free(n->ctx);
        free(n);
        return NULL;
}

int nft_run(NftContext *n, const char *commands, bool dry_run, char **ret_output, char **ret_error) {
        nft_ctx_set_dry_run(n->ctx, dry_run);
        int r = nft_run_cmd_from_buffer(n->ctx, commands);
        nft_ctx_set_dry_run(n->ctx, false);

        const char *out = nft_ctx_get_output_buffer(n->ctx);
        const char *err = nft_ctx_get_error_buffer(n->ctx);
        if (ret_output)
                *ret_output = strdup(out ?: "");
        if (ret_error)
                *ret_error = strdup(err ?: "");
        if ((ret_output && !*ret_output) || (ret_error && !*ret_error))
                return -ENOMEM;
        return r == 0 ? 0 : -EINVAL;
}

char *nft_agent_chain(const char *name) {
        char *s;
        if (asprintf(&s, "agent-%s", name) < 0)
                return NULL;
        return s;
}

int nft_fence_loaded(NftContext *n, const char *name) {
        _cleanup_free_ char *chain = nft_agent_chain(name), *cmd = NULL, *err = NULL;

        if (!chain)
                return -ENOMEM;
        if (asprintf(&cmd, "list chain " PADDOCK_NFT_FAMILY " " PADDOCK_NFT_TABLE " %s", chain) < 0)
                return -ENOMEM;
        int r = nft_run(n, cmd, false, NULL, &err);
        if (r == -ENOMEM)
                return r;
        if (r >= 0)
                return 1;
        /* "No such file or directory": not loaded. Anything else (no
         * permission, no nf_tables) is a failure to ask. */
        if (err && strstr(err, "No such file or directory"))
                return 0;
        return -EIO;
}

int nft_run_terse(NftContext *n, const char *commands, char **ret_output, char **ret_error) {
        unsigned flags = nft_ctx_output_get_flags(n->ctx);
        nft_ctx_output_set_flags(n->ctx, flags | NFT_CTX_OUTPUT_TERSE);
        int r = nft_run(n, commands, false, ret_output, ret_error);
        nft_ctx_output_set_flags(n->ctx, flags);
        return r;
}

int nft_table_intact(NftContext *n) {
        _cleanup_free_ char *out = NULL;
        /* Listing chains costs no set elements: milliseconds, however many
         * agents and destinations there are. */
        int r = nft_run(n, "list chains " PADDOCK_NFT_FAMILY, false, &out, NULL);
        if (r == -ENOMEM)
                return r;
        if (r < 0 || !out)
                return 0;
        const char *t = strstr(out, "table " PADDOCK_NFT_FAMILY " " PADDOCK_NFT_TABLE " {");
        return t && strstr(t, "\tchain output {\n\t\tcomment \"paddock egress ") ? 1 : 0;
}
