#!/bin/bash
# 32 paddock-users processes at once, on overlapping sets of agents, in
# one root: every agent exactly once, no uid twice, files consistent.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_root
require_cmd pwck grpck

root=$(make_root)
trap 'rm -rf "$root"' EXIT
agents=40
for i in $(seq -w 0 $((agents - 1))); do write_agent "$root" "a$i"; done

pids=()
for p in $(seq 0 31); do
        names=()
        for k in $(seq 0 9); do names+=("a$(printf '%02d' $(((p + k) % agents)))"); done
        paddock-users --root "$root" -q apply "${names[@]}" >"$root/out.$p" 2>&1 &
        pids+=($!)
done
fail=0
for pid in "${pids[@]}"; do wait "$pid" || fail=$((fail + 1)); done
check_eq "all 32 processes exited 0" "$fail" 0
cat "$root"/out.* | diag
rm -f "$root"/out.*

for f in passwd group shadow gshadow; do
        check_eq "$f: every agent exactly once" \
                "$(grep -c '^agent-a' "$root/etc/$f")" "$agents"
        check_eq "$f: no name twice" "$(cut -d: -f1 "$root/etc/$f" | sort | uniq -d | wc -l)" 0
done
check_eq "passwd: no uid twice" "$(cut -d: -f3 "$root/etc/passwd" | sort | uniq -d | wc -l)" 0
check_eq "group: no gid twice" "$(cut -d: -f3 "$root/etc/group" | sort | uniq -d | wc -l)" 0
check_eq "registry: one active uid per agent" \
        "$(grep -c ' active$' "$root/var/lib/paddock/uids")" "$agents"
check_eq "registry: uids 70000-70039, none skipped" \
        "$(awk '/ active$/ {print $1}' "$root/var/lib/paddock/uids" | sort -n | tr '\n' ' ')" \
        "$(seq -s ' ' 70000 70039) "
check "pwck -r and grpck -r are clean" pw_consistent "$root"
out=$(paddock-users --root "$root" apply 2>&1)
check_eq "a further apply has nothing to do" "$out" ""
done_testing
