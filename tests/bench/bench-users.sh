#!/bin/bash
# Provision N agents (default 1000) into an empty --root with paddock-users,
# and the same N users with (a) a loop of "useradd --prefix ROOT --system"
# and (b) systemd-sysusers --root on an equivalent sysusers.d file, all in
# this run. Prints seconds (median of $RUNS runs) and per-user ratios.
#
# The system range of useradd and sysusers holds fewer than 1000 users:
# useradd gets paddock's range as its system range in the root's
# login.defs and allocates in it; sysusers gets the uids paddock would
# give (70000 + i) written into its file.
# paddock-users does more per user than either: it also allocates through
# its registry, creates the 0700 state directory and sends the audit
# records (ADD_GROUP, ADD_USER, USYS_CONFIG). useradd sends its own.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$top_srcdir/tests/audit-lib.sh"
require_root
require_cmd useradd systemd-sysusers
N=${N:-1000}
RUNS=${RUNS:-5}
work=$(mktemp -d)
backlog=
cleanup() {
        [ -n "$backlog" ] && auditctl -b "$backlog" >/dev/null
        mountpoint -q "$work" && umount "$work"
        rm -rf "$work"
        audit_stop
}
trap cleanup EXIT
# BENCH_TMPFS=1: roots on a tmpfs, so that the figures measure the tools
# and not the file system (ext4's inode allocator slows down on the
# thousands of directories each run deletes and recreates).
[ "${BENCH_TMPFS:-0}" = 1 ] && mount -t tmpfs -o mode=0700 tmpfs "$work"
if audit_start; then
        # Debian's default audit.rules raise the kernel's backlog to 8192;
        # an auditd started by hand keeps the kernel default of 64, where
        # every tool that sends records waits for auditd to catch up.
        backlog=$(auditctl -s | awk '/^backlog_limit/ {print $2}')
        auditctl -b 8192 >/dev/null
else
        echo "# no audit support here: records are dropped by the kernel"
fi

base() { # a fresh root with a minimal user database and login.defs
        local r=$1
        rm -rf "$r"
        mkdir -p "$r/etc/paddock/agents.d" "$r/usr/sbin"
        printf 'root:x:0:0:root:/root:/bin/sh\n' >"$r/etc/passwd"
        printf 'root:*:19000:0:99999:7:::\n' >"$r/etc/shadow"
        printf 'root:x:0:\n' >"$r/etc/group"
        printf 'root:*::\n' >"$r/etc/gshadow"
        # useradd --system allocates from SYS_UID_MIN..SYS_UID_MAX of the
        # root's login.defs: give it paddock's range, so that it allocates
        # uids (and equal gids) the way paddock-users does.
        sed -e '/^#\?SYS_[UG]ID_M[AI][XN]/d' /etc/login.defs >"$r/etc/login.defs"
        printf 'SYS_UID_MIN 70000\nSYS_UID_MAX 79999\nSYS_GID_MIN 70000\nSYS_GID_MAX 79999\n' >>"$r/etc/login.defs"
        touch "$r/usr/sbin/nologin"
}

names=()
for i in $(seq 0 $((N - 1))); do names+=("$(printf 'b%04d' "$i")"); done
mkdir -p "$work/agents" "$work/sysusers.d"
for n in "${names[@]}"; do
        printf '[Agent]\nOwner=alice\nDescription=benchmark agent %s\n' "$n" >"$work/agents/$n.agent"
done
i=0
for n in "${names[@]}"; do
        echo "u agent-$n $((70000 + i)) \"benchmark agent $n\" /var/lib/paddock/agents/$n /usr/sbin/nologin"
        i=$((i + 1))
done >"$work/sysusers.d/paddock-bench.conf"

now() { date +%s.%N; }

run_paddock() {
        base "$work/r"
        cp "$work"/agents/*.agent "$work/r/etc/paddock/agents.d/"
        local t0; t0=$(now)
        paddock-users --root "$work/r" -q apply
        echo "$(now) - $t0" | bc
        [ "$(grep -c '^agent-' "$work/r/etc/passwd")" = "$N" ] || { echo "paddock-users created too few users" >&2; exit 1; }
}

run_paddock_identities() {
        base "$work/r"
        cp "$work"/agents/*.agent "$work/r/etc/paddock/agents.d/"
        # The state directories exist already (as after a restore from
        # backup): only users, groups and their two records per agent.
        local i=0 n
        mkdir -p "$work/r/var/lib/paddock/agents"
        for n in "${names[@]}"; do
                install -d -m 0700 -o $((70000 + i)) -g $((70000 + i)) "$work/r/var/lib/paddock/agents/$n"
                i=$((i + 1))
        done
        local t0; t0=$(now)
        paddock-users --root "$work/r" -q apply
        echo "$(now) - $t0" | bc
        [ "$(grep -c '^agent-' "$work/r/etc/passwd")" = "$N" ] || { echo "paddock-users created too few users" >&2; exit 1; }
}

run_useradd() {
        base "$work/r"
        local t0 n; t0=$(now)
        for n in "${names[@]}"; do
                useradd --prefix "$work/r" --system -U -M \
                        -d "/var/lib/paddock/agents/$n" -s /usr/sbin/nologin -c "benchmark agent $n" "agent-$n" \
                        >>"$work/useradd.log" 2>&1 || { tail -n 5 "$work/useradd.log" >&2; exit 1; }
        done
        echo "$(now) - $t0" | bc
        [ "$(grep -c '^agent-' "$work/r/etc/passwd")" = "$N" ] || { echo "useradd created too few users" >&2; exit 1; }
}

run_sysusers() {
        base "$work/r"
        mkdir -p "$work/r/usr/lib/sysusers.d"
        cp "$work/sysusers.d/paddock-bench.conf" "$work/r/usr/lib/sysusers.d/"
        local t0; t0=$(now)
        systemd-sysusers --root "$work/r" >/dev/null 2>&1
        echo "$(now) - $t0" | bc
        [ "$(grep -c '^agent-' "$work/r/etc/passwd")" = "$N" ] || { echo "systemd-sysusers created too few users" >&2; exit 1; }
}

declare -A t
tools="paddock paddock_identities useradd sysusers"
for tool in $tools; do
        t[$tool]=$(for r in $(seq "$RUNS"); do "run_$tool"; done | median)
done

fs=$(df -T "$work" | awk 'NR==2 {print $2}')
echo "# $N users into an empty root on $fs, median of $RUNS runs, $(nproc) cores, auditd $(pgrep -x auditd >/dev/null && echo running || echo absent)"
printf '%-52s %9s %12s\n' "tool" "seconds" "us per user"
for tool in $tools; do
        case $tool in
                paddock) label="paddock-users apply (+ state dirs, 3 records each)";;
                paddock_identities) label="paddock-users apply (state dirs exist, 2 records)";;
                useradd) label="useradd --prefix --system loop (1 record each)";;
                sysusers) label="systemd-sysusers --root (no records)";;
        esac
        printf '%-52s %9.3f %12.1f\n' "$label" "${t[$tool]}" "$(echo "${t[$tool]} * 1000000 / $N" | bc -l)"
done
ratio() { echo "$1 / $2" | bc -l; }
printf 'useradd loop / paddock-users:                      %6.1fx  (goal >= 25x)\n' "$(ratio "${t[useradd]}" "${t[paddock]}")"
printf 'paddock-users / systemd-sysusers, everything:      %6.2fx  (goal <= 2x)\n' "$(ratio "${t[paddock]}" "${t[sysusers]}")"
printf 'paddock-users / systemd-sysusers, identities only: %6.2fx  (goal <= 2x)\n' "$(ratio "${t[paddock_identities]}" "${t[sysusers]}")"
