#!/bin/bash
# Start-to-exit time of /bin/true as a task, in the same run, alternating:
# (a) without systemd: paddock-run --no-systemd (new mount and network
#     namespaces, limits, no capabilities, no_new_privs, seccomp, uid, task
#     records) against bwrap with comparable isolation and a bare fork/exec;
# (b) in a booted systemd (nspawn): paddock-run --wait against systemd-run
#     --wait with the same properties (paddock-units render of the agent).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
require_root
require_cmd bwrap unshare
N=${N:-200}
RUNS=${RUNS:-5}
# Milliseconds per run of "$@", N times.
per_run() {
        local t0 t1 i
        t0=$(date +%s%N)
        for ((i = 0; i < N; i++)); do "$@" >/dev/null 2>&1 || true; done
        t1=$(date +%s%N)
        echo "scale=3; ($t1 - $t0) / 1000000 / $N" | bc
}

if [ "${1:-}" = systemd ]; then
        # (b) In a booted container.
        . "$top_srcdir/tests/system/lib-nspawn.sh"
        ns_require
        C=bench-run-$$
        trap 'ns_stop $C' EXIT
        ns_boot "$C" || skip_all "systemd-nspawn cannot boot a container on this host"
        mkdir -p "$NS_ROOT/etc/paddock/agents.d"
        printf '[Agent]\nOwner=alice\n' >"$NS_ROOT/etc/paddock/agents.d/bench.agent"
        ns "$C" useradd -u 1234 alice
        ns "$C" paddock-users -q apply
        # The agent's sandbox as systemd-run properties, from its unit file.
        mapfile -t props < <(ns "$C" paddock-units render bench |
                sed -n '/^\[Service\]/,$p' | grep -E '^[A-Z][A-Za-z]*=' | grep -Ev '^(ExecStart|ExecStartPre|Type|Restart|RestartSec)=' |
                sed 's/^/-p/')
        paddock=(ns "$C" paddock-run -q --wait --agent bench --task b --on-behalf-of alice -- /bin/true)
        # (1) the sandbox alone; (2) every property of the task's unit: the
        # sandbox, the PAM session that takes the login uid, the wrapper
        # that reports the audit session and the ExecStopPost= that records
        # the end. (2) is what paddock-run asks of systemd; the goal is
        # judged against it, (1) shows what the session and records cost.
        x=/usr/libexec/paddock/paddock-task-exec
        uid=$(grep '^agent-bench:' "$NS_ROOT/etc/passwd" | cut -d: -f3)
        sdrun=(ns "$C" systemd-run -q --wait "${props[@]}" /bin/true)
        same=(ns "$C" systemd-run -q --wait "${props[@]}" -p PAMName=paddock-task -p Type=notify
              -p CollectMode=inactive-or-failed
              -p "Environment=PADDOCK_AGENT=bench PADDOCK_TASK=b PADDOCK_STAGE=full PADDOCK_ON_BEHALF_OF=alice PADDOCK_HUMAN_UID=1234"
              -p "ExecStopPost=+$x end bench agent-bench $uid b 1234 alice full" "$x" start -- /bin/true)
        "${paddock[@]}" || { echo "paddock-run failed" >&2; exit 1; }
        "${sdrun[@]}" || { echo "systemd-run failed" >&2; exit 1; }
        "${same[@]}" || { echo "systemd-run with the task's properties failed" >&2; exit 1; }
        declare -a P S A
        for ((r = 0; r < RUNS; r++)); do
                S+=("$(per_run "${sdrun[@]}")")
                A+=("$(per_run "${same[@]}")")
                P+=("$(per_run "${paddock[@]}")")
        done
        p=$(printf '%s\n' "${P[@]}" | median)
        s=$(printf '%s\n' "${S[@]}" | median)
        a=$(printf '%s\n' "${A[@]}" | median)
        echo "under systemd (${#props[@]} sandbox properties), /bin/true, median of $RUNS x $N runs:"
        printf '  systemd-run --wait, sandbox only      %8.3f ms\n' "$s"
        printf '  systemd-run --wait, same properties   %8.3f ms\n' "$a"
        printf '  paddock-run --wait                    %8.3f ms   %.2fx same properties (goal <= 1x), %.2fx sandbox only\n' \
                "$p" "$(echo "$p / $a" | bc -l)" "$(echo "$p / $s" | bc -l)"
        exit 0
fi
if [ "${1:-}" != inner ]; then
        unshare -m -n --propagation private "$0" inner
        exec "$0" systemd
fi
# Only ever in the namespace made above: never over the host's /var/lib.
[ "$(readlink /proc/self/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] || { echo "not in a private mount namespace" >&2; exit 1; }
mount -t tmpfs -o mode=0755 tmpfs /var/lib
root=$(make_root)
trap 'rm -rf "$root"' EXIT
printf '[Users]\nUIDRange=79900-79909\n' >"$root/etc/paddock/paddock.conf"
write_agent "$root" bench
paddock-users --root "$root" -q apply
install -d -m 0700 -o 79900 -g 79900 /var/lib/paddock/agents/bench

paddock=(paddock-run --root "$root" -q --no-systemd --agent bench --task b --on-behalf-of 4242 -- /bin/true)
bwrap=(bwrap --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp --unshare-all --uid 79900 --gid 79900
       --cap-drop ALL --new-session --die-with-parent /bin/true)
"${paddock[@]}" || { echo "paddock-run failed" >&2; exit 1; }
"${bwrap[@]}" || { echo "bwrap failed" >&2; exit 1; }

declare -a P B F
for ((r = 0; r < RUNS; r++)); do
        F+=("$(per_run /bin/true)")
        B+=("$(per_run "${bwrap[@]}")")
        P+=("$(per_run "${paddock[@]}")")
done
p=$(printf '%s\n' "${P[@]}" | median)
b=$(printf '%s\n' "${B[@]}" | median)
f=$(printf '%s\n' "${F[@]}" | median)
echo "without systemd, /bin/true, median of $RUNS x $N runs:"
printf '  fork/exec            %8.3f ms\n' "$f"
printf '  bwrap                %8.3f ms\n' "$b"
printf '  paddock-run          %8.3f ms   %.2fx bwrap (goal <= 2x), %.1fx fork/exec\n' "$p" \
        "$(echo "$p / $b" | bc -l)" "$(echo "$p / $f" | bc -l)"
