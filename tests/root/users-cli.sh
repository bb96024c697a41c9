#!/bin/bash
# paddock-users as an admin or a configuration-management hook uses it:
# what it prints, what it writes, and exit codes.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_root
require_cmd pwck grpck

root=$(make_root)
trap 'rm -rf "$root"' EXIT

write_agent "$root" reviewer 'Description=Reviews pull requests' 'Expires=2027-03-31'
write_agent "$root" summarizer
export SOURCE_DATE_EPOCH=1700000000

out=$(paddock-users --root "$root" apply 2>&1); rc=$?
check_eq "first apply exits 0" "$rc" 0
check_eq "first apply prints one line per change" "$out" "created group agent-reviewer (gid 70000)
created user agent-reviewer (uid 70000)
created state directory /var/lib/paddock/agents/reviewer
created group agent-summarizer (gid 70001)
created user agent-summarizer (uid 70001)
created state directory /var/lib/paddock/agents/summarizer"
check "passwd, group, shadow, gshadow pass pwck -r and grpck -r" pw_consistent "$root"
check_eq "state dir is 0700 and owned by the agent" \
        "$(stat -c '%a %u %g' "$root/var/lib/paddock/agents/reviewer")" "700 70000 70000"
check_eq "passwd entry: nologin, state dir as home" \
        "$(grep '^agent-reviewer:' "$root/etc/passwd")" \
        "agent-reviewer:x:70000:70000:Reviews pull requests:/var/lib/paddock/agents/reviewer:/usr/sbin/nologin"
check_eq "shadow entry: locked, account expires the day after Expires=" \
        "$(grep '^agent-reviewer:' "$root/etc/shadow")" "agent-reviewer:!*:19675:::::20909:"
check_eq "no supplementary groups: agent groups have no members" \
        "$(grep -c ':70000:$' "$root/etc/group")" 1
check_eq "shadow keeps its mode" "$(stat -c %a "$root/etc/shadow")" 640

before=$(tree_sum "$root")
out=$(paddock-users --root "$root" apply 2>&1); rc=$?
check_eq "second apply exits 0" "$rc" 0
check_eq "second apply prints nothing" "$out" ""
check_eq "second apply changes no byte, mode or owner" "$(tree_sum "$root")" "$before"

# Dry run.
write_agent "$root" extra
before=$(tree_sum "$root")
out=$(paddock-users --root "$root" --dry-run apply 2>&1); rc=$?
check_eq "dry run exits 0" "$rc" 0
check_eq "dry run says what would change" "$out" "would create group agent-extra (gid 70002)
would create user agent-extra (uid 70002)
would create state directory /var/lib/paddock/agents/extra"
check_eq "dry run writes nothing" "$(tree_sum "$root")" "$before"
rm "$root/etc/paddock/agents.d/extra.agent"

# A bad agent file: FILE:LINE: message, exit 3, nothing changes.
write_agent "$root" newbie
printf '[Agent]\nOwner=alice\nShell=/bin/bash\n' >"$root/etc/paddock/agents.d/broken.agent"
before=$(tree_sum "$root")
out=$(paddock-users --root "$root" apply 2>&1 >/dev/null); rc=$?
check_eq "bad agent file: exit 3" "$rc" 3
check_eq "bad agent file: FILE:LINE: message" "$(echo "$out" | head -n1)" \
        "$root/etc/paddock/agents.d/broken.agent:3: unknown key Shell= in [Agent]"
check_eq "bad agent file: nothing changed, not even the good agent" "$(tree_sum "$root")" "$before"
rm "$root/etc/paddock/agents.d/broken.agent" "$root/etc/paddock/agents.d/newbie.agent"

# Hostile name in a file name.
printf '[Agent]\nOwner=alice\n' >"$root/etc/paddock/agents.d/Evil:0:0.agent"
out=$(paddock-users --root "$root" apply 2>&1 >/dev/null); rc=$?
check_eq "hostile file name: exit 3" "$rc" 3
check "hostile file name: never reaches passwd" sh -c "! grep -q Evil '$root/etc/passwd'"
rm "$root/etc/paddock/agents.d/Evil:0:0.agent"

# Bad usage.
paddock-users --root "$root" apply 'a/b' >/dev/null 2>&1; rc=$?
check_eq "invalid NAME on the command line: exit 2" "$rc" 2
paddock-users --frobnicate >/dev/null 2>&1; rc=$?
check_eq "unknown option: exit 2" "$rc" 2
paddock-users --root "$root" apply nosuch >/dev/null 2>&1; rc=$?
check_eq "apply of an agent without a file: exit 3" "$rc" 3
check "--version names the package" sh -c "paddock-users --version | grep -q '^paddock-users (paddock) '"

# Change an agent: only what changed.
write_agent "$root" reviewer 'Description=Reviews and merges' 'Expires=2027-06-30'
out=$(paddock-users --root "$root" apply 2>&1)
check_eq "changed file: one update line" "$out" \
        "updated user agent-reviewer (uid 70000): description, expiry"

# list, then an orphan.
rm "$root/etc/paddock/agents.d/summarizer.agent"
out=$(paddock-users --root "$root" apply 2>&1 >/dev/null); rc=$?
check_eq "apply with an orphan: exit 0" "$rc" 0
check "apply with an orphan: warns" grep -q 'orphaned' <<<"$out"
check "apply never deletes: the orphan's user remains" grep -q '^agent-summarizer:' "$root/etc/passwd"
json=$(paddock-users --root "$root" list --json)
check_eq "list --json" "$json" \
        '[{"name":"reviewer","user":"agent-reviewer","uid":70000,"owner":"alice","expires":"2027-06-30","state":"ok"},{"name":"summarizer","user":"agent-summarizer","uid":70001,"owner":null,"expires":null,"state":"orphaned"}]'
write_agent "$root" old 'Expires=2020-01-01'
paddock-users --root "$root" -q apply old
check "list shows an expired agent as expired" sh -c "paddock-users --root '$root' list | grep -Eq '^old +agent-old +70002 +alice +2020-01-01 expired$'"

# remove and --purge.
touch "$root/var/lib/paddock/agents/summarizer/data"
ln -s /etc/passwd "$root/var/lib/paddock/agents/summarizer/link"
out=$(paddock-users --root "$root" remove --purge summarizer 2>&1); rc=$?
check_eq "remove --purge exits 0" "$rc" 0
check_eq "remove --purge says what it removed" "$out" "removed user agent-summarizer (uid 70001)
removed group agent-summarizer (gid 70001)
removed state directory /var/lib/paddock/agents/summarizer"
check "removed from all four files" sh -c "! grep -q summarizer '$root/etc/passwd' '$root/etc/shadow' '$root/etc/group' '$root/etc/gshadow'"
check "state dir is gone" test ! -e "$root/var/lib/paddock/agents/summarizer"
check "a symlink inside the state dir was not followed" test -s "$root/etc/passwd"
out=$(paddock-users --root "$root" remove summarizer 2>&1); rc=$?
check_eq "removing again: exit 0 and nothing printed" "$rc:$out" "0:"
check "files still consistent after removal" pw_consistent "$root"

# Refuse to take over a user paddock did not create.
echo 'agent-taken:x:1500:1500::/home/taken:/bin/sh' >>"$root/etc/passwd"
write_agent "$root" taken
before=$(tree_sum "$root")
out=$(paddock-users --root "$root" apply 2>&1); rc=$?
check_eq "existing non-paddock user: exit 1" "$rc" 1
check "existing non-paddock user: says why" grep -q 'agent-taken exists and was not created by paddock' <<<"$out"
check_eq "existing non-paddock user: nothing written" "$(tree_sum "$root")" "$before"
out=$(paddock-users --root "$root" remove taken 2>&1); rc=$?
check_eq "remove refuses a non-paddock user: exit 1" "$rc" 1
rm "$root/etc/paddock/agents.d/taken.agent"
sed -i '/^agent-taken:/d' "$root/etc/passwd"

# A state dir replaced by a symlink is refused, not followed.
rm -rf "$root/var/lib/paddock/agents/old"
ln -s /etc "$root/var/lib/paddock/agents/old"
out=$(paddock-users --root "$root" apply 2>&1); rc=$?
check_eq "symlinked state dir: exit 1" "$rc" 1
check_eq "symlinked state dir: /etc untouched" "$(stat -c '%a %u' /etc)" "755 0"
rm "$root/var/lib/paddock/agents/old"

# The front: "paddock users ..." is paddock-users.
out=$(paddock users --root "$root" list 2>&1); rc=$?
check_eq "paddock users list runs paddock-users" "$rc" 0
paddock 'x/../y' >/dev/null 2>&1; rc=$?
check_eq "paddock refuses a verb that is not [a-z]+" "$rc" 2

done_testing
