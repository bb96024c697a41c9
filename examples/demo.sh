#!/bin/bash
# paddock's main job on the example agents, in a scratch --root and, for
# the network part, a private network namespace: nothing of the host is
# touched. Installs what it needs and builds paddock first.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${PADDOCK_DEMO_BUILD:-$src/build}

if [ "$(id -u)" != 0 ]; then
        echo "Run as root (the demo chowns files inside its scratch root)." >&2
        exit 1
fi

bash "$src/tests/install-deps.sh" >/dev/null
if [ ! -x "$build/tools/paddock" ]; then
        echo "== Building paddock in $build"
        (cd "$src" && [ -x configure ] || autoreconf -fi >/dev/null)
        mkdir -p "$build"
        (cd "$build" && "$src/configure" -q && make -s -j"$(nproc)") >/dev/null
fi
export PATH="$build/tools:$PATH"

root=$(mktemp -d /tmp/paddock-demo.XXXXXX)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/etc/paddock/agents.d"
cp "$src"/examples/*.agent "$root/etc/paddock/agents.d/"
cp "$src/examples/paddock.conf" "$root/etc/paddock/"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
printf 'root:*:19000:0:99999:7:::\n' >"$root/etc/shadow"
printf 'root:x:0:\n' >"$root/etc/group"
printf 'root:*::\n' >"$root/etc/gshadow"
cp -a "$root/etc" "$root/etc.before"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Agent files in $root/etc/paddock/agents.d"
for f in "$root"/etc/paddock/agents.d/*.agent; do
        echo "--- $(basename "$f")"
        grep -v '^#' "$f" | sed '/^$/d'
done

say "A secret for the reviewer, from standard input (never argv or the environment)"
echo "printf '%s' 'demo-token' | paddock units --root \$root credential set reviewer github-token"
printf '%s' 'demo-token' | paddock units --root "$root" credential set reviewer github-token
paddock units --root "$root" credential list reviewer
cp -a "$root/etc/paddock" "$root/etc.before/"

say "paddock users --root $root apply; paddock units --root $root apply"
paddock users --root "$root" apply
paddock units --root "$root" apply

say "What changed in etc/"
(cd "$root" && diff -ru etc.before etc | grep -E '^[+-][^+-]' || true)
say "State directories"
ls -ln "$root/var/lib/paddock/agents"
say "paddock users list"
paddock users --root "$root" list

say "paddock units --root $root render reviewer (abridged)"
paddock units --root "$root" render reviewer | grep -v -e '^IPAddressAllow=' | sed -n '1,30p'
echo "IPAddressAllow= ($(paddock units --root "$root" render reviewer | grep -c '^IPAddressAllow=') lines: everything but the instance metadata addresses)"
echo "..."

say "Exposure scores, by systemd-analyze security --offline=yes (lower is better; 10 is unprotected)"
mkdir -p "$root/scores"
for f in "$root"/etc/paddock/agents.d/*.agent; do
        name=$(basename "$f" .agent)
        paddock units --root "$root" render "$name" >"$root/scores/agent-$name.service"
        printf '  %-28s %s\n' "agent-$name.service" \
                "$(systemd-analyze security --offline=yes "$root/scores/agent-$name.service" 2>/dev/null | sed -n 's/.*: \([0-9.]* [A-Z]*\).*/\1/p')"
done
guide="$src/../shared/bench/reference-hardening-guide.service"
if [ -f "$guide" ]; then
        cp "$guide" "$root/scores/"
        printf '  %-28s %s\n' "hardening-guide example" \
                "$(systemd-analyze security --offline=yes "$root/scores/$(basename "$guide")" 2>/dev/null | sed -n 's/.*: \([0-9.]* [A-Z]*\).*/\1/p')"
fi
rm -rf "$root/scores"

bash "$src/examples/demo-egress.sh" "$root"

say "paddock audit --root $root --no-load apply: the rules augenrules loads at boot"
paddock audit --root "$root" --no-load apply
grep -e '^#' -e 'paddock-reviewer$' "$root/etc/audit/rules.d/50-paddock.rules" | cut -c1-150
echo "(the kernel's rules are not touched here: see tests/root/audit.sh for a real auditd)"

say "paddock apply --root $root, again (nothing to do: prints nothing)"
sum() { (cd "$root" && find etc var -type f -exec sha256sum {} + | sort | sha256sum); }
before=$(sum)
paddock users --root "$root" apply
paddock units --root "$root" apply
paddock audit --root "$root" --no-load apply
after=$(sum)
if [ "$before" = "$after" ]; then
        echo "(no output, exit 0; checksums of every file identical)"
else
        echo "ERROR: the second run changed files" >&2
        exit 1
fi

say "A hostile agent file changes nothing"
printf '[Agent]\nOwner=alice\nDescription=x:0:0:root:/root:/bin/bash\n' >"$root/etc/paddock/agents.d/evil.agent"
set +e
paddock users --root "$root" apply
rc=$?
set -e
echo "(exit $rc)"
rm "$root/etc/paddock/agents.d/evil.agent"
[ "$(sum)" = "$after" ] && echo "(checksums of every file still identical)"
