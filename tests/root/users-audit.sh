#!/bin/bash
# Every identity change is an audit record that a real auditd stores and
# ausearch -i shows: ADD_GROUP and ADD_USER with res=success, a refused
# run with res=failed, removal as DEL_USER/DEL_GROUP.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_root
require_cmd auditd auditctl ausearch
. "$top_srcdir/tests/audit-lib.sh"
audit_start || skip_all "the kernel has no audit support here ($(auditctl -s 2>&1 | head -n1))"

root=$(make_root)
trap 'rm -rf "$root"; audit_stop' EXIT
name="au$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
user="agent-$name"
write_agent "$root" "$name"

paddock-users --root "$root" -q apply
# ausearch reads what auditd wrote; give it a moment to flush.
found() { # TYPE RESULT
        local i
        for i in $(seq 50); do
                ausearch -m "$1" -sv "$2" -i 2>/dev/null | grep -q "acct=$user " && return 0
                sleep 0.1
        done
        return 1
}
check "ADD_GROUP for $user with res=success in ausearch -i" found ADD_GROUP yes
check "ADD_USER for $user with res=success in ausearch -i" found ADD_USER yes
line=$(ausearch -m ADD_USER -i 2>/dev/null | grep "acct=$user " | tail -n1)
check "the record names op=add-user, the uid and the tool" \
        grep -q "op=add-user acct=$user id=.*70000.* exe=.*paddock-users .*res=success" <<<"$line"
check "the state dir creation is a USYS_CONFIG record" found USYS_CONFIG yes

# A refused run: a user of that name that paddock did not create.
name2="${name}x"
echo "agent-$name2:x:1600:1600::/:/bin/sh" >>"$root/etc/passwd"
write_agent "$root" "$name2"
paddock-users --root "$root" -q apply >/dev/null 2>&1; rc=$?
check_eq "refused run exits 1" "$rc" 1
user=agent-$name2
check "the refused ADD_USER is recorded with res=failed" found ADD_USER no
sed -i "/^agent-$name2:/d" "$root/etc/passwd"
rm "$root/etc/paddock/agents.d/$name2.agent"

user=agent-$name
paddock-users --root "$root" -q remove "$name"
check "removal: DEL_USER res=success" found DEL_USER yes
check "removal: DEL_GROUP res=success" found DEL_GROUP yes
done_testing
