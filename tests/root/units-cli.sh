#!/bin/bash
# paddock-units under --root: render, apply (recorded, audited, loosenings
# named), credentials (stdin only, tight modes, never printed), remove.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_root
. "$top_srcdir/tests/audit-lib.sh"
have_audit=0
audit_start && have_audit=1

root=$(make_root)
trap 'rm -rf "$root"; audit_stop' EXIT
tag="u$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
write_agent "$root" "$tag" '[Service]' 'ExecStart=/bin/true' 'Capabilities=CAP_NET_BIND_SERVICE' \
        '[Credentials]' 'Credential=token'
write_agent "$root" plain '[Service]' 'ExecStart=/bin/true'

out=$(paddock-units --root "$root" render "$tag")
check "render names the loosening in a comment" grep -q '^#   - capability cap_net_bind_service$' <<<"$out"
check "render: the capability is granted and bounded" grep -q '^CapabilityBoundingSet=CAP_NET_BIND_SERVICE$' <<<"$out"
paddock-units --root "$root" render nosuch >/dev/null 2>&1; rc=$?
check_eq "render of an unknown agent: exit 3" "$rc" 3
paddock-units --root "$root" render >/dev/null 2>&1; rc=$?
check_eq "render without a name: exit 2" "$rc" 2

out=$(paddock-units --root "$root" apply 2>&1); rc=$?
check_eq "apply: exit 0" "$rc" 0
check "apply: one line per unit" grep -q "^created unit agent-$tag.service$" <<<"$out"
check "apply: names the loosening" grep -q '^  loosened: capability cap_net_bind_service$' <<<"$out"
check "apply: warns about the credential that is not set" grep -q "Credential token of agent $tag is not set" <<<"$out"
check "apply records what it applied" test -s "$root/var/lib/paddock/units/agent-$tag.service"
out=$(paddock-units --root "$root" apply 2>&1 | grep -v 'is not set')
check_eq "second apply prints nothing" "$out" ""
if [ $have_audit = 1 ]; then
        found=0
        for i in $(seq 50); do
                ausearch -m USYS_CONFIG -i 2>/dev/null | grep "op=unit-create acct=agent-$tag " |
                        grep -q 'loosened="cap:cap_net_bind_service"' && { found=1; break; }
                sleep 0.1
        done
        check_eq "the loosening is a USYS_CONFIG record in ausearch -i" "$found" 1
fi

# Credentials: from standard input only.
secret="secret-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
out=$(printf '%s' "$secret" | paddock-units --root "$root" credential set "$tag" token 2>&1); rc=$?
check_eq "credential set: exit 0" "$rc" 0
check_eq "credential set: stored as given" "$(cat "$root/etc/paddock/credstore/$tag/token")" "$secret"
check_eq "credential store: 0700 root, file 0600 root" \
        "$(stat -c '%a %U' "$root/etc/paddock/credstore" "$root/etc/paddock/credstore/$tag" "$root/etc/paddock/credstore/$tag/token" | tr '\n' ' ')" \
        "700 root 700 root 600 root "
list=$(paddock-units --root "$root" credential list "$tag" --json)
check "credential list --json shows key and form" grep -q '"key":"token","form":"plain","age_seconds":[0-9]*,"used":true' <<<"$list"
check "credential list never shows the value" test "${list/$secret/}" = "$list"
check "the unit loads the credential from the store" \
        grep -q "^LoadCredential=token:/etc/paddock/credstore/$tag/token$" <(paddock-units --root "$root" render "$tag")
touch "$root/etc/paddock/credstore/$tag/token.cred"
chmod 0600 "$root/etc/paddock/credstore/$tag/token.cred"
check "with KEY.cred present the unit loads it encrypted" \
        grep -q "^LoadCredentialEncrypted=token:/etc/paddock/credstore/$tag/token.cred$" <(paddock-units --root "$root" render "$tag")
rm "$root/etc/paddock/credstore/$tag/token.cred"
paddock-units --root "$root" credential set "$tag" 'bad/key' </dev/null >/dev/null 2>&1; rc=$?
check_eq "credential set with a bad key: exit 2" "$rc" 2
if [ $have_audit = 1 ]; then
        found=0
        for i in $(seq 50); do
                ausearch -m USYS_CONFIG -i 2>/dev/null | grep -q "op=credential-rotate acct=agent-$tag key=token .*res=success" && { found=1; break; }
                sleep 0.1
        done
        check_eq "the rotation is audited, without the secret" "$found" 1
        check "no audit record holds the secret" sh -c "! ausearch -i 2>/dev/null | grep -q '$secret'"
fi

# A loose store is refused.
chmod 0755 "$root/etc/paddock/credstore/$tag"
out=$(paddock-units --root "$root" apply 2>&1); rc=$?
check_eq "a loose credential store: exit 1" "$rc" 1
check "a loose credential store: says which file and mode" grep -q "credstore/$tag has mode 0755" <<<"$out"
chmod 0700 "$root/etc/paddock/credstore/$tag"

# remove masks; apply unmasks.
out=$(paddock-units --root "$root" remove plain 2>&1); rc=$?
check_eq "remove: exit 0 and a line" "$rc:$out" "0:removed unit agent-plain.service (masked)"
check_eq "remove masks the unit" "$(readlink "$root/etc/systemd/system/agent-plain.service")" /dev/null
out=$(paddock-units --root "$root" remove plain 2>&1); rc=$?
check_eq "removing again: nothing to do" "$rc:$out" "0:"
out=$(paddock-units --root "$root" apply plain 2>&1); rc=$?
check_eq "apply unmasks" "$rc:$out" "0:created unit agent-plain.service (unmasked)"
check "the mask is gone" test ! -L "$root/etc/systemd/system/agent-plain.service"

# An agent that expired gets its unit retired.
write_agent "$root" plain 'Expires=2020-01-01' '[Service]' 'ExecStart=/bin/true'
out=$(paddock-units --root "$root" apply plain 2>&1)
check_eq "an expired agent's unit is retired" "$out" "retired unit agent-plain.service: it has expired"
done_testing
