#!/bin/bash
# libnss_paddock through glibc, without privileges: nss_wrapper puts the
# module behind getent and id with passwd and group files of the test's
# own, and $PADDOCK_EPHEMERAL_REGISTRY points the module at the test's
# registry.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
module="$PADDOCK_BUILDDIR/modules/.libs/libnss_paddock.so.2"
wrapper=$(ls /usr/lib/*/libnss_wrapper.so /usr/lib/libnss_wrapper.so 2>/dev/null | head -n1)
[ -n "$wrapper" ] || skip_all "nss_wrapper is not installed (libnss-wrapper)"
[ -e "$module" ] || skip_all "no module at $module"
# A sanitizer build of the module can only be loaded by sanitized programs.
ldd "$module" | grep -q -e libasan -e libubsan && skip_all "the module is built with sanitizers"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
U=1879048192
printf 'root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000:Alice:/home/alice:/bin/sh\n' >"$work/passwd"
printf 'root:x:0:\nalice:x:1000:\n' >"$work/group"
printf '%s 70000 agent-a-t1 a 1 0\n%s 70000 agent-a-t2 a 2 1795500000\n' $U $((U + 1)) >"$work/ephemeral"
w() {
        env LD_PRELOAD="$wrapper" NSS_WRAPPER_PASSWD="$work/passwd" NSS_WRAPPER_GROUP="$work/group" \
                NSS_WRAPPER_MODULE_SO_PATH="$module" NSS_WRAPPER_MODULE_FN_PREFIX=paddock \
                PADDOCK_EPHEMERAL_REGISTRY="$work/ephemeral" "$@"
}
check_eq "getent passwd by uid" "$(w getent passwd $U)" \
        "agent-a-t1:*:$U:$U:paddock task 1 of agent a:/var/lib/paddock/agents/a:/usr/sbin/nologin"
check_eq "getent passwd by name" "$(w getent passwd agent-a-t1 | cut -d: -f3)" "$U"
check_eq "getent group" "$(w getent group $U)" "agent-a-t1:*:$U:"
check_eq "id" "$(w id agent-a-t1)" "uid=$U(agent-a-t1) gid=$U(agent-a-t1) groups=$U(agent-a-t1)"
check_eq "an ended task's identity, marked" "$(w getent passwd $((U + 1)) | cut -d: -f5)" \
        "paddock task 2 of agent a (expired)"
check_eq "the files still answer" "$(w getent passwd alice | cut -d: -f3)" 1000
w getent passwd $((U + 5)) >/dev/null
check_eq "an unknown uid: not found" "$?" 2
printf 'garbage\n' >>"$work/ephemeral"
w getent passwd $U >/dev/null
check_eq "a corrupt registry: no answer" "$?" 2
done_testing
