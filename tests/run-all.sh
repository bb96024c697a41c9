#!/bin/bash
# Every test paddock has, as CI runs it: install what is needed, build from
# scratch with -Werror, make check (TAP, no root), the root suites, an
# ASan+UBSan build of the unit tests, each libFuzzer target for
# $FUZZ_SECONDS (60) seconds, make distcheck. Exits non-zero on any failure.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
out=${PADDOCK_CI_DIR:-$src/_ci}
fuzz_seconds=${FUZZ_SECONDS:-60}
jobs=$(nproc)

step() { printf '\n\033[1m==== %s\033[0m (%s)\n' "$*" "$(date +%T)"; }
show_logs() { # DIR: print the logs of failed tests
        find "$1" -name test-suite.log -exec cat {} + 2>/dev/null | tail -n 300 || true
}

if [ "$(id -u)" != 0 ]; then
        echo "Run as root: the root suites need it (network namespaces, auditd, chown)." >&2
        exit 1
fi

step "Dependencies"
bash "$src/tests/install-deps.sh"

step "Bootstrap"
(cd "$src" && autoreconf -fi >/dev/null)
rm -rf "$out"
mkdir -p "$out"

step "Build with -Werror"
mkdir "$out/build"
cd "$out/build"
"$src/configure" -q --enable-werror
make -s -j"$jobs"

step "make check (unit tests, TAP)"
make -s -j"$jobs" check || { show_logs .; exit 1; }

step "make check-root (root suites)"
make -s check-root || { show_logs .; exit 1; }

step "ASan+UBSan build of the unit tests"
mkdir "$out/asan"
cd "$out/asan"
"$src/configure" -q --enable-werror --enable-sanitizers
make -s -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        make -s -j"$jobs" check || { show_logs .; exit 1; }
# The NSS module's own test (root: a registry in a mount namespace), with
# the sanitizers; glibc's tools cannot load this build of the module.
make -s -j"$jobs" tests/root/test-nss
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        NSS_DIRECT_ONLY=1 PADDOCK_BUILDDIR="$PWD" top_srcdir="$src" bash "$src/tests/root/nss.sh" >nss-asan.log 2>&1 ||
        { cat nss-asan.log; exit 1; }
grep -c '^ok' nss-asan.log | sed 's/$/ checks of libnss_paddock with ASan and UBSan: ok/'

step "libFuzzer targets, ${fuzz_seconds}s each"
mkdir "$out/fuzz"
cd "$out/fuzz"
CC=clang "$src/configure" -q --enable-werror --enable-sanitizers --enable-fuzzers
make -s -j"$jobs"
for t in tests/fuzz/fuzz-*; do
        name=$(basename "$t")
        corpus="$out/fuzz/corpus-$name"
        cp -r "$src/tests/fuzz/corpus/${name#fuzz-}" "$corpus"
        echo "-- $name"
        "$t" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
                "$corpus" >"$out/fuzz/$name.log" 2>&1 || { tail -n 60 "$out/fuzz/$name.log"; exit 1; }
        grep -E '^stat::number_of_executed_units|^Done' "$out/fuzz/$name.log" || true
done

step "make distcheck"
cd "$out/build"
make -s distcheck >"$out/distcheck.log" 2>&1 || { tail -n 80 "$out/distcheck.log"; exit 1; }
grep -E 'archives ready for distribution' -A2 "$out/distcheck.log" || true

step "All tests passed"
