#!/bin/bash
# Part of the demo: the egress fence, in a private network namespace that
# has only a loopback interface, with stand-in servers on it: the code
# host (api.github.com, through a local DNS server), the database network,
# a server nothing allows, and a fake instance metadata service.
# Usage: demo-egress.sh ROOT (the demo's scratch root, agents provisioned)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
root=$1
if [ -z "${PADDOCK_IN_NETNS:-}" ]; then
        PADDOCK_IN_NETNS=1 exec unshare -n "$BASH" "$0" "$@"
fi
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
ip link set lo up
for a in 192.0.2.40 192.0.2.53 10.20.0.1 198.51.100.7 169.254.169.254; do ip addr add $a/32 dev lo; done
work=$(mktemp -d)
chmod 0755 "$work"
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
echo "192.0.2.40 api.github.com" >"$work/hosts"
dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces --listen-address=192.0.2.53 \
        --addn-hosts="$work/hosts" --local-ttl=60 --pid-file="$work/pid" >/dev/null 2>&1 &
python3 "$src/tests/netns/servers.py" 192.0.2.40:443 10.20.0.1:5432 198.51.100.7:443 169.254.169.254:80 >"$work/srv" 2>&1 &
for i in $(seq 50); do grep -q ready "$work/srv" 2>/dev/null && [ -s "$work/pid" ] && break; sleep 0.1; done
sed -i 's/^#DNS=.*/DNS=192.0.2.53/' "$root/etc/paddock/paddock.conf"

say "In a private network namespace: paddock egress --root $root apply"
paddock egress --root "$root" apply
say "paddock egress show"
paddock egress --root "$root" show
say "nft list table inet paddock (the reviewer's part)"
nft list table inet paddock | sed -n '/set allow4-reviewer/,/^\t}/p;/chain agent-reviewer/,/^\t}/p;/chain common/,/^\t}/p'
say "paddock egress probe reviewer: as agent-reviewer, with no capabilities"
paddock egress --root "$root" probe reviewer || true
say "As root (not an agent) the same fake metadata service answers: the probe's 'refused' is the fence"
python3 - <<'P'
import socket
s = socket.create_connection(("169.254.169.254", 80), timeout=2)
print("root reads from 169.254.169.254:80:", s.recv(16).decode().strip())
P
say "The table survives being deleted: paddock egress watch puts it back within a second"
paddock egress --root "$root" watch >/dev/null 2>&1 &
sleep 1
nft delete table inet paddock
sleep 1.5
nft list chains inet | grep "chain agent-reviewer" >/dev/null && echo "table inet paddock is back"
