#!/bin/bash
# paddock-run in a real, booted systemd: the task is a transient unit with
# the agent's sandbox (the same properties and the same systemd-analyze
# security findings and score as the agent's own unit), runs as the agent
# under the human's login uid (taken by pam_paddock before the user
# namespace) with no capabilities, no_new_privs and the seccomp filter;
# --wait returns its status; stages hold; a stage above MaxStage= is
# refused. And pam_paddock enabled the Debian way: su and login refused
# for an agent, fine for a human.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/system/lib-nspawn.sh"
ns_require
C=run-$$
trap 'ns_stop $C' EXIT
ns_boot "$C" || skip_all "systemd-nspawn cannot boot a container on this host"
R=$NS_ROOT

mkdir -p "$R/etc/paddock/agents.d" "$R/srv/out"
cat >"$R/etc/paddock/agents.d/tk.agent" <<'A'
[Agent]
Owner=alice
MaxStage=draft
[Service]
ExecStart=/bin/sleep infinity
ReadWritePaths=/srv/out
A
# The same agent without a MaxStage=, for comparing at the full stage.
sed '/^MaxStage=/d' "$R/etc/paddock/agents.d/tk.agent" >"$R/etc/paddock/agents.d/tf.agent"
ns "$C" useradd -u 1234 -m alice
ns "$C" paddock-users -q apply
ns "$C" systemctl daemon-reload
chmod 0777 "$R/srv/out"
uid=$(grep '^agent-tk:' "$R/etc/passwd" | cut -d: -f3)
run() { ns "$C" paddock-run -q --agent tk --on-behalf-of alice "$@"; }

out=$(run --task s1 --wait --pipe -- /bin/sh -c 'id -u; grep -E "^(CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):" /proc/self/status; cat /proc/self/loginuid; echo; cat /proc/self/sessionid; echo; echo "$PADDOCK_TASK $PADDOCK_STAGE $PADDOCK_ON_BEHALF_OF"' 2>&1)
check_eq "--wait --pipe: exit 0" "$?" 0
check_eq "the task runs as the agent" "$(sed -n 1p <<<"$out")" "$uid"
for f in CapEff CapBnd CapAmb; do
        check_eq "$f is empty" "$(awk -v f="$f:" '$1 == f {print $2}' <<<"$out")" 0000000000000000
done
check_eq "NoNewPrivs 1" "$(awk '$1 == "NoNewPrivs:" {print $2}' <<<"$out")" 1
check_eq "Seccomp 2" "$(awk '$1 == "Seccomp:" {print $2}' <<<"$out")" 2
# Inside the user namespace alice's uid is not mapped: it reads as unset.
check_eq "inside, the login uid is not the agent's or root's" "$(sed -n 7p <<<"$out")" 4294967295
check "an audit session of its own" test "$(sed -n 8p <<<"$out")" != 4294967295
check_eq "the task's environment" "$(sed -n 9p <<<"$out")" "s1 draft alice"
run --task s2 --wait -- /bin/sh -c 'exit 7'
check_eq "--wait returns the task's exit status" "$?" 7
out=$(run --task s3 --pipe --wait -- /bin/sh -c 'renice -n 5 -p $$' 2>&1)
check "a forbidden call (setpriority) fails with EPERM" grep -q "Operation not permitted" <<<"$out"
out=$(run --task 'x;y' -- /bin/true 2>&1)
check_eq "a hostile task id: exit 2" "$?" 2

# The same sandbox as the agent's own unit: properties and analysis.
ns "$C" systemctl start agent-tf.service
ns "$C" paddock-run -q --agent tf --on-behalf-of alice --task s4 --stage full -- /bin/sleep 30
check_eq "without --wait: the unit runs on" "$(ns "$C" systemctl is-active 'agent-tf@s4.service')" active
pid=$(ns "$C" systemctl show -P MainPID 'agent-tf@s4.service')
check_eq "the kernel's login uid of the task is alice's" "$(ns "$C" cat "/proc/$pid/loginuid")" 1234
check_eq "... and its uid the agent's" "$(ns "$C" stat -c %u "/proc/$pid")" "$(grep '^agent-tf:' "$R/etc/passwd" | cut -d: -f3)"
props=PrivateUsers,User,Group,WorkingDirectory,ProtectSystem,ProtectHome,PrivateTmp,PrivateDevices,PrivateIPC,PrivateMounts,ProtectKernelTunables,ProtectKernelModules,ProtectKernelLogs,ProtectControlGroups,ProtectClock,ProtectHostname,ProtectProc,ProcSubset,NoNewPrivileges,CapabilityBoundingSet,AmbientCapabilities,SystemCallFilter,SystemCallErrorNumber,SystemCallArchitectures,RestrictAddressFamilies,RestrictNamespaces,RestrictRealtime,RestrictSUIDSGID,LockPersonality,MemoryDenyWriteExecute,KeyringMode,RemoveIPC,DevicePolicy,PrivateNetwork,IPAddressDeny,ReadWritePaths,StateDirectory,UMask,LimitNPROC,LimitCORE,TasksMax
# IPAddressDeny= is a set: systemd shows it in no fixed order.
show() {
        local l
        ns "$C" systemctl show -p "$props" "$1" | while IFS= read -r l; do
                case $l in
                IPAddress*) echo "${l%%=*}=$(tr ' ' '\n' <<<"${l#*=}" | sort | tr '\n' ' ')" ;;
                *) echo "$l" ;;
                esac
        done
}
a=$(show agent-tf.service)
t=$(show 'agent-tf@s4.service')
check_eq "the task unit has the agent unit's sandbox properties" "$t" "$a"
sec() { ns "$C" systemd-analyze security --no-pager "$1" | sed -e 's/ \+/ /g' -e 's/ for [^ ]*: / /'; }
check_eq "systemd-analyze security: the same findings and score" "$(sec 'agent-tf@s4.service')" "$(sec agent-tf.service)"
sec agent-tf.service | grep 'Overall exposure' | diag
ns "$C" systemctl stop 'agent-tf@s4.service' agent-tf.service

# Stages.
writes() {
        run --task "w-$1" --stage "$1" --wait --pipe -- /bin/sh -c '
                for p in /var/lib/paddock/agents/tk /var/lib/paddock/agents/tk/drafts /srv/out /var/lib /etc; do
                        touch "$p/.w-$0" 2>/dev/null && echo "$p"
                done' "$1" 2>/dev/null | tr '\n' ' '
}
check_eq "read-only: writes nowhere" "$(writes read-only)" ""
check_eq "draft: writes only under drafts" "$(writes draft)" "/var/lib/paddock/agents/tk/drafts "
out=$(run --task s5 --stage full -- /bin/true 2>&1)
check_eq "a stage above MaxStage=: exit 1" "$?" 1
check "... said clearly" grep -q "above agent tk's MaxStage=draft" <<<"$out"

# --ephemeral: PID 1 finds the task's own identity through nss_paddock.
ns "$C" sed -i -e 's/^\(passwd:.*\)$/\1 paddock/' -e 's/^\(group:.*\)$/\1 paddock/' /etc/nsswitch.conf
E=1879048192
out=$(run --task e1 --ephemeral --stage read-only --wait --pipe -- /bin/sh -c 'id -u; id -un' 2>&1)
check_eq "--ephemeral under systemd: exit 0" "$?" 0
check_eq "... runs as the first uid of the range" "$(sed -n 1p <<<"$out")" "$E"
check_eq "... which resolves inside the task" "$(sed -n 2p <<<"$out")" agent-tk-te1
check_eq "... and, ended, still resolves outside" "$(ns "$C" getent passwd "$E" | cut -d: -f1,5)" \
        "agent-tk-te1:paddock task e1 of agent tk (expired)"
run --task e2 --ephemeral --stage read-only -- /bin/sleep 30
pid=$(ns "$C" systemctl show -P MainPID 'agent-tk@e2.service')
check_eq "a running task's own identity: its uid" "$(ns "$C" stat -c %u "/proc/$pid")" $((E + 1))
check_eq "... its own group and the agent's" "$(ns "$C" awk '$1 == "Gid:" {print $2} $1 == "Groups:" {print $2}' "/proc/$pid/status" | tr '\n' ' ')" "$((E + 1)) $uid "
check_eq "... the human's login uid, through pam_paddock" "$(ns "$C" cat "/proc/$pid/loginuid")" 1234
check_eq "... resolvable while it runs" "$(ns "$C" getent passwd $((E + 1)) | cut -d: -f1,5)" \
        "agent-tk-te2:paddock task e2 of agent tk"
check_eq "... id names it" "$(ns "$C" id agent-tk-te2)" \
        "uid=$((E + 1))(agent-tk-te2) gid=$((E + 1))(agent-tk-te2) groups=$((E + 1))(agent-tk-te2)"
# ausearch -i names both in records: the ended one and the running one.
for u in $E $((E + 1)); do
        echo "type=SYSCALL msg=audit(1795500000.$((u % 1000)):$((u % 1000))): arch=c000003e syscall=59 success=yes exit=0 a0=0 a1=0 a2=0 a3=0 items=1 ppid=1 pid=2 auid=1234 uid=$u gid=$u euid=$u suid=$u fsuid=$u egid=$u sgid=$u fsgid=$u tty=(none) ses=3 comm=\"true\" exe=\"/bin/true\" key=(null)"
done >"$R/root/records.log"
out=$(ns "$C" ausearch -if /root/records.log -i 2>/dev/null)
check "ausearch -i names an ended task's identity" grep -q " uid=agent-tk-te1 " <<<"$out"
check "ausearch -i names a running task's identity" grep -q " uid=agent-tk-te2 " <<<"$out"
ns "$C" systemctl stop 'agent-tk@e2.service'
check_eq "... and marked ended when the unit stops" "$(ns "$C" getent passwd $((E + 1)) | cut -d: -f5)" \
        "paddock task e2 of agent tk (expired)"

# pam_paddock, enabled as a Debian admin would. Each refusal is checked
# against the same command before: it is the module that refuses.
su_agent() { ns "$C" su -s /bin/sh -c true agent-tk 2>/dev/null; }
login_agent() { ns "$C" systemd-run -q --wait -p User=agent-tk -p PAMName=login /bin/true 2>/dev/null; }
su_agent
check_eq "before: su to an agent works" "$?" 0
login_agent
check_eq "before: an agent's service through PAM login runs" "$?" 0
ns "$C" pam-auth-update --package --enable paddock
check "pam-auth-update put pam_paddock in common-account" grep -q pam_paddock "$R/etc/pam.d/common-account"
su_agent
check "after: su to an agent is refused" test $? -ne 0
ns "$C" su -s /bin/sh -c true alice
check_eq "after: su to a human still works" "$?" 0
login_agent
check "after: an agent's service through PAM login is refused" test $? -ne 0
ns "$C" systemd-run -q --wait -p User=alice -p PAMName=login /bin/true
check_eq "after: a human's service through PAM login runs" "$?" 0
task_pam() {
        ns "$C" systemd-run -q --wait -p User=agent-tf -p PAMName=paddock-task \
                -p Environment=PADDOCK_HUMAN_UID=1234 /bin/true 2>/dev/null
}
task_pam
check_eq "the task service through PAM runs for an active agent" "$?" 0
sed -i 's/^Owner=alice$/Owner=alice\nRevoked=yes/' "$R/etc/paddock/agents.d/tf.agent"
task_pam
check "... and is refused once the agent is revoked" test $? -ne 0

done_testing
