#!/bin/bash
# Exposure scores (systemd-analyze security --offline=yes, lower is better)
# of every example agent's unit, next to the hardening-guide baseline and
# to Debian's own units from the test root (systemd-timesyncd,
# systemd-journald, auditd), all scored in this run by this host's systemd.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
require_cmd systemd-analyze
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

score() { # FILE-or-UNIT [--root=DIR]
        systemd-analyze security --offline=yes "$@" 2>/dev/null |
                sed -n 's/.*exposure level for .*: \([0-9.]*\) \(.*\)$/\1 \2/p'
}

echo "# systemd $(systemd-analyze --version | head -n1 | awk '{print $2}'), offline scores"
printf '%-44s %s\n' "unit" "exposure"
mkdir -p "$work/root/etc/paddock/agents.d" "$work/units"
cp "$top_srcdir"/examples/*.agent "$work/root/etc/paddock/agents.d/"
cp "$top_srcdir/examples/paddock.conf" "$work/root/etc/paddock/"
for f in "$top_srcdir"/examples/*.agent; do
        name=$(basename "$f" .agent)
        grep -q '^ExecStart=' "$f" || continue
        paddock-units --root "$work/root" render "$name" >"$work/units/agent-$name.service"
        printf '%-44s %s\n' "agent-$name.service (paddock)" "$(score "$work/units/agent-$name.service")"
done

guide="$top_srcdir/../shared/bench/reference-hardening-guide.service"
[ -f "$guide" ] || guide=${HARDENING_GUIDE_UNIT:-}
if [ -n "$guide" ] && [ -f "$guide" ]; then
        cp "$guide" "$work/units/"
        printf '%-44s %s\n' "hardening-guide baseline" "$(score "$work/units/$(basename "$guide")")"
fi

# Debian's units, from the root the system tests boot.
. "$top_srcdir/tests/system/lib-nspawn.sh"
if [ "$(id -u)" = 0 ] && command -v mmdebstrap >/dev/null && ns_build_root; then
        mkdir -p "$work/debian"
        tar -C "$work/debian" -xf "$(ns_tar)" ./usr/lib/systemd/system ./lib/systemd/system ./etc/systemd 2>/dev/null || true
        for u in systemd-timesyncd.service systemd-journald.service auditd.service; do
                printf '%-44s %s\n' "$u (Debian 12)" "$(score --root="$work/debian" "$u")"
        done
fi
