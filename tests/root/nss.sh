#!/bin/bash
# libnss_paddock through glibc. In a mount namespace of its own: a tmpfs on
# /run with the test's /run/paddock/ephemeral, an nsswitch.conf naming
# "paddock" bound over the host's, the module from the build tree.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_root
require_cmd unshare getent setpriv
if [ "${1:-}" != inner ]; then
        exec unshare -m --propagation private "$0" inner
fi
[ "$(readlink /proc/self/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] || { echo "not in a private mount namespace" >&2; exit 1; }
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir /run/paddock
ns=$(mktemp /run/nsswitch.XXXXXX)
printf 'passwd: files paddock\ngroup: files paddock\nshadow: files\n' >"$ns"
chmod 0644 "$ns"
mount --bind "$ns" /etc/nsswitch.conf
export LD_LIBRARY_PATH="$PADDOCK_BUILDDIR/modules/.libs"
module="$PADDOCK_BUILDDIR/modules/.libs/libnss_paddock.so.2"
U=1879048192
# test-nss's own checks, as checks of this suite.
test_nss() {
        local l
        while IFS= read -r l; do
                case $l in
                "ok "*) ok "test-nss $1: ${l#ok * - }" ;;
                "not ok "*) not_ok "test-nss $1: ${l#not ok * - }" ;;
                "1.."*) ;;
                *) echo "$l" ;;
                esac
        done < <("$PADDOCK_BUILDDIR/tests/root/test-nss" "$module" "$1" 2>&1)
}
# NSS_DIRECT_ONLY=1 (the ASan build, whose module glibc's tools cannot
# load): only test-nss's direct calls, against a good and a corrupt registry.
if [ "${NSS_DIRECT_ONLY:-0}" = 1 ]; then
        printf '%s 70000 agent-a-t1 a 1 0\n' $U >/run/paddock/ephemeral
        test_nss good
        printf '%s 70000 agent-a-t1 a 1 0\ngarbage\n' $U >/run/paddock/ephemeral
        test_nss corrupt
        done_testing
fi
reg() { printf '%s' "$1" >/run/paddock/ephemeral.new && mv /run/paddock/ephemeral.new /run/paddock/ephemeral; }
reg "# paddock per-task identities
$U 70000 agent-a-t1 a 1 0
$((U + 1)) 70000 agent-a-t2 a 2 1795500000
"
check_eq "getent passwd by uid" "$(getent passwd $U)" \
        "agent-a-t1:*:$U:$U:paddock task 1 of agent a:/var/lib/paddock/agents/a:/usr/sbin/nologin"
check_eq "getent passwd by name" "$(getent passwd agent-a-t1 | cut -d: -f3)" "$U"
check_eq "an ended task's identity still resolves, marked" "$(getent passwd $((U + 1)) | cut -d: -f1,5)" \
        "agent-a-t2:paddock task 2 of agent a (expired)"
check_eq "getent group" "$(getent group agent-a-t1)" "agent-a-t1:*:$U:"
check_eq "id" "$(id agent-a-t1)" "uid=$U(agent-a-t1) gid=$U(agent-a-t1) groups=$U(agent-a-t1)"
f=$(mktemp /run/f.XXXXXX)
chown "$U:$U" "$f"
check_eq "ls -l names the owner" "$(ls -l "$f" | awk '{print $3 ":" $4}')" "agent-a-t1:agent-a-t1"
setpriv --reuid "$U" --regid "$U" --clear-groups sleep 5 &
pid=$!
sleep 0.2
check_eq "ps names the user" "$(ps -o user:32= -p "$pid" | tr -d ' ')" agent-a-t1
kill "$pid"
wait "$pid" 2>/dev/null
# ausearch -i names the identity in a record, running or ended.
if command -v ausearch >/dev/null; then
        log=$(mktemp /run/audit.XXXXXX)
        for u in $U $((U + 1)); do
                echo "type=SYSCALL msg=audit(1795500000.$((u % 1000)):$((u % 1000))): arch=c000003e syscall=59 success=yes exit=0 a0=0 a1=0 a2=0 a3=0 items=1 ppid=1 pid=2 auid=4242 uid=$u gid=$u euid=$u suid=$u fsuid=$u egid=$u sgid=$u fsgid=$u tty=(none) ses=3 comm=\"true\" exe=\"/bin/true\" key=(null)"
        done >"$log"
        out=$(ausearch -if "$log" -i 2>/dev/null)
        check "ausearch -i names a running task's identity" grep -q " uid=agent-a-t1 " <<<"$out"
        check "ausearch -i names an ended task's identity" grep -q " uid=agent-a-t2 " <<<"$out"
else
        ok "# SKIP ausearch not installed"
fi
getent passwd $((U + 7)) >/dev/null
check_eq "an unknown uid: not found" "$?" 2
check_eq "local users still resolve" "$(getent passwd 0 | cut -d: -f1)" root

test_nss good

for bad in "$U 70000 agent-a-t1 a 1 0" "$U 70000 agent-a-t1 a 1 0 extra
" "$U 70000 agent-a-t1 a 1 0
$U 70000 agent-a-t9 a 9 0
" "0 70000 root a 1 0
" "$U 70000 agent-a-t1 a ../x 0
" "$(head -c 3000 /dev/urandom | tr -d '\0')"; do
        reg "$bad"
        out=$(getent passwd $U)
        check_eq "a corrupt registry: no answer" "$?:$out" "2:"
done
reg "$U 70000 agent-a-t1 a 1 0
garbage
"
test_nss corrupt
rm -f /run/paddock/ephemeral
getent passwd $U >/dev/null
check_eq "no registry: not found" "$?" 2
done_testing
