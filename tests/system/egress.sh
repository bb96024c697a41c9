#!/bin/bash
# Staying closed, in a booted systemd: the fence is loaded before agents
# start, comes back within seconds when nftables.service restarts (its
# configuration begins with "flush ruleset") or someone deletes the table,
# and agents stop when the service that keeps it stops.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/system/lib-nspawn.sh"
ns_require
C=egress-$$
trap 'ns_stop $C' EXIT
ns_boot "$C" || skip_all "systemd-nspawn cannot boot a container on this host"
R=$NS_ROOT

mkdir -p "$R/etc/paddock/agents.d"
printf '[Agent]\nOwner=alice\n[Service]\nExecStart=/bin/sleep infinity\n[Egress]\nAllow=192.0.2.1:443\n' \
        >"$R/etc/paddock/agents.d/net.agent"
check "paddock apply (users, egress, units)" ns "$C" paddock apply -q
check_eq "the agent runs" "$(ns "$C" systemctl is-active agent-net.service)" active
check_eq "the fence service runs" "$(ns "$C" systemctl is-active paddock-egress.service)" active
check "the agent's chain is loaded" ns "$C" sh -c 'nft list chain inet paddock agent-net >/dev/null'
check "agent-net.service is bound to it" \
        sh -c "nsenter -t $(ns_init_pid "$C") -m -u -i -n -p -C -- systemctl show -P BindsTo agent-net.service | grep -q paddock-egress.service"

back_within() { # SECONDS: the chain is there again within SECONDS
        local i
        for i in $(seq $(($1 * 10))); do
                ns "$C" nft list chain inet paddock agent-net >/dev/null 2>&1 && return 0
                sleep 0.1
        done
        return 1
}

ns "$C" nft flush ruleset
check "after 'nft flush ruleset' the fence is back within 3 s" back_within 3
check_eq "and the agent still runs" "$(ns "$C" systemctl is-active agent-net.service)" active

ns "$C" systemctl restart nftables.service
check_eq "nftables.service restarted" "$(ns "$C" systemctl is-active nftables.service)" active
check "after a restart of nftables.service the fence is back within 3 s" back_within 3

ns "$C" nft delete table inet paddock
check "after deleting the table by hand the fence is back within 3 s" back_within 3

ns "$C" systemctl stop paddock-egress.service
for i in $(seq 50); do [ "$(ns "$C" systemctl is-active agent-net.service)" = active ] || break; sleep 0.1; done
check_eq "when the fence service stops, the agent stops" "$(ns "$C" systemctl is-active agent-net.service)" inactive
ns "$C" systemctl start agent-net.service
check_eq "starting the agent brings the fence service back" "$(ns "$C" systemctl is-active paddock-egress.service)" active
check "the agent is ordered after the fence service" \
        sh -c "nsenter -t $(ns_init_pid "$C") -m -u -i -n -p -C -- systemctl show -P After agent-net.service | grep -q paddock-egress.service"
done_testing
