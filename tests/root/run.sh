#!/bin/bash
# paddock-run where systemd does not run: the task runs as the agent with no
# capabilities, no_new_privs and the seccomp filter; the kernel's login uid
# is the human's, so ausearch -ua finds what the task did; USER_START and
# USER_END carry the task; stages hold; bad input starts nothing. Runs in a
# mount and network namespace of its own (tmpfs on /var/lib and /srv), with
# a real auditd; the host keeps its rules.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_root
require_cmd auditctl ausearch unshare renice setpriv
. "$top_srcdir/tests/audit-lib.sh"

if [ "${1:-}" != inner ]; then
        audit_start || skip_all "the kernel has no audit support here"
        auditctl -s | grep -q '^enabled 2' && skip_all "the kernel's audit rules are locked (-e 2)"
        unshare -m -n --propagation private "$0" inner
        rc=$?
        audit_stop
        exit $rc
fi

# Only ever in the namespace made above: never over the host's /var/lib.
[ "$(readlink /proc/self/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] || { echo "not in a private mount namespace" >&2; exit 1; }
mount -t tmpfs -o mode=0755 tmpfs /var/lib
mount -t tmpfs -o mode=0755 tmpfs /srv
root=$(make_root)
name="rn$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
base=$((70000 + $(od -An -N2 -tu2 /dev/urandom) % 29000))
human=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 10000))   # a uid with no name
printf '[Users]\nUIDRange=%s-%s\n' "$base" $((base + 9)) >"$root/etc/paddock/paddock.conf"
mkdir -p "/srv/$name"
write_agent "$root" "$name" "MaxStage=draft" "[Service]" "ReadWritePaths=/srv/$name"
write_agent "$root" "${name}f" "[Service]" "ReadWritePaths=/srv/$name"
write_agent "$root" "${name}n" "[Egress]" "Allow=192.0.2.1:443"
cleanup() {
        paddock-audit --root "$root" -q remove "$name" "${name}f" >/dev/null 2>&1
        rm -rf "$root"
}
trap cleanup EXIT
paddock-users --root "$root" -q apply
paddock-audit --root "$root" -q apply "$name" "${name}f"
uid=$(awk -F: -v u="agent-$name" '$1 == u {print $3}' "$root/etc/passwd")
uidf=$(awk -F: -v u="agent-${name}f" '$1 == u {print $3}' "$root/etc/passwd")
# Writable by anyone: only the mounts decide.
chmod 0777 "/srv/$name"
# The state directories paddock-users made below the root, here for real.
for n in "$name" "${name}f" "${name}n"; do
        install -d -m 0700 -o "agent-$n" -g "agent-$n" "/var/lib/paddock/agents/$n" 2>/dev/null ||
                install -d -m 0700 -o "$(awk -F: -v u="agent-$n" '$1 == u {print $3}' "$root/etc/passwd")" \
                        -g "$(awk -F: -v u="agent-$n" '$1 == u {print $4}' "$root/etc/passwd")" "/var/lib/paddock/agents/$n"
done
run() { paddock-run --root "$root" -q "$@"; }

# Identity and confinement, read by the task itself.
out=$(run --agent "$name" --task t1 --on-behalf-of "$human" --stage read-only -- \
        /bin/sh -c 'id -u; id -G; grep -E "^(CapEff|CapPrm|CapInh|CapBnd|CapAmb|NoNewPrivs|Seccomp):" /proc/self/status; cat /proc/self/loginuid; echo; cat /proc/self/sessionid' 2>&1)
rc=$?
check_eq "task t1: exit 0" "$rc" 0
check_eq "the task runs as the agent's uid" "$(sed -n 1p <<<"$out")" "$uid"
check_eq "... with only the agent's group" "$(sed -n 2p <<<"$out")" "$uid"
for f in CapEff CapPrm CapInh CapBnd CapAmb; do
        check_eq "$f is empty" "$(awk -v f="$f:" '$1 == f {print $2}' <<<"$out")" 0000000000000000
done
check_eq "NoNewPrivs 1" "$(awk '$1 == "NoNewPrivs:" {print $2}' <<<"$out")" 1
check_eq "Seccomp 2 (filter)" "$(awk '$1 == "Seccomp:" {print $2}' <<<"$out")" 2
check_eq "the task's login uid is the human's" "$(sed -n 10p <<<"$out")" "$human"
ses=$(sed -n 11p <<<"$out")
check "the task has an audit session of its own" test "$ses" -gt 0 -a "$ses" != 4294967295

# A forbidden system call fails with EPERM and is logged. Raising one's own
# nice value needs no privilege: only the filter can refuse it.
out=$(run --agent "$name" --task t2 --on-behalf-of "$human" -- /bin/sh -c 'renice -n 5 -p $$' 2>&1)
check "setpriority() (in @resources) fails with EPERM" grep -q "Operation not permitted" <<<"$out"
out=$(setpriv --reuid "$uid" --regid "$uid" --clear-groups /bin/sh -c 'renice -n 5 -p $$' 2>&1)
check "... and succeeds for the same uid without the filter" grep -q "new priority 5" <<<"$out"
found() { # ausearch-args... -- pattern
        local i args=()
        while [ "$1" != -- ]; do args+=("$1"); shift; done
        for i in $(seq 50); do
                ausearch "${args[@]}" 2>/dev/null | grep -q -- "$2" && return 0
                sleep 0.1
        done
        return 1
}
check "a SECCOMP record: setpriority, by the agent, for the human" \
        found -m SECCOMP -ua "$human" -ts recent -- "uid=$uid .*syscall=141"

# What the human's agents did: ausearch by login uid.
run --agent "$name" --task t3 --on-behalf-of "$human" -- /bin/true "marker-$name" >/dev/null 2>&1
check "ausearch -ua finds the task's execve, uid the agent's" \
        found -ua "$human" -k "paddock-$name" -ts recent --raw -- "type=SYSCALL.*syscall=59 .*auid=$human uid=$uid "
check "... with the command line" found -ua "$human" -k "paddock-$name" -ts recent -i -- "proctitle=/bin/true marker-$name"
check "USER_START: the task, the human, the stage, its session" \
        found -m USER_START -ts recent --raw -- "auid=$human .*op=task-start acct=\"agent-$name\" id=$uid task=\"t3\" human-uid=\"$human\" stage=\"draft\" task-ses=\"[0-9]*\" .*terminal=task-t3 res=success"
run --agent "$name" --task t4 --on-behalf-of "$human" -- /bin/sh -c 'exit 3' >/dev/null 2>&1
check_eq "paddock-run exits with the task's status" "$?" 3
check "USER_END: the task's exit status, res=failed" \
        found -m USER_END -ts recent --raw -- "auid=$human .*op=task-end .*task=\"t4\" .*exit=\"3\" exit-code=\"exited\" .*terminal=task-t4 res=failed"
out=$(paddock-audit --root "$root" review "$name" --task t3 --since recent 2>&1)
check "review --task: the task's start, its execve and its end" \
        bash -c 'grep -q "task-start.*task=t3" <<<"$1" && grep -q "exec.*marker-'"$name"'" <<<"$1" && grep -q "task-end.*task=t3" <<<"$1"' _ "$out"
check "review --task: nothing of other tasks" bash -c '! grep -q "task=t4" <<<"$1"' _ "$out"
out=$(paddock-audit --root "$root" review --on-behalf-of "$human" --since recent 2>&1)
check "review --on-behalf-of: the human's tasks t1 to t4" \
        bash -c 'for t in t1 t2 t3 t4; do grep -q "task-start.*task=$t" <<<"$1" || exit 1; done' _ "$out"

# Stages.
state=/var/lib/paddock/agents/$name
writes() { # stage agent -> the places the task could write, one per line
        run --agent "$2" --task "w-$1" --on-behalf-of "$human" --stage "$1" -- /bin/sh -c '
                for p in "$0" "$0/drafts" /srv/'"$name"' /var/lib /etc /; do
                        touch "$p/.w-$1" 2>/dev/null && echo "$p"
                done
                touch /tmp/.w-$1 && echo /tmp' "/var/lib/paddock/agents/$2" "$1" 2>/dev/null
}
check_eq "read-only: writes nowhere but its private /tmp" "$(writes read-only "$name" | tr '\n' ' ')" "/tmp "
check_eq "draft: writes only under drafts" "$(writes draft "$name" | tr '\n' ' ')" "$state/drafts /tmp "
check_eq "full: the state directory and ReadWritePaths=" \
        "$(writes full "${name}f" | tr '\n' ' ')" "/var/lib/paddock/agents/${name}f /srv/$name /tmp "
check "the private /tmp is gone afterwards" test ! -e /tmp/.w-read-only
check "what the draft wrote is there" test -e "$state/drafts/.w-draft"
out=$(run --agent "$name" --task t5 --on-behalf-of "$human" --stage full -- /bin/true 2>&1)
rc=$?
check_eq "a stage above MaxStage=: exit 1" "$rc" 1
check "... said clearly" grep -q "Stage full is above agent $name's MaxStage=draft; refusing" <<<"$out"
check "... and recorded: USER_START res=failed, reason" \
        found -m USER_START -ts recent --raw -- "task=\"t5\" human-uid=\"$human\" stage=\"full\".*reason=\"stage-above-max\".*res=failed"

# Egress: no task while the agent's fence is not loaded (none is, here).
out=$(run --agent "${name}n" --task t6 --on-behalf-of "$human" -- /bin/true 2>&1)
check_eq "an agent with egress and no fence loaded: refused" "$?" 1
check "... recorded with the reason" found -m USER_START -ts recent --raw -- "task=\"t6\".*reason=\"no-egress-fence\".*res=failed"

# The login uid stays someone else's when we may not change it.
other=$((human + 1))
mismatch() {
        /bin/sh -c "echo $other >/proc/self/loginuid && exec setpriv --bounding-set=-audit_control --inh-caps=-audit_control \"\$@\"" _ \
                paddock-run --root "$root" -q "$@"
}
out=$(mismatch --agent "$name" --task t7 --on-behalf-of "$human" -- /bin/true 2>&1)
check_eq "login uid of someone else, unchangeable: refused" "$?" 1
check "... said clearly" grep -q "cannot become $human's" <<<"$out"
check "... recorded: auid the other, human-uid the human, res=failed" \
        found -m USER_START -ts recent --raw -- "auid=$other .*task=\"t7\" human-uid=\"$human\".*reason=\"auid-mismatch\".*res=failed"
out=$(mismatch --allow-auid-mismatch --agent "$name" --task t8 --on-behalf-of "$human" -- cat /proc/self/loginuid 2>/dev/null)
check_eq "--allow-auid-mismatch: runs, under the other login uid" "$out" "$other"
check "... and records both" found -m USER_START -ts recent --raw -- "auid=$other .*task=\"t8\" human-uid=\"$human\".*res=success"

# Bad input: a clear error, exit 2, nothing started.
marker=/var/lib/paddock/marker
bad() { # description expected-message args...
        local desc=$1 msg=$2
        shift 2
        out=$(paddock-run --root "$root" "$@" 2>&1)
        local rc=$?
        check "$desc: exit 2, \"$msg\", nothing ran" \
                bash -c '[ "$1" = 2 ] && grep -qF -- "$2" <<<"$3" && [ ! -e '"$marker"' ]' _ "$rc" "$msg" "$out"
}
bad "unknown agent" "No such agent: nosuch" --agent nosuch --task x --on-behalf-of "$human" -- touch "$marker"
bad "unknown user" "No such user: \"no-such-user-$name\"" --agent "$name" --task x --on-behalf-of "no-such-user-$name" -- touch "$marker"
bad "hostile user" "No such user" --agent "$name" --task x --on-behalf-of 'root:x:0' -- touch "$marker"
for t in ../x 'a b' 'x;y' '-x' 'a.b' 'a%n' "$(printf 'a\nb')" "$(head -c 65 /dev/zero | tr '\0' a)" ''; do
        bad "task id $(printf %q "$t")" "Invalid task id" --agent "$name" --task "$t" --on-behalf-of "$human" -- touch "$marker"
done
bad "missing --" "Expected \"--\" before the command" --agent "$name" --task x --on-behalf-of "$human" touch "$marker"
bad "nothing after --" "No command given" --agent "$name" --task x --on-behalf-of "$human" --
check "no record names a bad task id" bash -c '! ausearch -m USER_START -ts recent --raw 2>/dev/null | grep -q "terminal=task-\(\.\.\|a b\|x;y\)"'

done_testing
