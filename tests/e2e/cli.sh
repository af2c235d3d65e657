#!/bin/bash
# The command line: help, usage errors, exit statuses, an empty or missing dataset.
. "$(dirname "$0")/lib/common.bash"

ks --help | grep -q '^usage: ksurf' || fail "--help"
for c in add list show group; do
	ks "$c" --help | grep -q "^usage: ksurf $c" || fail "$c --help"
done
pass "help for every command"

rc=0; ks frobnicate 2>/dev/null || rc=$?
[ $rc = 2 ] || fail "unknown command exits 2, got $rc"
rc=0; ks show struct 2>/dev/null || rc=$?
[ $rc = 2 ] || fail "show without a name exits 2, got $rc"
rc=0; ks show widget foo 2>/dev/null || rc=$?
[ $rc = 2 ] || fail "unknown kind exits 2, got $rc"
rc=0; ks add 2>/dev/null || rc=$?
[ $rc = 2 ] || fail "add without paths exits 2"
pass "usage errors exit 2"

expect_error 1 ks list
grep -q "no dataset here" "$T/err" || fail "missing dataset message"
[ ! -e "$KSURF_DB" ] || fail "a reader must not create the dataset"
pass "missing dataset: one clear line"

expect_error 1 ks add /nonexistent/vmlinuz
grep -q "/nonexistent/vmlinuz" "$T/err" || fail "error names the file"
pass "missing input named"

# --db and $KSURF_DB
printf 'garbage' >"$T/g"
expect_error 1 ks --db "$T/other.db" add "$T/g"
[ ! -e "$T/other.db" ] || [ "$(sqlite3 "$T/other.db" 'select count(*) from image')" = 0 ] ||
	fail "failed add wrote an image"
pass "--db honoured, nothing written on failure"
finish
