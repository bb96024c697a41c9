#!/bin/bash
# The agent's unit in a real, booted systemd: it starts, runs as the agent,
# and cannot do what its file does not allow. The generator follows the
# agent files; a broken file leaves the others alone; without its egress
# fence the unit refuses to start.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/system/lib-nspawn.sh"
ns_require
C=units-$$
trap 'ns_stop $C' EXIT
ns_boot "$C" || skip_all "systemd-nspawn cannot boot a container on this host"
R=$NS_ROOT

# The probe, and a setuid-root copy of it.
install -m 0755 "$PADDOCK_BUILDDIR/tests/system/paddock-probe" "$R/usr/local/bin/paddock-probe"
install -m 4755 -o root "$PADDOCK_BUILDDIR/tests/system/paddock-probe" "$R/usr/local/bin/paddock-probe-suid"

mkdir -p "$R/etc/paddock/agents.d"
cat >"$R/etc/paddock/agents.d/probe.agent" <<'A'
[Agent]
Owner=alice
Description=System test probe
[Service]
ExecStart=/usr/local/bin/paddock-probe
TasksMax=8
[Egress]
Allow=192.0.2.1:443
[Credentials]
Credential=token
A
cat >"$R/etc/paddock/agents.d/other.agent" <<'A'
[Agent]
Owner=bob
[Service]
ExecStart=/bin/sleep infinity
A

check "paddock-users apply in the container" ns "$C" paddock-users -q apply
secret="s3cr3t-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
check "credential set reads the secret from stdin" \
        ns "$C" sh -c "printf '%s' '$secret' | paddock-units -q credential set probe token"
check_eq "credential store is root's, 0700/0600" \
        "$(stat -c '%a %U' "$R/etc/paddock/credstore" "$R/etc/paddock/credstore/probe" "$R/etc/paddock/credstore/probe/token" | tr '\n' ' ')" \
        "700 root 700 root 600 root "
ns "$C" systemctl daemon-reload
check_eq "the generator made the unit" "$(ns "$C" systemctl show -P LoadState agent-probe.service)" loaded
check_eq "the unit file is the generator's" "$(ns "$C" systemctl show -P FragmentPath agent-probe.service)" \
        /run/systemd/generator/agent-probe.service

ns "$C" systemctl start agent-probe.service agent-other.service
for i in $(seq 100); do
        grep -q '^done=yes' "$R/var/lib/paddock/agents/probe/probe.out" 2>/dev/null && break
        sleep 0.1
done
out=$(cat "$R/var/lib/paddock/agents/probe/probe.out" 2>/dev/null)
val() { sed -n "s/^$1=//p" <<<"$out"; }
uid=$(grep '^agent-probe:' "$R/etc/passwd" | cut -d: -f3)
check_eq "the unit is active" "$(ns "$C" systemctl is-active agent-probe.service)" active
check_eq "runs as agent-probe" "$(val uid)" "$uid"
check_eq "no supplementary groups: only its own" "$(val groups)" "$uid"
check_eq "CapEff 0" "$(val CapEff)" 0000000000000000
check_eq "empty bounding set" "$(val CapBnd)" 0000000000000000
check_eq "NoNewPrivs 1" "$(val NoNewPrivs)" 1
check_eq "Seccomp 2" "$(val Seccomp)" 2
check_eq "writing /etc fails (read-only file system)" "$(val write_etc)" EROFS
check_eq "writing /usr fails" "$(val write_usr)" EROFS
check_eq "writing its state dir works" "$(val write_state)" ok
check_eq "writing its private /tmp works" "$(val write_tmp)" ok
check_eq "reading /etc/shadow fails" "$(val read_shadow)" EACCES
check_eq "reading its own credential store fails" "$(val read_credstore)" EACCES
check "reading /root fails" grep -Eq '^read_root=(EACCES|ENOENT)$' <<<"$out"
check "reading another agent's state dir fails" grep -Eq '^read_other_agent=(EACCES|ENOENT)$' <<<"$out"
check_eq "other processes are invisible (ProtectProc)" "$(val see_pid1)" ENOENT
check_eq "a setuid-root binary gains nothing" "$(val suid_euid)" "$uid"
check_eq "reboot() is refused by the syscall filter" "$(val reboot)" EPERM
check_eq "no new user namespaces" "$(val unshare_user)" EPERM
check_eq "no writable+executable memory" "$(val mmap_wx)" EPERM
check_eq "no packet sockets" "$(val socket_packet)" EAFNOSUPPORT
check_eq "no netlink sockets" "$(val socket_netlink)" EAFNOSUPPORT
check_eq "internet sockets allowed (it has egress)" "$(val socket_inet)" ok
want_hash=$(printf '%s' "$secret" | python3 -c 'import sys
h=1469598103934665603
for b in sys.stdin.buffer.read(): h=((h^b)*1099511628211)%2**64
print(h)')
check_eq "the credential is readable at \$CREDENTIALS_DIRECTORY/token" "$(val credential_hash)" "$want_hash"
check_eq "the secret is not in the environment" "$(val secret_in_environ)" no
check "the process limit holds (LimitNPROC from TasksMax=8)" test "$(val forks)" -le 8
check_eq "forking past it fails with EAGAIN" "$(val fork_error)" EAGAIN

pid=$(ns "$C" systemctl show -P MainPID agent-probe.service)
check "the secret is not in the unit file" sh -c "! nsenter -t $(ns_init_pid "$C") -m -u -i -n -p -C -- grep -rq '$secret' /run/systemd/generator"
check "the secret is not in systemctl show" sh -c "! nsenter -t $(ns_init_pid "$C") -m -u -i -n -p -C -- systemctl show agent-probe.service | grep -q '$secret'"
check "the secret is not in the journal" sh -c "! nsenter -t $(ns_init_pid "$C") -m -u -i -n -p -C -- journalctl -b -o cat | grep -q '$secret'"
check "the secret is not in argv" sh -c "! nsenter -t $(ns_init_pid "$C") -m -u -i -n -p -C -- cat /proc/$pid/cmdline | grep -q '$secret'"

# The exposure score inside agrees with the offline one of the same file.
online=$(ns "$C" systemd-analyze security agent-probe.service 2>/dev/null | sed -n 's/.*exposure level for agent-probe.service: \([0-9.]*\).*/\1/p')
ns "$C" cat /run/systemd/generator/agent-probe.service >"$NS_WORK/agent-probe.service"
offline=$(systemd-analyze security --offline=yes "$NS_WORK/agent-probe.service" 2>/dev/null | sed -n 's/.*exposure level for agent-probe.service: \([0-9.]*\).*/\1/p')
rm -f "$NS_WORK/agent-probe.service"
check_eq "systemd-analyze security inside agrees with the offline score" "$online" "$offline"
check "exposure <= 1.0" awk -v s="$online" 'BEGIN { exit !(s != "" && s <= 1.0) }'

# The generator follows the files at daemon-reload.
sed -i 's/^Description=.*/Description=Edited probe/' "$R/etc/paddock/agents.d/probe.agent"
ns "$C" systemctl daemon-reload
check_eq "after an edit and daemon-reload the unit changed" \
        "$(ns "$C" systemctl show -P Description agent-probe.service)" "paddock agent probe: Edited probe"

# A broken agent file: no unit for it, the others untouched.
printf '[Agent]\nOwner=eve\nShell=/bin/bash\n' >"$R/etc/paddock/agents.d/broken.agent"
ns "$C" systemctl daemon-reload
check_eq "broken file: no unit" "$(ns "$C" systemctl show -P LoadState agent-broken.service)" not-found
check_eq "broken file: the probe's unit is still there" "$(ns "$C" systemctl show -P LoadState agent-probe.service)" loaded
check_eq "broken file: the probe still runs" "$(ns "$C" systemctl is-active agent-probe.service)" active
# Generators log to the kernel log; a container has none, and there the
# line goes to the console, which nspawn writes to our log file.
check "broken file: the generator said why, with FILE:LINE" \
        sh -c "{ nsenter -t $(ns_init_pid "$C") -m -u -i -n -p -C -- journalctl -b -o cat; cat '$NS_WORK/$C.log'; } | grep -q 'broken.agent:3: unknown key Shell='"
rm "$R/etc/paddock/agents.d/broken.agent"

# Fail closed: without the agent's fence the unit refuses to start. The
# service that would put the table back is frozen meanwhile.
check_eq "the egress fence service runs (pulled in by the agent)" \
        "$(ns "$C" systemctl is-active paddock-egress.service)" active
ns "$C" systemctl stop agent-probe.service
ns "$C" systemctl kill --signal=SIGSTOP paddock-egress.service
ns "$C" nft delete table inet paddock
ns "$C" systemctl start agent-probe.service 2>/dev/null
check "without its egress fence the unit does not start" \
        sh -c "! nsenter -t $(ns_init_pid "$C") -m -u -i -n -p -C -- systemctl is-active -q agent-probe.service"
check "and the journal says why" \
        sh -c "nsenter -t $(ns_init_pid "$C") -m -u -i -n -p -C -- journalctl -b -o cat -u agent-probe.service | grep -q 'egress fence of agent probe is not loaded'"
ns "$C" systemctl kill --signal=SIGCONT paddock-egress.service
for i in $(seq 50); do ns "$C" nft list chain inet paddock agent-probe >/dev/null 2>&1 && break; sleep 0.1; done
ns "$C" systemctl reset-failed agent-probe.service
check "with the fence back it starts" ns "$C" systemctl start agent-probe.service

# Rotation: a new secret restarts the unit, which sees the new value.
rm -f "$R/var/lib/paddock/agents/probe/probe.out"
secret2="rotated-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
check "credential set restarts the running unit" \
        ns "$C" sh -c "printf '%s' '$secret2' | paddock-units -q credential set probe token"
for i in $(seq 100); do
        grep -q '^done=yes' "$R/var/lib/paddock/agents/probe/probe.out" 2>/dev/null && break
        sleep 0.1
done
out=$(cat "$R/var/lib/paddock/agents/probe/probe.out" 2>/dev/null)
want_hash=$(printf '%s' "$secret2" | python3 -c 'import sys
h=1469598103934665603
for b in sys.stdin.buffer.read(): h=((h^b)*1099511628211)%2**64
print(h)')
check_eq "after rotation the agent reads the new secret" "$(val credential_hash)" "$want_hash"
list=$(ns "$C" paddock-units credential list probe --json)
check "credential list shows the key, never the value" sh -c "echo '$list' | grep -q '\"key\":\"token\"' && ! echo '$list' | grep -q '$secret2'"

# A loose credential store is refused: no unit.
chmod 0755 "$R/etc/paddock/credstore/probe"
ns "$C" systemctl daemon-reload
check_eq "a loose credential store: the generator makes no unit" \
        "$(ns "$C" systemctl show -P LoadState agent-probe.service)" not-found
chmod 0700 "$R/etc/paddock/credstore/probe"
ns "$C" systemctl daemon-reload

# apply on a running systemd: reload, start what is new, restart what changed.
out=$(ns "$C" paddock-units apply 2>&1); rc=$?
check_eq "live apply: exit 0" "$rc" 0
check "live apply: reports the unit" grep -q '^created unit agent-probe.service$' <<<"$out"
out=$(ns "$C" paddock-units apply 2>&1)
check_eq "live apply again: nothing to do" "$out" ""
before=$(ns "$C" systemctl show -P MainPID agent-probe.service)
sed -i 's/^Description=.*/Description=Applied probe/' "$R/etc/paddock/agents.d/probe.agent"
out=$(ns "$C" paddock-units apply 2>&1)
check_eq "live apply after an edit: updated and restarted" "$out" "updated unit agent-probe.service
restarted agent-probe.service"
check_eq "the running unit has the new description" \
        "$(ns "$C" systemctl show -P Description agent-probe.service)" "paddock agent probe: Applied probe"
check "and a new main process" test "$(ns "$C" systemctl show -P MainPID agent-probe.service)" != "$before"

# remove: stops and masks.
check "paddock-units remove stops the unit" ns "$C" paddock-units -q remove other
check_eq "removed unit is masked" "$(ns "$C" systemctl show -P LoadState agent-other.service)" masked
check_eq "removed unit is not running" "$(ns "$C" systemctl is-active agent-other.service)" inactive
done_testing
