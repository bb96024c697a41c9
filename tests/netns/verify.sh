#!/bin/bash
# paddock-verify: quiet and 0 when the host matches the files, exit 4 and
# a line per drift when it does not; loosenings are warnings.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_root
require_cmd nft unshare
. "$top_srcdir/tests/netns/lib-netns.sh"
netns_enter "$@"

root=$(make_root)
# "paddock apply" also loads audit rules into the (global) kernel: take
# exactly those away again.
trap 'paddock-audit --root "$root" -q remove web meta >/dev/null 2>&1; rm -rf "$root"' EXIT
write_agent "$root" web '[Service]' 'ExecStart=/bin/true' '[Egress]' 'Allow=192.0.2.10:443'
write_agent "$root" meta '[Egress]' 'Allow=169.254.169.254:80' 'AllowMetadata=yes'
printf '[Egress]\nDNS=192.0.2.53\n' >"$root/etc/paddock/paddock.conf"

out=$(paddock-verify --root "$root" 2>&1); rc=$?
check_eq "before anything is applied: drift (exit 4)" "$rc" 4
check "users drift is named" grep -q '^users   drift    web: would create user agent-web' <<<"$out"
check "units drift is named" grep -q '^units   drift    web: agent-web.service was never applied' <<<"$out"
check "egress drift is named" grep -q '^egress  drift    table inet paddock is not loaded' <<<"$out"

paddock apply --root "$root" -q; rc=$?
check_eq "paddock apply: exit 0" "$rc" 0
out=$(paddock-verify --root "$root" 2>&1); rc=$?
check_eq "after apply: exit 0" "$rc" 0
check_eq "after apply: only the AllowMetadata warning" "$out" \
        "egress  warning  meta: AllowMetadata=yes: this agent may reach instance metadata it allows"

write_agent "$root" web '[Service]' 'ExecStart=/bin/false' '[Egress]' 'Allow=192.0.2.11:443'
out=$(paddock-verify --root "$root" --json 2>&1); rc=$?
check_eq "after an edit: exit 4" "$rc" 4
check "--json names the unit drift" grep -q '{"layer":"units","agent":"web","kind":"drift","what":"agent-web.service differs from the agent file"}' <<<"$out"
check "--json names the egress drift" grep -q '{"layer":"egress","agent":"web","kind":"drift","what":"fence differs from the agent file"}' <<<"$out"

paddock apply --root "$root" -q
nft delete table inet paddock
out=$(paddock-verify --root "$root" 2>&1); rc=$?
check_eq "a deleted table is drift" "$rc:$(grep -c 'not loaded' <<<"$out")" "4:1"
done_testing
