#!/bin/bash
# Run every fuzz target over its seed corpus (without libFuzzer): inputs
# that once mattered keep being tested by "make check".
set -u
n=0
fail=0
for t in agent config uidreg dns timespec ephemeral; do
        n=$((n + 1))
        if out=$("$PADDOCK_BUILDDIR/tests/fuzz/fuzz-$t" "$top_srcdir/tests/fuzz/corpus/$t" 2>&1); then
                echo "ok $n - fuzz-$t over its corpus ($(echo "$out" | tail -n1 | tr -d '#'))"
        else
                echo "not ok $n - fuzz-$t over its corpus"
                echo "$out" | sed 's/^/# /'
                fail=1
        fi
done
echo "1..$n"
exit $fail
