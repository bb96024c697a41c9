#!/bin/bash
# Kernel rules per agent in a real kernel with a real auditd: what an agent
# executes, writes and is refused is found by ausearch -k paddock-NAME and
# by paddock-audit review, which lists exactly what ausearch finds. The
# host's own rules are the same before and after.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_root
require_cmd auditctl ausearch setpriv
. "$top_srcdir/tests/audit-lib.sh"
audit_start || skip_all "the kernel has no audit support here"
auditctl -s | grep -q '^enabled 2' && skip_all "the kernel's audit rules are locked (-e 2)"

root=$(make_root)
name="au$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
# A uid range of this run's own: the kernel's log outlives test roots, and
# shared rules name agents by uid only.
base=$((70000 + $(od -An -N2 -tu2 /dev/urandom) % 29000))
users_conf="[Users]\nUIDRange=$base-$((base + 99))\n"
printf "$users_conf" >"$root/etc/paddock/paddock.conf"
host_rules_before=$(auditctl -l)
cleanup() {
        paddock-audit --root "$root" -q remove "$name" >/dev/null 2>&1
        [ "${shared_cleanup:-0}" = 1 ] && auditctl -D -k paddock-agents >/dev/null 2>&1
        rm -rf "$root" /tmp/paddock-audit-test.$$
        audit_stop
}
trap cleanup EXIT
write_agent "$root" "$name"
paddock-users --root "$root" -q apply
uid=$(awk -F: -v u="agent-$name" '$1 == u {print $3}' "$root/etc/passwd")

out=$(paddock-audit --root "$root" apply 2>&1); rc=$?
check_eq "apply: exit 0" "$rc" 0
check "apply: one line for the agent's rules" grep -q "^loaded audit rules paddock-$name (6 rules)$" <<<"$out"
check "apply: the rules file is written" grep -q -- "-F uid=$uid -F perm=wax -F key=paddock-$name$" "$root/etc/audit/rules.d/50-paddock.rules"
check_eq "the kernel has 6 rules with the agent's key" "$(auditctl -l | grep -c "key=paddock-$name$")" 6
live=$(auditctl -l)
out=$(paddock-audit --root "$root" apply 2>&1); rc=$?
check_eq "apply again: exit 0, nothing printed" "$rc:$out" "0:"
check_eq "apply again: the kernel's rules are unchanged" "$(auditctl -l)" "$live"
# The file is what augenrules loads at boot: loaded by auditctl itself, it
# gives exactly the rules apply loads.
auditctl -D -k "paddock-$name" >/dev/null
grep -- "key=paddock-$name\$" "$root/etc/audit/rules.d/50-paddock.rules" >"/tmp/paddock-audit-test.$$"
check "auditctl -R loads the agent's lines of the rules file" auditctl -R "/tmp/paddock-audit-test.$$"
out=$(paddock-audit --root "$root" apply 2>&1)
check_eq "and apply then finds nothing to change" "$out" ""

# As the agent: run a program, write outside its state dir, be refused.
marker=/tmp/paddock-audit-test.$$
setpriv --reuid "$uid" --regid "$uid" --clear-groups /bin/sh -c "echo x >$marker.w; cat /etc/shadow; /bin/true paddock-$name" >/dev/null 2>&1
found() { # ausearch pattern
        local i
        for i in $(seq 50); do
                ausearch -k "paddock-$name" -i 2>/dev/null | grep -q -- "$1" && return 0
                sleep 0.1
        done
        return 1
}
check "ausearch -k finds the execve (command line decoded)" found "proctitle=/bin/true paddock-$name"
check "ausearch -k finds the write outside its state dir" found "name=$marker.w"
check "ausearch -k finds the denied open of /etc/shadow" found "exit=EACCES"

json=$(paddock-audit --root "$root" review "$name" --json)
check "review: the exec, with its command line" grep -q "\"kind\":\"exec\".*\"command\":\\[\"/bin/true\",\"paddock-$name\"\\]" <<<"$json"
check "review: the write, with its path" grep -q "\"kind\":\"write\".*\"paths\":\\[\"$marker.w\"\\]" <<<"$json"
check "review: the denied open, with its path" grep -q '"kind":"denied-open".*"exit":"EACCES.*"paths":\["/etc/shadow"\]' <<<"$json"
check "review: paddock's own records for the agent (add-user)" grep -q '"kind":"change".*"op":"add-user","res":"success"' <<<"$json"
check "review: the uid of every kernel event is the agent's" \
        sh -c "grep -E '\"kind\":\"(exec|write|denied-open)\"' <<'X' | grep -v '\"uid\":\"[^\"]*$uid[^\"]*\"' | grep -q . && exit 1 || exit 0
$json
X"

# review lists exactly what ausearch finds: the agent's key, paddock's records
# for its user, and refused connections with its uid as mark.
serials_review=$(grep -o '"serial":[0-9]*' <<<"$json" | cut -d: -f2 | sort -n | uniq)
# What ausearch finds for the agent; with an argument, also what the shared
# rules' key finds for its uid.
ausearch_serials() {
        {
                ausearch -k "paddock-$name" --format raw 2>/dev/null
                [ -n "${1:-}" ] && ausearch -k paddock-agents -ui "$uid" --format raw 2>/dev/null
                ausearch -m ADD_USER,ADD_GROUP,DEL_USER,DEL_GROUP,USYS_CONFIG,USER_START,USER_END,USER_MGMT --format raw 2>/dev/null |
                        grep -E "acct=(\"agent-$name\"|$(printf "agent-$name" | od -An -tx1 | tr -d ' \n' | tr a-f A-F))[ ']"
                ausearch -m NETFILTER_PKT --format raw 2>/dev/null | grep "mark=$(printf '0x%x' "$uid") "
        } | grep -o 'msg=audit([0-9.]*:[0-9]*)' | sed 's/.*://; s/)//' | sort -n | uniq
}
serials_ausearch=$(ausearch_serials)
check_eq "review's events are exactly ausearch's ($(wc -l <<<"$serials_review") events)" "$serials_review" "$serials_ausearch"
sum=$(paddock-audit --root "$root" review "$name" --summary --json)
check "--summary counts" grep -q '"exec":[1-9]' <<<"$sum"
out=$(paddock-audit --root "$root" review "$name" --since=@4102444800 2>&1)
check_eq "--since in the future: nothing" "$out" ""
paddock-audit review "$name" --since=yesterday-ish >/dev/null 2>&1; rc=$?
check_eq "a bad --since: exit 2" "$rc" 2

# [Audit] Rules=shared: one rule set for the whole agent uid range, keyed
# paddock-agents; review names the agent by uid. Skipped if the host itself
# uses that key (its rules are not the test's to replace).
if auditctl -l | grep "key=paddock-agents$" >/dev/null; then
        echo "# skip shared rules: the host has rules keyed paddock-agents"
else
        printf "$users_conf[Audit]\nRules=shared\n" >"$root/etc/paddock/paddock.conf"
        shared_cleanup=1
        paddock-audit --root "$root" -q apply
        check_eq "shared: the agent's own rules are replaced" "$(auditctl -l | grep -c "key=paddock-$name$")" 0
        check_eq "shared: 6 rules for the uid range" \
                "$(auditctl -l | grep -c -- "-F uid>=$base -F uid<=$((base + 99)) .*key=paddock-agents$")" 6
        setpriv --reuid "$uid" --regid "$uid" --clear-groups /bin/true "shared-$name"
        for i in $(seq 50); do
                ausearch -k paddock-agents -ui "$uid" -i 2>/dev/null | grep "proctitle=/bin/true shared-$name" >/dev/null && break
                sleep 0.1
        done
        json=$(paddock-audit --root "$root" review "$name" --json)
        check "shared: review finds the exec by uid" grep -q "\"kind\":\"exec\".*\"command\":\\[\"/bin/true\",\"shared-$name\"\\]" <<<"$json"
        check_eq "shared: review's events are exactly ausearch's, by key and uid" \
                "$(grep -o '"serial":[0-9]*' <<<"$json" | cut -d: -f2 | sort -n | uniq)" "$(ausearch_serials shared)"
        printf "$users_conf" >"$root/etc/paddock/paddock.conf"
        paddock-audit --root "$root" -q apply
        shared_cleanup=0
        check_eq "per-agent again: the shared rules are gone" "$(auditctl -l | grep -c "key=paddock-agents$")" 0
        check_eq "per-agent again: the agent's 6 rules are back" "$(auditctl -l | grep -c "key=paddock-$name$")" 6
fi

# remove: exactly the agent's rules go.
out=$(paddock-audit --root "$root" remove "$name" 2>&1); rc=$?
check_eq "remove: exit 0" "$rc" 0
check_eq "remove: the agent's rules are gone" "$(auditctl -l | grep -c "key=paddock-$name$")" 0
check "remove: its rules are gone from the file too" sh -c "! grep -q 'key=paddock-$name' '$root/etc/audit/rules.d/50-paddock.rules'"
check_eq "the host's own rules are as they were" "$(auditctl -l)" "$host_rules_before"
rm -f "$marker.w"
done_testing
