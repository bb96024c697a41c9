# Shared helpers for the shell suites: TAP output, skipping, temporary
# roots. Source it; it sets -u and leaves -e to the test.

set -u
: "${PADDOCK_BUILDDIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export PATH="$PADDOCK_BUILDDIR/tools:$PATH"
tap_n=0
tap_failed=0

ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok() { tap_n=$((tap_n + 1)); tap_failed=1; echo "not ok $tap_n - $*"; }
diag() { sed 's/^/# /'; }

# check DESCRIPTION COMMAND...: ok when COMMAND succeeds.
check() {
        local desc=$1
        shift
        if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# check_eq DESCRIPTION GOT WANT
check_eq() {
        if [ "$2" = "$3" ]; then
                ok "$1"
        else
                not_ok "$1"
                printf 'got:      %s\nexpected: %s\n' "$2" "$3" | diag
        fi
}

# A test that cannot run here says why and exits 77 (a skip, never a pass).
skip_all() {
        echo "1..0 # SKIP $*"
        exit 77
}

done_testing() {
        echo "1..$tap_n"
        exit $tap_failed
}

require_root() {
        [ "$(id -u)" = 0 ] || skip_all "needs root"
}

require_cmd() {
        local c
        for c in "$@"; do
                command -v "$c" >/dev/null 2>&1 || skip_all "$c is not installed"
        done
}

# A scratch root with a minimal, consistent user database (so that pwck
# and grpck have nothing to complain about but what paddock writes).
make_root() {
        local r
        r=$(mktemp -d "${TMPDIR:-/tmp}/paddock-root.XXXXXX")
        mkdir -p "$r/etc/paddock/agents.d" "$r/root" "$r/usr/sbin" "$r/bin" "$r/home/alice"
        printf 'root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000:Alice:/home/alice:/bin/sh\n' >"$r/etc/passwd"
        printf 'root:*:19000:0:99999:7:::\nalice:!:19000:0:99999:7:::\n' >"$r/etc/shadow"
        printf 'root:x:0:\nalice:x:1000:\n' >"$r/etc/group"
        printf 'root:*::\nalice:!::\n' >"$r/etc/gshadow"
        chmod 0640 "$r/etc/shadow" "$r/etc/gshadow"
        touch "$r/usr/sbin/nologin" "$r/bin/sh"
        chmod 0755 "$r/usr/sbin/nologin" "$r/bin/sh"
        echo "$r"
}

# write_agent ROOT NAME [LINES...]: an agent file with an owner.
write_agent() {
        local root=$1 name=$2
        shift 2
        {
                printf '[Agent]\nOwner=alice\n'
                local l
                for l in "$@"; do printf '%s\n' "$l"; done
        } >"$root/etc/paddock/agents.d/$name.agent"
}

# Checksums of everything under DIR (names, modes, owners, contents).
tree_sum() {
        (cd "$1" && find . -printf '%p %m %u %g %s\n' | sort && find . -type f -exec sha256sum {} + | sort) | sha256sum | cut -d' ' -f1
}

# pwck and grpck in read-only mode against ROOT: both must be silent.
pw_consistent() {
        local out
        out=$(pwck -r -R "$1" 2>&1; grpck -r -R "$1" 2>&1)
        out=$(echo "$out" | grep -v -e '^pwck: no changes$' -e '^grpck: no changes$')
        if [ -n "$out" ]; then
                echo "$out" | diag
                return 1
        fi
        return 0
}

# The median of the numbers on stdin, one per line (benchmarks).
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
