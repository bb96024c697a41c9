#!/bin/bash
# The egress fence at scale, in a network namespace of its own: 1000
# agents x 100 destinations. (a) the time to apply the whole table and a
# one-agent change; (b) TCP connects/s and UDP datagrams/s as the 1000th
# agent to an allowed destination on loopback, against no table and
# against a linear owner-match rule list (one rule per agent x
# destination), and with 10, 100 and 1000 agents to show it stays flat.
# Medians of $RUNS alternating runs of $SECONDS_PER_RUN seconds.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
require_root
require_cmd nft unshare
. "$top_srcdir/tests/netns/lib-netns.sh"
netns_enter "$@"
RUNS=${RUNS:-7}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-1}
DESTS=100
load="$PADDOCK_BUILDDIR/tests/bench/netload"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
add_addresses 192.0.2.10

# A root with N agents; the last agent's first destination is the server.
make_agents() { # N DIR
        local n=$1 dir=$2 i d
        rm -rf "$dir"
        mkdir -p "$dir/etc/paddock/agents.d"
        printf 'root:x:0:0::/root:/bin/sh\n' >"$dir/etc/passwd"
        printf '[Egress]\nDNS=192.0.2.53\n' >"$dir/etc/paddock/paddock.conf"
        for i in $(seq 1 "$n"); do
                {
                        printf '[Agent]\nOwner=bench\n[Egress]\n'
                        [ "$i" = "$n" ] && printf 'Allow=192.0.2.10:8080 192.0.2.10:8080/udp\n'
                        for d in $(seq 1 $DESTS); do
                                printf 'Allow=10.%d.%d.%d:%d\n' $((i / 250)) $((i % 250)) $d $((1000 + d))
                        done
                } >"$dir/etc/paddock/agents.d/$(printf 'a%04d' "$i").agent"
        done
        paddock-users --root "$dir" -q apply
}
last_uid() { awk -F: '$1 ~ /^agent-/ {u=$3} END {print u}' "$1/etc/passwd"; }
now() { date +%s.%N; }

make_agents 1000 "$work/r1000"
uid=$(last_uid "$work/r1000")

# (a) apply times.
nft flush ruleset
t0=$(now); paddock-egress --root "$work/r1000" -q apply; full=$(echo "$(now) - $t0" | bc)
sed -i 's/^Allow=10\.\(.*\):1001$/Allow=10.\1:1001\nAllow=198.51.100.1:9/' "$work/r1000/etc/paddock/agents.d/a0500.agent"
t0=$(now); out=$(paddock-egress --root "$work/r1000" apply); one=$(echo "$(now) - $t0" | bc)
[ "$out" = "applied egress of agent a0500" ] || { echo "unexpected: $out" >&2; exit 1; }
t0=$(now); paddock-egress --root "$work/r1000" -q apply; noop=$(echo "$(now) - $t0" | bc)
t0=$(now); nft list chains inet >/dev/null; check_cost=$(echo "$(now) - $t0" | bc)
# The two halves of a whole-table apply: the check, then the load.
paddock-egress --root "$work/r1000" --dry-run apply >/dev/null 2>&1 || true
nft flush ruleset
paddock-egress --root "$work/r1000" --dry-run apply >"$work/full.nft" 2>/dev/null
t0=$(now); nft -c -f "$work/full.nft"; check_only=$(echo "$(now) - $t0" | bc)
t0=$(now); nft -f "$work/full.nft"; load_only=$(echo "$(now) - $t0" | bc)

# (b) throughput: no table, vmap table, linear list; and vmap at 10, 100.
nft list ruleset >"$work/vmap.nft"
{
        echo "table inet linear {"
        echo "  chain output {"
        echo "    type filter hook output priority filter; policy accept;"
        i=0
        for f in "$work"/r1000/etc/paddock/agents.d/*.agent; do
                u=$((70000 + i))
                grep '^Allow=' "$f" | sed 's/^Allow=//; s/ /\n/g' | grep -v '/udp$' | sort -u | while IFS=: read -r a p; do
                        echo "    meta skuid $u ip daddr $a tcp dport $p accept"
                        echo "    meta skuid $u ip daddr $a udp dport $p accept"
                done
                echo "    meta skuid $u reject"
                i=$((i + 1))
        done
        echo "  }"
        echo "}"
} >"$work/linear.nft"
rules=$(grep -c 'accept$' "$work/linear.nft")

measure() { # CONFIG PROTO -> one rate
        case $1 in
                none) nft flush ruleset ;;
                vmap) nft flush ruleset; nft -f "$work/vmap.nft" ;;
                linear) nft flush ruleset; nft -f "$work/linear.nft" ;;
        esac
        "$load" "$uid" 192.0.2.10 8080 "$2" "$SECONDS_PER_RUN"
}
declare -A rate
for proto in tcp udp; do
        for cfg in none vmap linear; do : >"$work/$cfg.$proto"; done
        for r in $(seq "$RUNS"); do
                for cfg in none vmap linear; do measure $cfg $proto >>"$work/$cfg.$proto"; done
        done
        for cfg in none vmap linear; do rate[$cfg.$proto]=$(median <"$work/$cfg.$proto"); done
done

# Flat in the number of agents: the same with 10 and 100 agents.
for n in 10 100; do
        make_agents $n "$work/r$n"
        u=$(last_uid "$work/r$n")
        nft flush ruleset
        paddock-egress --root "$work/r$n" -q apply
        for proto in tcp udp; do
                for r in $(seq "$RUNS"); do "$load" "$u" 192.0.2.10 8080 $proto "$SECONDS_PER_RUN"; done | median >"$work/flat$n.$proto"
                rate[vmap$n.$proto]=$(cat "$work/flat$n.$proto")
        done
done
rate[vmap1000.tcp]=${rate[vmap.tcp]}
rate[vmap1000.udp]=${rate[vmap.udp]}
nft flush ruleset

ratio() { echo "$1 / $2" | bc -l; }
echo "# 1000 agents x $DESTS destinations, $(nproc) cores; medians of $RUNS alternating ${SECONDS_PER_RUN}s runs"
printf 'apply, whole table (empty -> loaded):   %8.3f s   (goal <= 1 s)\n' "$full"
printf '  of which nft -c (check):               %8.3f s\n' "$check_only"
printf '  of which nft -f (load):                %8.3f s\n' "$load_only"
printf 'apply, one agent changed:                %8.3f s\n' "$one"
printf 'apply, nothing changed:                  %8.3f s\n' "$noop"
printf 'watch check (nft list chains inet):      %8.3f s\n' "$check_cost"
printf '%-34s %14s %14s\n' "" "TCP connects/s" "UDP packets/s"
printf '%-34s %14s %14s\n' "no table" "${rate[none.tcp]}" "${rate[none.udp]}"
printf '%-34s %14s %14s\n' "paddock (uid vmap, per-agent sets)" "${rate[vmap.tcp]}" "${rate[vmap.udp]}"
printf '%-34s %14s %14s\n' "linear list ($rules rules)" "${rate[linear.tcp]}" "${rate[linear.udp]}"
printf 'cost vs no table, paddock: TCP %.2fx, UDP %.2fx   (goal <= 1.10x)\n' \
        "$(ratio "${rate[none.tcp]}" "${rate[vmap.tcp]}")" "$(ratio "${rate[none.udp]}" "${rate[vmap.udp]}")"
printf 'cost vs no table, linear:  TCP %.1fx, UDP %.1fx\n' \
        "$(ratio "${rate[none.tcp]}" "${rate[linear.tcp]}")" "$(ratio "${rate[none.udp]}" "${rate[linear.udp]}")"
printf 'paddock with 10 / 100 / 1000 agents, TCP: %s / %s / %s\n' "${rate[vmap10.tcp]}" "${rate[vmap100.tcp]}" "${rate[vmap1000.tcp]}"
printf 'paddock with 10 / 100 / 1000 agents, UDP: %s / %s / %s\n' "${rate[vmap10.udp]}" "${rate[vmap100.udp]}" "${rate[vmap1000.udp]}"
