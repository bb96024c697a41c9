#!/bin/bash
# Kill paddock-users with SIGKILL at every point where it changes a file:
# each file is always either the old or the new version (never torn,
# never missing), and the next run completes to the same result.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_root
preload="$PADDOCK_BUILDDIR/tests/root/.libs/crashpoint.so"
[ -e "$preload" ] || skip_all "crashpoint.so not built"

export SOURCE_DATE_EPOCH=1700000000
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

base=$(make_root)
mv "$base" "$work/base"
base=$work/base
# An existing agent too, so that runs modify as well as create.
write_agent "$base" keep 'Description=old description'
paddock-users --root "$base" -q apply
write_agent "$base" keep 'Description=new description'
for a in alpha beta gamma; do write_agent "$base" "$a"; done

files="etc/passwd etc/group etc/shadow etc/gshadow var/lib/paddock/uids"

# The expected end state, from an undisturbed run.
cp -a "$base" "$work/want"
paddock-users --root "$work/want" -q apply
for f in $files; do cp "$work/want/$f" "$work/$(basename "$f").new"; cp "$base/$f" "$work/$(basename "$f").old"; done

n=0
torn=0
incomplete=0
while :; do
        n=$((n + 1))
        rm -rf "$work/run"
        cp -a "$base" "$work/run"
        PADDOCK_CRASH_AT=$n LD_PRELOAD=$preload paddock-users --root "$work/run" -q apply >/dev/null 2>&1
        rc=$?
        [ $rc -eq 137 ] || break          # ran to the end: every point was tried
        for f in $files; do
                b=$(basename "$f")
                if ! cmp -s "$work/run/$f" "$work/$b.old" && ! cmp -s "$work/run/$f" "$work/$b.new"; then
                        torn=$((torn + 1))
                        echo "kill at call $n: $f is neither old nor new" | diag
                fi
        done
        paddock-users --root "$work/run" -q apply >/dev/null 2>&1 || incomplete=$((incomplete + 1))
        for f in $files; do
                cmp -s "$work/run/$f" "$work/want/$f" || { incomplete=$((incomplete + 1)); echo "after kill at $n and a rerun: $f differs" | diag; }
        done
        stale=$(find "$work/run/etc" "$work/run/var/lib/paddock" -name '.#*' | wc -l)
        [ "$stale" -eq 0 ] || { incomplete=$((incomplete + 1)); echo "after kill at $n and a rerun: $stale temporary files left" | diag; }
        [ "$(stat -c '%a %u' "$work/run/var/lib/paddock/agents/alpha")" = "$(stat -c '%a %u' "$work/want/var/lib/paddock/agents/alpha")" ] || \
                { incomplete=$((incomplete + 1)); echo "after kill at $n and a rerun: state dir of alpha wrong" | diag; }
done

check "the undisturbed run completed (exit 0)" test "$rc" -eq 0
check "killed at $((n - 1)) points (at least 30)" test "$n" -gt 30
check_eq "no file was ever torn or missing" "$torn" 0
check_eq "every rerun completed to the same result" "$incomplete" 0
done_testing
