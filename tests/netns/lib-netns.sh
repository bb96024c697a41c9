# For tests that need a network: re-run the test in a new network namespace
# that has nothing but a loopback interface, so that nothing it does can
# reach or change the host's network. Source after tests/lib.sh.

netns_enter() {
        if [ -z "${PADDOCK_IN_NETNS:-}" ]; then
                PADDOCK_IN_NETNS=1 exec unshare -n "$BASH" "$0" "$@"
        fi
        ip link set lo up
        # No route leads out of here.
        [ "$(ip -o link | grep -vc ': lo:')" = 0 ] || { echo "not an empty namespace" >&2; exit 99; }
}

# add_addresses ADDR...: extra addresses on lo (test servers live there).
add_addresses() {
        local a
        for a in "$@"; do
                if [[ $a == *:* ]]; then
                        ip -6 addr add "$a/128" dev lo nodad
                else
                        ip addr add "$a/32" dev lo
                fi
        done
}

# connect_as UID ADDR PORT [tcp|udp] -> "RESULT MS"
connect_as() {
        "$PADDOCK_BUILDDIR/tests/netns/connect-as" "$1" "$2" "$3" "${4:-tcp}" "${5:-2000}"
}

# result_within "RESULT MS" WANT MAX_MS: the result is WANT, in at most MAX_MS.
result_within() {
        local res=${1% *} ms=${1#* }
        [ "$res" = "$2" ] && awk -v m="$ms" -v x="$3" 'BEGIN { exit !(m <= x) }'
}
