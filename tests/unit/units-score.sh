#!/bin/bash
# Every shipped example agent, rendered and scored offline by systemd
# itself: exposure <= 1.0 with network access, <= 0.2 without.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd systemd-analyze

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root/etc/paddock/agents.d" "$work/units"
cp "$top_srcdir"/examples/*.agent "$work/root/etc/paddock/agents.d/"
cp "$top_srcdir/examples/paddock.conf" "$work/root/etc/paddock/"

for f in "$top_srcdir"/examples/*.agent; do
        name=$(basename "$f" .agent)
        grep -q '^ExecStart=' "$f" || continue
        paddock-units --root "$work/root" render "$name" >"$work/units/agent-$name.service"
        score=$(systemd-analyze security --offline=yes "$work/units/agent-$name.service" 2>/dev/null |
                sed -n 's/.*exposure level for agent-[a-z0-9-]*\.service: \([0-9.]*\).*/\1/p')
        if grep -q '^PrivateNetwork=yes' "$work/units/agent-$name.service"; then bar=0.2; else bar=1.0; fi
        check "agent $name: exposure $score <= $bar" awk -v s="$score" -v b="$bar" 'BEGIN { exit !(s != "" && s <= b) }'
        # paddock-egress.service, as built, is where systemd looks for units.
        warnings=$(SYSTEMD_UNIT_PATH="$PADDOCK_BUILDDIR/units:" systemd-analyze verify "$work/units/agent-$name.service" 2>&1 |
                   grep -v -e 'is not executable' -e "Command 'man " -e 'No such file' || true)
        check_eq "agent $name: systemd-analyze verify has nothing to say" "$warnings" ""
done
done_testing
