#!/bin/bash
# The table for the shipped example agents, compared with a golden dump
# (diff -u); and hostile input that never reaches the ruleset text.
# GOLDEN_UPDATE=1 rewrites the golden file.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_root
require_cmd nft dnsmasq unshare
. "$top_srcdir/tests/netns/lib-netns.sh"
netns_enter "$@"

work=$(mktemp -d)
chmod 0755 "$work"
root=$(make_root)
trap 'kill $dns 2>/dev/null; rm -rf "$work" "$root"' EXIT
add_addresses 192.0.2.53
echo "192.0.2.40 api.github.com" >"$work/hosts"
dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces --listen-address=192.0.2.53 \
        --addn-hosts="$work/hosts" --local-ttl=300 --pid-file="$work/pid" >"$work/log" 2>&1 &
dns=$!
for i in $(seq 50); do [ -s "$work/pid" ] && break; sleep 0.1; done

cp "$top_srcdir"/examples/*.agent "$root/etc/paddock/agents.d/"
sed 's/^#DNS=.*/DNS=192.0.2.53/' "$top_srcdir/examples/paddock.conf" >"$root/etc/paddock/paddock.conf"
paddock-users --root "$root" -q apply
check "apply the examples" paddock-egress --root "$root" -q apply
nft list table inet paddock | sed 's/ expires [0-9hms]*//' >"$work/got.nft"
golden="$top_srcdir/tests/netns/golden/examples.nft"
[ "${GOLDEN_UPDATE:-0}" = 1 ] && cp "$work/got.nft" "$golden"
if diff -u "$golden" "$work/got.nft" >"$work/diff"; then
        ok "nft list table inet paddock matches the golden dump"
else
        not_ok "nft list table inet paddock matches the golden dump"
        diag <"$work/diff"
fi
check "host names never appear in the ruleset, only their addresses" sh -c "! grep -q github '$work/got.nft'"

# Hostile agent files: refused before anything reaches nftables.
before=$(nft list ruleset | sed 's/ expires [0-9hms]*//')
for allow in 'x.com}; flush ruleset; {:443' 'a.com:443 ; add rule' '"quoted.example":443' 'a.com:443/tcp}' \
             '1.2.3.4:80 accept' '$(reboot):1'; do
        printf '[Agent]\nOwner=alice\n[Egress]\nAllow=%s\n' "$allow" >"$root/etc/paddock/agents.d/evil.agent"
        out=$(paddock-egress --root "$root" apply 2>&1); rc=$?
        check_eq "hostile Allow=$allow: exit 3" "$rc" 3
done
rm -f "$root/etc/paddock/agents.d/evil.agent"
check_eq "and the ruleset never changed" "$(nft list ruleset | sed 's/ expires [0-9hms]*//')" "$before"
done_testing
