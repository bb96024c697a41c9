#!/bin/bash
# The egress fence in a network namespace of its own: agents reach what
# their file allows and nothing else, never instance metadata, DNS only
# through the configured resolver; denials are refused at once and logged
# naming the agent; other users are untouched; host names follow DNS.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_root
require_cmd nft dnsmasq python3 unshare
. "$top_srcdir/tests/netns/lib-netns.sh"
netns_enter "$@"
. "$top_srcdir/tests/audit-lib.sh"
have_audit=0
audit_start && have_audit=1

work=$(mktemp -d)
chmod 0755 "$work"       # dnsmasq reads its hosts file as nobody
root=$(make_root)
pids=()
cleanup() {
        for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
        rm -rf "$work" "$root"
        audit_stop
}
trap cleanup EXIT

# Servers: allowed, denied, metadata (IPv4, IPv6, NAT64), DNS.
ALLOWED=192.0.2.10 DENIED=192.0.2.20 NAMED1=192.0.2.30 NAMED2=192.0.2.31 DNS=192.0.2.53 OTHERDNS=192.0.2.54
ALLOWED6=2001:db8::10
METADATA4="169.254.169.254 169.254.170.2 169.254.170.23 100.100.100.200 168.63.129.16 192.0.0.192 169.254.42.42"
METADATA6="fd00:ec2::254 fd00:ec2::23 fd00:42::42 64:ff9b::a9fe:a9fe"
add_addresses $ALLOWED $DENIED $NAMED1 $NAMED2 $DNS $OTHERDNS $ALLOWED6 $METADATA4 $METADATA6
srv=()
for a in $ALLOWED $DENIED $NAMED1 $NAMED2 $OTHERDNS; do srv+=("$a:8080"); done
srv+=("[$ALLOWED6]:8080" "$OTHERDNS:53")
for a in $METADATA4; do srv+=("$a:80"); done
for a in $METADATA6; do srv+=("[$a]:80"); done
python3 "$top_srcdir/tests/netns/servers.py" "${srv[@]}" >"$work/servers.log" 2>&1 &
pids+=($!)
echo "$NAMED1 api.example.test" >"$work/hosts"
echo "$NAMED1 gone.example.test" >>"$work/hosts"
echo "$NAMED1 api.github.com" >>"$work/hosts"
dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces --listen-address=$DNS \
        --addn-hosts="$work/hosts" --local-ttl=2 --pid-file="$work/dnsmasq.pid" --log-facility=- \
        >"$work/dnsmasq.log" 2>&1 &
pids+=($!)
for i in $(seq 50); do grep -q ready "$work/servers.log" 2>/dev/null && [ -s "$work/dnsmasq.pid" ] && break; sleep 0.1; done

# Agents.
printf '[Egress]\nDNS=%s\n' $DNS >"$root/etc/paddock/paddock.conf"
write_agent "$root" web '[Egress]' "Allow=$ALLOWED:8080 [$ALLOWED6]:8080" 'Allow=api.example.test:8080'
write_agent "$root" meta '[Egress]' 'Allow=169.254.169.254:80' 'AllowMetadata=yes'
write_agent "$root" gone '[Egress]' 'Allow=gone.example.test:8080'
paddock-users --root "$root" -q apply
web=$(awk -F: '$1 == "agent-web" {print $3}' "$root/etc/passwd")
meta=$(awk -F: '$1 == "agent-meta" {print $3}' "$root/etc/passwd")

out=$(paddock-egress --root "$root" apply 2>&1); rc=$?
check_eq "apply: exit 0" "$rc" 0
check "apply: one line per agent" grep -q '^applied egress of agent web$' <<<"$out"
# Timed elements count down: compare listings without "expires".
listing() { nft list "${@:-ruleset}" | sed 's/ expires [0-9hms]*//'; }
before=$(listing table inet paddock)
out=$(paddock-egress --root "$root" apply 2>/dev/null); rc=$?
check_eq "apply again: exit 0, nothing printed" "$rc:$out" "0:"
check_eq "apply again: the table is untouched" "$(listing table inet paddock)" "$before"

# Allowed and denied, as the agent.
r=$(connect_as $web $ALLOWED 8080)
check "allowed IPv4 destination: connected ($r)" result_within "$r" ok 1000
r=$(connect_as $web $ALLOWED6 8080)
check "allowed IPv6 destination: connected ($r)" result_within "$r" ok 1000
r=$(connect_as $web $NAMED1 8080)
check "allowed host name's address: connected ($r)" result_within "$r" ok 1000
r=$(connect_as $web $DENIED 8080)
check "denied destination: ECONNREFUSED within 10 ms ($r)" result_within "$r" ECONNREFUSED 10
r=$(connect_as $web $ALLOWED 8081)
check "allowed address, other port: ECONNREFUSED within 10 ms ($r)" result_within "$r" ECONNREFUSED 10
r=$(connect_as $web 127.0.0.1 8080)
check "loopback without AllowLoopback: refused ($r)" result_within "$r" ECONNREFUSED 10

# Instance metadata: every address, both families, the IPv4-mapped form.
for a in $METADATA4 $METADATA6 ::ffff:169.254.169.254; do
        r=$(connect_as $web $a 80)
        check "metadata $a: refused within 10 ms ($r)" result_within "$r" ECONNREFUSED 10
        r=$(connect_as 0 $a 80)
        [[ $a == ::ffff:* ]] || check "metadata $a answers root (the test server is real: $r)" result_within "$r" ok 1000
done
r=$(connect_as $meta 169.254.169.254 80)
check "AllowMetadata=yes reaches what it allows ($r)" result_within "$r" ok 1000
r=$(connect_as $meta fd00:ec2::254 80)
check "AllowMetadata=yes reaches nothing else of it ($r)" result_within "$r" ECONNREFUSED 10

# DNS only to the configured resolver.
r=$(connect_as $web $DNS 53 udp)
check "DNS to the configured resolver: answered ($r)" result_within "$r" ok 1000
r=$(connect_as $web $OTHERDNS 53 udp)
check "DNS to another resolver: fails fast ($r)" sh -c "r='$r'; [ \"\${r% *}\" != ok ] && [ \"\${r% *}\" != timeout ] && awk -v m=\"\${r#* }\" 'BEGIN { exit !(m <= 10) }'"

# Everyone else is untouched.
r=$(connect_as 1234 $DENIED 8080)
check "a non-agent user reaches the denied server ($r)" result_within "$r" ok 1000
r=$(connect_as 1234 169.254.169.254 80)
check "a non-agent user reaches metadata: the fence is for agents only ($r)" result_within "$r" ok 1000

# The denial is in the audit trail, naming the agent by its uid as mark.
if [ $have_audit = 1 ]; then
        connect_as $web $DENIED 8080 >/dev/null
        mark=$(printf '0x%x' "$web")
        found=0
        for i in $(seq 50); do
                ausearch -m NETFILTER_PKT -i 2>/dev/null | grep -q "mark=$mark .*daddr=$DENIED" && { found=1; break; }
                sleep 0.1
        done
        check_eq "NETFILTER_PKT in ausearch -i with mark = the agent's uid" "$found" 1
fi

# Applying is audited, and the metadata loosening is named.
if [ $have_audit = 1 ]; then
        found=0
        for i in $(seq 50); do
                ausearch -m USYS_CONFIG -i 2>/dev/null | grep "op=egress-apply acct=agent-meta " |
                        grep -q 'loosened="allow-metadata"' && { found=1; break; }
                sleep 0.1
        done
        check_eq "egress-apply of the AllowMetadata agent is a USYS_CONFIG record naming the loosening" "$found" 1
fi

# show and probe.
json=$(paddock-egress --root "$root" show --json)
check "show --json: the fence is loaded" grep -q '"name":"web","uid":'"$web"',"fence":"loaded"' <<<"$json"
check "show --json: AllowMetadata=yes is shown" grep -q '"name":"meta".*"allow_metadata":true' <<<"$json"
out=$(paddock-egress --root "$root" probe web); rc=$?
check_eq "probe: exit 0 (no metadata reached)" "$rc" 0
check "probe: every metadata address refused" sh -c "! grep -E '^(169|100|168|192\\.0\\.0|\\[fd00|\\[64)' <<'X' | grep -v refused
$out
X"
check "probe: the allowed destination is reached" grep -Eq "^$ALLOWED:8080/tcp +connected" <<<"$out"
pj=$(paddock-egress --root "$root" probe web --json)
check "probe --json" grep -q '"destination":"169.254.169.254:80/tcp","metadata":true,"result":"refused"' <<<"$pj"

# Host names follow DNS: the address rotates (TTL 2 s), the old one goes.
paddock-egress --root "$root" watch >"$work/watch.log" 2>&1 &
pids+=($!)
sleep 1
echo "$NAMED2 api.example.test" >"$work/hosts"
kill -HUP "$(cat "$work/dnsmasq.pid")"
t0=$(date +%s)
ok_new=0
for i in $(seq 100); do
        r=$(connect_as $web $NAMED2 8080 tcp 500)
        [ "${r% *}" = ok ] && { ok_new=1; break; }
        sleep 0.1
done
elapsed=$(( $(date +%s) - t0 ))
check "after rotation the new address is reached, within TTL + a few seconds (${elapsed}s)" test $ok_new = 1 -a $elapsed -le 7
r=$(connect_as $web $NAMED1 8080)
check "after rotation the old address is refused ($r)" result_within "$r" ECONNREFUSED 10
r=$(connect_as $(awk -F: '$1 == "agent-gone" {print $3}' "$root/etc/passwd") $NAMED1 8080)
check "a name that stops resolving stops being reachable ($r)" result_within "$r" ECONNREFUSED 10

# The fence comes back when the table is deleted by hand.
nft delete table inet paddock
for i in $(seq 50); do nft list table inet paddock >/dev/null 2>&1 && break; sleep 0.1; done
check "watch restores a deleted table within seconds" sh -c "nft list chain inet paddock agent-web >/dev/null"
nft flush ruleset
for i in $(seq 50); do nft list table inet paddock >/dev/null 2>&1 && break; sleep 0.1; done
check "watch restores it after 'flush ruleset' too" sh -c "nft list chain inet paddock agent-web >/dev/null"
kill "${pids[-1]}"

# One agent changes: only its part is replaced.
write_agent "$root" web '[Egress]' "Allow=$ALLOWED:8080 $DENIED:8080"
out=$(paddock-egress --root "$root" apply 2>/dev/null)
check_eq "a one-agent change touches one agent" "$out" "applied egress of agent web"
r=$(connect_as $web $DENIED 8080)
check "and takes effect ($r)" result_within "$r" ok 1000

# A failed apply leaves the table as it was, byte for byte.
write_agent "$root" newbie '[Egress]' "Allow=$ALLOWED:8080"
paddock-users --root "$root" -q apply
nft add set inet paddock allow4-newbie '{ type ipv4_addr; }'     # sabotage: the name is taken, with another type
before=$(listing)
out=$(paddock-egress --root "$root" apply 2>&1); rc=$?
check_eq "a failing apply exits 1" "$rc" 1
check "and says the previous ruleset is unchanged" grep -q 'the previous one is unchanged' <<<"$out"
check_eq "the ruleset is byte-identical" "$(listing)" "$before"
nft delete set inet paddock allow4-newbie

# remove: the uid stays fenced, denied everything.
out=$(paddock-egress --root "$root" remove web 2>&1); rc=$?
check_eq "remove: exit 0" "$rc" 0
r=$(connect_as $web $ALLOWED 8080)
check "after remove the agent reaches nothing ($r)" result_within "$r" ECONNREFUSED 10
check "after remove its chain is gone (its unit would refuse to start)" sh -c "! nft list chain inet paddock agent-web >/dev/null 2>&1"
done_testing
