#!/bin/bash
# (a) What 100 agents' audit rules cost a process that is NOT an agent:
# stat(), open() and exec loops with the rules loaded and without, in the
# same run, alternating. (b) paddock-audit review against ausearch -k on the
# same log of over a million records, made of real events of one agent.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$top_srcdir/tests/audit-lib.sh"
require_root
require_cmd auditctl ausearch
audit_start || skip_all "no audit support"
RUNS=${RUNS:-7}
sc="$PADDOCK_BUILDDIR/tests/bench/syscalls"
work=$(mktemp -d)
root=$(make_root)
cleanup() {
        if [ -f "$root/etc/paddock/paddock.conf" ]; then
                rm "$root/etc/paddock/paddock.conf"
                paddock-audit --root "$root" -q apply >/dev/null 2>&1 || true
        fi
        paddock-audit --root "$root" -q remove $(ls "$root/etc/paddock/agents.d" 2>/dev/null | sed 's/\.agent$//') >/dev/null 2>&1 || true
        [ -n "${tag:-}" ] && auditctl -D -k "floor-$tag" >/dev/null 2>&1 || true
        rm -rf "$work" "$root"
        audit_stop
}
trap cleanup EXIT

tag=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
for i in $(seq -w 1 100); do write_agent "$root" "b$tag$i"; done
paddock-users --root "$root" -q apply

declare -A rate
for kind in stat open exec; do
        n=1000000
        [ $kind = open ] && n=300000
        [ $kind = exec ] && n=3000
        : >"$work/none.$kind"; : >"$work/one.$kind"; : >"$work/rules.$kind"; : >"$work/shared.$kind"
        for r in $(seq "$RUNS"); do
                paddock-audit --root "$root" -q remove $(ls "$root/etc/paddock/agents.d" | sed 's/\.agent$//')
                "$sc" --as 1234 $kind $n >>"$work/none.$kind"
                # Any syscall rule at all, even one no process matches,
                # makes the kernel collect every call's names and inodes.
                auditctl -a always,exit -F arch=b64 -S execve -F uid=4294967294 -k "floor-$tag" >/dev/null
                "$sc" --as 1234 $kind $n >>"$work/one.$kind"
                auditctl -d always,exit -F arch=b64 -S execve -F uid=4294967294 -k "floor-$tag" >/dev/null
                paddock-audit --root "$root" -q apply
                "$sc" --as 1234 $kind $n >>"$work/rules.$kind"
                # The same agents with [Audit] Rules=shared.
                printf '[Audit]\nRules=shared\n' >"$root/etc/paddock/paddock.conf"
                paddock-audit --root "$root" -q apply
                "$sc" --as 1234 $kind $n >>"$work/shared.$kind"
                rm "$root/etc/paddock/paddock.conf"
                paddock-audit --root "$root" -q apply
        done
        rate[none.$kind]=$(median <"$work/none.$kind")
        rate[one.$kind]=$(median <"$work/one.$kind")
        rate[rules.$kind]=$(median <"$work/rules.$kind")
        rate[shared.$kind]=$(median <"$work/shared.$kind")
done
nrules=$(auditctl -l | grep -c "key=paddock-b$tag")

# (b) A log of real events: one agent opening a file for writing (each
# event a SYSCALL, CWD, PATH and PROCTITLE record), as root and as itself.
a1="b${tag}001"
uid=$(awk -F: -v u="agent-$a1" '$1 == u {print $3}' "$root/etc/passwd")

"$sc" --as "$uid" write 25000 >/dev/null
sleep 2
ausearch -ts recent --format raw >"$work/sample.log" 2>/dev/null || true
recs=$(wc -l <"$work/sample.log")
# Copies with new serial numbers, until there are over a million records.
copies=$(( (1000000 + recs - 1) / recs ))
awk -v copies="$copies" '
        { lines[NR] = $0 }
        END {
                for (c = 0; c < copies; c++)
                        for (i = 1; i <= NR; i++) {
                                l = lines[i]
                                if (match(l, /msg=audit\([0-9.]+:[0-9]+\)/)) {
                                        head = substr(l, 1, RSTART - 1); m = substr(l, RSTART, RLENGTH); tail = substr(l, RSTART + RLENGTH)
                                        split(m, p, ":"); s = substr(p[2], 1, length(p[2]) - 1)
                                        l = head p[1] ":" (s + c * 100000000) ")" tail
                                }
                                print l
                        }
        }' "$work/sample.log" >"$work/big.log"
total=$(wc -l <"$work/big.log")
now() { date +%s.%N; }
: >"$work/t.review"; : >"$work/t.ausearch"
for r in $(seq 3); do
        t0=$(now); paddock-audit --root "$root" review "$a1" --input "$work/big.log" >"$work/review.out"
        echo "$(now) - $t0" | bc >>"$work/t.review"
        t0=$(now); ausearch -k "paddock-$a1" -i --input "$work/big.log" >"$work/ausearch.out" 2>/dev/null || true
        echo "$(now) - $t0" | bc >>"$work/t.ausearch"
done
t_review=$(median <"$work/t.review")
t_ausearch=$(median <"$work/t.ausearch")
ev_review=$(wc -l <"$work/review.out")
ev_ausearch=$(grep -c '^----' "$work/ausearch.out" || true)

ratio() { echo "$1 / $2" | bc -l; }
echo "# $(nproc) cores, auditd running; medians of $RUNS alternating runs"
printf '%-6s %12s %12s %12s %12s %9s %9s %9s\n' "" "none /s" "1 rule /s" "per-agent /s" "shared /s" \
        "1 rule" "per-agent" "shared"
for kind in stat open exec; do
        printf '%-6s %12s %12s %12s %12s %8.3fx %8.3fx %8.3fx\n' "$kind" "${rate[none.$kind]}" "${rate[one.$kind]}" \
                "${rate[rules.$kind]}" "${rate[shared.$kind]}" "$(ratio "${rate[none.$kind]}" "${rate[one.$kind]}")" \
                "$(ratio "${rate[none.$kind]}" "${rate[rules.$kind]}")" "$(ratio "${rate[none.$kind]}" "${rate[shared.$kind]}")"
done
echo "(100 agents: per-agent = $nrules rules keyed paddock-NAME, shared = 6 rules keyed paddock-agents)"
echo "(cost to a process that is not an agent; goal: <= 1.05x)"
printf 'log of %s records (%s copies of %s real ones)\n' "$total" "$copies" "$recs"
printf 'paddock-audit review %s:  %6.2f s, %s events\n' "$a1" "$t_review" "$ev_review"
printf 'ausearch -k paddock-%s -i: %6.2f s, %s events\n' "$a1" "$t_ausearch" "$ev_ausearch"
printf 'review / ausearch: %.2fx (goal: <= 1.00x)\n' "$(ratio "$t_review" "$t_ausearch")"
