#!/bin/bash
# paddock-run --ephemeral where systemd does not run: the task runs as a
# fresh uid from EphemeralUIDRange= in its own group and the agent's, which
# nss_paddock resolves while it runs and, marked ended, after; the uid is in
# the agent's egress fence exactly while the task runs (and stays there
# through a re-apply of the fence); no uid is given twice. In a mount and a
# network namespace of its own (only loopback), tmpfs on /var/lib and /run,
# an nsswitch.conf with "paddock" bound over the host's.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_root
require_cmd nft unshare python3 getent
. "$top_srcdir/tests/netns/lib-netns.sh"
if [ "${1:-}" != inner ]; then
        exec unshare -m --propagation private "$0" inner
fi
[ "$(readlink /proc/self/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] || { echo "not in a private mount namespace" >&2; exit 1; }
netns_enter "$@"
mount -t tmpfs -o mode=0755 tmpfs /var/lib
mount -t tmpfs -o mode=0755 tmpfs /run
root=$(make_root)
mkdir -p "$root/run/paddock" /run/paddock
mount --bind "$root/run/paddock" /run/paddock
printf 'passwd: files paddock\ngroup: files paddock\n' >/run/nsswitch.conf
mount --bind /run/nsswitch.conf /etc/nsswitch.conf
export LD_LIBRARY_PATH="$PADDOCK_BUILDDIR/modules/.libs"
pids=()
cleanup() {
        for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
        rm -rf "$root"
}
trap cleanup EXIT

ALLOWED=192.0.2.10 DENIED=192.0.2.20
add_addresses $ALLOWED $DENIED
python3 "$top_srcdir/tests/netns/servers.py" "$ALLOWED:8080" "$DENIED:8080" >/run/servers.log 2>&1 &
pids+=($!)
for i in $(seq 50); do grep -q ready /run/servers.log 2>/dev/null && break; sleep 0.1; done

printf '[Egress]\nDNS=192.0.2.53\n[Tasks]\nEphemeralUIDRange=1879048192-1879048194\n' >"$root/etc/paddock/paddock.conf"
write_agent "$root" web '[Egress]' "Allow=$ALLOWED:8080"
write_agent "$root" off
paddock-users --root "$root" -q apply
paddock-egress --root "$root" -q apply
web=$(awk -F: '$1 == "agent-web" {print $3}' "$root/etc/passwd")
for n in web off; do
        u=$(awk -F: -v u="agent-$n" '$1 == u {print $3}' "$root/etc/passwd")
        install -d -m 0700 -o "$u" -g "$u" "/var/lib/paddock/agents/$n"
done
U=1879048192
run() { paddock-run --root "$root" --no-systemd -q --on-behalf-of 4242 "$@"; }
in_fence() { nft list map inet paddock agents | grep -q "$1 : goto $2"; }

# A task that reports, then waits until we have looked from outside.
run --agent web --task t1 --ephemeral -- /bin/bash -c '
        id -u; id -g; id -G
        (exec 3<>/dev/tcp/'$ALLOWED'/8080 && head -c2 <&3) 2>&1; echo
        (exec 3<>/dev/tcp/'$DENIED'/8080 && head -c2 <&3) 2>&1 | grep -o "refused" ; echo
        for i in $(seq 100); do [ -e /tmp/go ] && break; sleep 0.05; done
        sleep 1' >/run/t1.out 2>&1 &
task=$!
for i in $(seq 100); do [ "$(wc -l </run/t1.out)" -ge 5 ] && break; sleep 0.05; done
check_eq "the task runs as the first uid of the range" "$(sed -n 1p /run/t1.out)" "$U"
check_eq "... in a group of its own" "$(sed -n 2p /run/t1.out)" "$U"
check_eq "... and the agent's" "$(sed -n 3p /run/t1.out | tr ' ' '\n' | sort -n | tr '\n' ' ')" "$web $U "
check_eq "it reaches what the agent may" "$(sed -n 4p /run/t1.out)" ok
check_eq "... and nothing else (refused at once)" "$(sed -n 5p /run/t1.out)" refused
check_eq "getent passwd while it runs" "$(getent passwd $U)" \
        "agent-web-tt1:*:$U:$U:paddock task t1 of agent web:/var/lib/paddock/agents/web:/usr/sbin/nologin"
check_eq "id while it runs" "$(id agent-web-tt1)" "uid=$U(agent-web-tt1) gid=$U(agent-web-tt1) groups=$U(agent-web-tt1)"
check "its uid is in the agent's fence while it runs" in_fence "$U" agent-web
check "... and stays through a new apply of the fence" paddock-egress --root "$root" -q apply
write_agent "$root" web2 '[Egress]' "Allow=$DENIED:8080"
paddock-users --root "$root" -q apply
paddock-egress --root "$root" -q apply
check "... that rebuilt the maps" in_fence "$U" agent-web
pid=$(pgrep -u "$U" -f 'sleep' | head -n1)
check_eq "ps names the task's user" "$(ps -o user:32= -p "${pid:-1}" | tr -d ' ')" agent-web-tt1
touch /tmp/go 2>/dev/null
wait "$task"
check_eq "the task exits 0" "$?" 0
check "after it: the uid is out of the fence" bash -c "! nft list map inet paddock agents | grep -q '$U :'"
check "... and, out of it, reaches nothing: refused at once" \
        result_within "$(connect_as "$U" $ALLOWED 8080)" ECONNREFUSED 200
check_eq "after it: still resolvable, marked ended" "$(getent passwd $U | cut -d: -f1,5)" \
        "agent-web-tt1:paddock task t1 of agent web (expired)"
check_eq "the counter keeps the last uid given" "$(cat "$root/var/lib/paddock/ephemeral-last")" "$U"

# The same task id again: a new uid, and a name that says so.
out=$(run --agent web --task t1 --ephemeral -- /bin/sh -c 'id -u; id -un' 2>&1)
check_eq "the same task again: a new uid, never the old one" "$(sed -n 1p <<<"$out")" $((U + 1))
check_eq "... named apart" "$(getent passwd $((U + 1)) | cut -d: -f1)" "agent-web-tt1.1"
# An offline agent: no fence to join, no network at all.
out=$(run --agent off --task o1 --ephemeral -- /bin/sh -c 'id -u; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "' 2>&1)
check_eq "an offline agent's task: its own uid, only lo" "$(tr '\n' ' ' <<<"$out")" "$((U + 2)) lo "
# The range is used up: refused, nothing run.
out=$(run --agent web --task t9 --ephemeral -- /bin/sh -c 'echo ran' 2>&1)
rc=$?
check_eq "a used-up range: exit 1" "$rc" 1
check "... said, and nothing ran" bash -c "grep -q 'identity for the task' <<<\"\$1\" && ! grep -q ran <<<\"\$1\"" _ "$out"
out=$(run --agent web --task d1 --ephemeral --stage draft -- /bin/true 2>&1)
check_eq "--ephemeral at the draft stage: refused" "$?" 1
done_testing
