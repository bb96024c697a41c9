#!/bin/bash
# getpwuid_r() of a per-task identity through nss_paddock against the same
# lookup of a local user through nss_files, N lookups each (default 1M),
# alternating, median of RUNS. In a mount namespace of its own: the test's
# /run/paddock/ephemeral (10 identities, the one looked up last) and an
# nsswitch.conf "passwd: files paddock" bound over the host's; the local
# user is the last line of /etc/passwd, so both lookups read a whole file.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
require_root
require_cmd unshare
N=${N:-1000000}
RUNS=${RUNS:-5}
if [ "${1:-}" != inner ]; then
        exec unshare -m --propagation private "$0" inner
fi
[ "$(readlink /proc/self/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] || { echo "not in a private mount namespace" >&2; exit 1; }
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir /run/paddock
U=1879048192
for i in $(seq 0 9); do
        echo "$((U + i)) 70000 agent-bench-t$i bench $i 0"
done >/run/paddock/ephemeral
printf 'passwd: files paddock\ngroup: files paddock\n' >/run/nsswitch.conf
mount --bind /run/nsswitch.conf /etc/nsswitch.conf
export LD_LIBRARY_PATH="$PADDOCK_BUILDDIR/modules/.libs"
local_uid=$(tail -n 1 /etc/passwd | cut -d: -f3)
eph=$((U + 9))
getpw="$PADDOCK_BUILDDIR/tests/bench/getpw"
[ "$(getent passwd $eph | cut -d: -f1)" = agent-bench-t9 ] || { echo "nss_paddock does not answer" >&2; exit 1; }
declare -a F P
for ((r = 0; r < RUNS; r++)); do
        F+=("$("$getpw" "$local_uid" "$N")")
        P+=("$("$getpw" "$eph" "$N")")
done
f=$(printf '%s\n' "${F[@]}" | median)
p=$(printf '%s\n' "${P[@]}" | median)
echo "getpwuid_r, median of $RUNS x $N lookups ($(wc -l </etc/passwd) lines in /etc/passwd, 10 in the registry):"
printf '  nss_files, local uid %-10s %8.1f ns\n' "$local_uid" "$f"
printf '  nss_paddock, uid %-14s %8.1f ns   %.2fx nss_files (goal <= 1.5x)\n' "$eph" "$p" "$(echo "$p / $f" | bc -l)"
