#!/bin/bash
# `ksurf diff` over the real Debian kernels, and `ksurf show field`.
. "$(dirname "$0")/lib/common.bash"
need_shared

for d in bullseye-5.10.223-amd64-amd64 bookworm-6.1.176-amd64-amd64 trixie-6.12.117-amd64-amd64 \
	sid-7.2.13-amd64-amd64 sid-7.2.13-arm64-arm64; do
	add_shared "$d"
done

ks diff --group Regular --summary >"$T/table"
head -n 1 "$T/table" | grep -q '^Regular  *5\.10 → 6\.1  *6\.1 → 6\.12  *6\.12 → 7\.2$' \
	|| { cat "$T/table"; fail "the table's header is not Regular with three pairs"; }
for row in struct union enum typedef '  old ' '  changed ' '    Field added ' '    Offset changed '; do
	grep -q "^$row" "$T/table" || fail "table row missing: '$row'"
done
pass "diff --group Regular: table with three pair columns"

ks diff --group Regular --format json >"$T/d.json"
[ "$(jq -r .schema "$T/d.json")" = ksurf.diff/1 ] || fail "schema"
[ "$(jq '.groups[0].pairs | length' "$T/d.json")" = 3 ] || fail "three pairs"
bad=$(jq '[.groups[].pairs[].counts | to_entries[] | .value
	| select(.old + .added - .removed != .new or .old != .unchanged + .changed + .removed)] | length' "$T/d.json")
[ "$bad" = 0 ] || fail "counts do not add up in $bad kind/pair cells"
# the items listed are the counts: added + removed + changed per kind and pair
bad=$(jq '[.groups[].pairs[] | . as $p | $p.counts | to_entries[] | .key as $k
	| select(.value.added + .value.removed + .value.changed != ([$p.items[] | select(.kind == $k)] | length))] | length' "$T/d.json")
[ "$bad" = 0 ] || fail "items listed differ from the counts in $bad cells"
jq -e '.groups[0].pairs[0].items[] | select(.kind == "struct" and .name == "task_struct" and .status == "changed")
	| .changes[] | select(.type == "field_added" and .subject == "__state")' "$T/d.json" >/dev/null \
	|| fail "task_struct::__state not added between 5.10 and 6.1"
pass "diff --format json: old + added - removed = new per kind and pair; items match counts"

A=5.10.223-32-amd64-amd64 B=7.2.13-deb14-amd64-amd64
ks diff "$A" "$A" --format json >"$T/same.json"
[ "$(jq '[.groups[0].pairs[0].counts[] | .added + .removed + .changed] | add' "$T/same.json")" = 0 ] \
	|| fail "diff A A has changes"
[ "$(jq '.groups[0].pairs[0].items | length' "$T/same.json")" = 0 ] || fail "diff A A lists items"
pass "diff A A: all unchanged"

ks diff "$A" "$B" --format csv >"$T/c.csv"
head -n 1 "$T/c.csv" | grep -qx 'group,from_label,to_label,from,to,kind,row,count' || fail "csv header"
python3 - "$T/c.csv" <<'PY' || fail "csv does not parse"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert rows and all(r["count"].isdigit() for r in rows)
c = {(r["kind"], r["row"]): int(r["count"]) for r in rows}
for k in {r["kind"] for r in rows}:
    assert c[(k, "old")] + c[(k, "added")] - c[(k, "removed")] == c[(k, "new")], k
PY
ks diff "$A" "$B" --format csv --details --kind struct >"$T/det.csv"
python3 - "$T/det.csv" <<'PY' || fail "csv --details does not parse"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert rows and {r["kind"] for r in rows} == {"struct"}
assert any(r["name"] == "task_struct" and r["change"] == "field_added" for r in rows)
PY
pass "diff --format csv (counts and --details) parses"

ks diff "$A" "$B" --kind struct --summary >"$T/k"
grep -q '^struct' "$T/k" && ! grep -q '^enum\|^union\|^typedef' "$T/k" || fail "--kind struct shows other kinds"
ks diff --group Regular --group Arch --kind enum --format md >"$T/md"
grep -q '^## Regular' "$T/md" && grep -q '^## Arch' "$T/md" && grep -q '^| enum | old |' "$T/md" || fail "md"
pass "--kind, --format md, two groups"

usage() { local rc=0; ks "$@" 2>"$T/err" >/dev/null || rc=$?; [ "$rc" = 2 ] && grep -q '^usage: ksurf diff' "$T/err" || fail "usage error expected: $*"; }
usage diff "$A"
usage diff --group Nope
usage diff "$A" "$B" --kind nope
usage diff "$A" "$B" --details
expect_error 1 ks diff "$A" no-such-image
pass "usage errors and unknown images"

ks show field task_struct::__state --group Regular >"$T/f"
grep -q '^5\.10: Absent' "$T/f" && grep -q '^6\.1: ✅ unsigned int __state;' "$T/f" \
	&& grep -q '^Added between 5\.10 and 6\.1' "$T/f" || { cat "$T/f"; fail "show field __state"; }
ks show field task_struct::pid --format json >"$T/f.json"
[ "$(jq -r .kind "$T/f.json")" = field ] || fail "field json kind"
jq -e '.groups[] | select(.name == "Arch") | .pairs[] | .changes[] | select(.type == "offset_changed")' \
	"$T/f.json" >/dev/null || fail "task_struct::pid offset differs between amd64 and arm64"
ks show field task_struct::pid --format md | grep -q '^# field task_struct::pid' || fail "field md"
expect_error 1 ks show field task_struct::no_such_field
rc=0; ks show field task_struct 2>/dev/null || rc=$?; [ "$rc" = 2 ] || fail "show field without ::"
pass "show field: text, json, md, errors"
finish
