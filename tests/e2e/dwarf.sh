#!/bin/bash
# DWARF function analysis on the fixture program of tests/fixtures/dwarf, built here with
# gcc -O2 -g and given BTF by pahole: each function gets exactly its status words;
# llvm-dwarfdump and nm cross-check them; DWARF 4, dwz partial units, a missing line
# table and a corrupted .debug_info; --debug-file; status changes between versions.
. "$(dirname "$0")/lib/common.bash"

for tool in gcc pahole nm objcopy llvm-dwarfdump; do
	command -v $tool >/dev/null || { echo "skipped: no $tool"; exit 77; }
done
SRC=${KSURF_SRC:?}/tests/fixtures/dwarf
cp "$SRC"/*.c "$SRC"/*.h "$T/"

# build NAME [CFLAGS...]: the fixture as $T/NAME (relative source names, as a kernel
# build has), with BTF from its DWARF.
build() {
	local out=$1
	shift
	(cd "$T" && gcc -O2 -g "$@" -o "$out" a.c b.c c.c && pahole -J "$out")
}
# statuses NAME: "func|[words]" for every fx_* function of the image NAME.
statuses() {
	sqlite3 "$KSURF_DB" "SELECT i.name || '|' || coalesce(json_extract(d.body, '\$.status'), '[]')
		FROM image_item ii JOIN item i ON i.id = ii.item_id JOIN def d ON d.id = ii.def_id
		JOIN image im ON im.id = ii.image_id
		WHERE i.kind = 'func' AND i.name LIKE 'fx%' AND im.name = '$1' ORDER BY i.name"
}
addfx() { ks add "$1" --version "$2" --revision 1 --flavor fixture --arch amd64 --distro test; }

build fx1
addfx "$T/fx1" 0.1 >"$T/out"
grep -q '^  DWARF 5: 3 units, ' "$T/out" || { cat "$T/out"; fail "DWARF summary line"; }
statuses 0.1-1-fixture-amd64 >"$T/got"
cat >"$T/want" <<'W'
fx_a|[]
fx_always|["no BTF","no symbol","full inline"]
fx_b|[]
fx_c|[]
fx_cb|["no BTF","no symbol"]
fx_cold|["selective inline"]
fx_constprop|["no BTF","transformation"]
fx_die|[]
fx_flat|[]
fx_header_static|["duplicate","several symbols"]
fx_isra|["no BTF","transformation"]
fx_part|["no BTF","selective inline","transformation"]
fx_partly|["selective inline"]
fx_pick|["no BTF","no symbol"]
fx_proto|["no BTF","no symbol","full inline"]
fx_same|["static-static collision","several symbols"]
fx_sg_name|["static-global collision","several symbols"]
fx_sg_name_local|[]
W
diff "$T/want" "$T/got" || fail "fixture statuses"
pass "fixture: every status word as designed"

line_of() { grep -n "$2" "$T/$1" | head -1 | cut -d: -f1; }
ks show func fx_header_static >"$T/page"
grep -q "^    defined at fx.h:$(line_of fx.h ' int fx_header_static(') (static), out of line in 2 units: a.c, b.c\$" "$T/page" ||
	{ cat "$T/page"; fail "duplicate evidence"; }
ks show func fx_partly >"$T/page"
grep -q '^    inlined at 1 call site in 1 function: fx_flat$' "$T/page" || { cat "$T/page"; fail "inline evidence"; }
grep -q '^    called directly at 1 call site in 1 function: fx_b$' "$T/page" || fail "caller evidence"
ks show func fx_sg_name --format json |
	jq -e '.groups[0].images[0].def | any(.evidence[]; . == "defined at c.c:'"$(line_of c.c ' int fx_sg_name(')"' (static), out of line in 1 unit: c.c") and .dwarf' >/dev/null ||
	{ ks show func fx_sg_name --format json; fail "json evidence"; }
ks show func fx_same --format md | grep -q 'static-static collision' || fail "md page"
pass "show func: evidence in text, json, md"

# Prototypes from DWARF for functions without BTF FUNC print as the C printer prints
# BTF: at -O0 nothing is inlined, so pahole gives fx_proto and fx_isra a FUNC.
build fx0 -O0
KSURF_DB=$T/o0.db addfx "$T/fx0" 0.0 >/dev/null
c_of() { sqlite3 "$1" "SELECT json_extract(d.body, '\$.c') || '|' || coalesce(json_extract(d.body, '\$.proto'), 'btf')
	FROM image_item ii JOIN item i ON i.id = ii.item_id JOIN def d ON d.id = ii.def_id
	WHERE i.kind = 'func' AND i.name = '$2'"; }
for f in fx_proto fx_isra; do
	btf=$(c_of "$T/o0.db" $f)
	dw=$(c_of "$KSURF_DB" $f)
	[ "${btf%|btf}|dwarf" = "$dw" ] || fail "$f: BTF at -O0 '$btf', DWARF at -O2 '$dw'"
done
ks show func fx_proto | grep -qF '0.1: ⚠️ no BTF, no symbol, full inline const char *fx_proto(struct fx_big * const b, int (*cb)(int, void *), const volatile long int *arr, char *name, long unsigned int (* (*pick)(int))[3])' ||
	{ ks show func fx_proto; fail "fx_proto page"; }
pass "prototypes from DWARF print as BTF's at -O0 (fx_proto, fx_isra)"

# Cross-checks against llvm-dwarfdump and nm, independently of libdw.
nm "$T/fx1" | awk '$2 ~ /[tTwW]/ { print $3 }' >"$T/syms"
llvm-dwarfdump --debug-info "$T/fx1" >"$T/dump"
inlined() { grep -A2 'DW_TAG_inlined_subroutine' "$T/dump" | grep -c "DW_AT_abstract_origin.*\"$1\")" || true; }
while IFS='|' read -r f words; do
	if [[ $words == *'"full inline"'* ]]; then
		! grep -Eq "^$f(\\.|$)" "$T/syms" || fail "$f: full inline but nm has a symbol"
		[ "$(inlined "$f")" -gt 0 ] || fail "$f: full inline but no inlined instance in llvm-dwarfdump"
	fi
	if [[ $words == *'"selective inline"'* ]]; then
		grep -Eq "^$f(\\.|$)" "$T/syms" || fail "$f: selective inline without a symbol"
		[ "$(inlined "$f")" -gt 0 ] || fail "$f: selective inline but no inlined instance in llvm-dwarfdump"
	fi
done <"$T/got"
# The inlined instances of every function add up to llvm-dwarfdump's count.
total=$(grep -c 'DW_TAG_inlined_subroutine' "$T/dump")
sum=$(sqlite3 "$KSURF_DB" "SELECT e.value FROM image_item ii JOIN item i ON i.id = ii.item_id
	JOIN def d ON d.id = ii.def_id, json_each(d.body, '\$.evidence') e
	WHERE i.kind = 'func' AND e.value LIKE 'inlined at %'" | awk '{ s += $3 } END { print s + 0 }')
[ "$total" = "$sum" ] || fail "inlined instances: llvm-dwarfdump $total, ksurf $sum"
pass "cross-check with nm and llvm-dwarfdump ($total inlined instances)"

# DWARF 4 gives the same words.
rm -f "$KSURF_DB"
build fx4 -gdwarf-4
addfx "$T/fx4" 0.1 | grep -q '^  DWARF 4: ' || fail "DWARF 4 summary"
statuses 0.1-1-fixture-amd64 | diff "$T/want" - || fail "DWARF 4 statuses"
pass "DWARF 4: same statuses"

# dwz's partial units, when dwz is here.
if command -v dwz >/dev/null; then
	rm -f "$KSURF_DB"
	cp "$T/fx1" "$T/fxz" && dwz "$T/fxz"
	llvm-dwarfdump --debug-info "$T/fxz" >"$T/dumpz"
	grep -q DW_TAG_partial_unit "$T/dumpz" || fail "dwz made no partial unit"
	addfx "$T/fxz" 0.1 | grep -q '^  DWARF 5: 4 units' || fail "dwz units"
	statuses 0.1-1-fixture-amd64 | diff "$T/want" - || fail "dwz statuses"
	pass "dwz partial units: same statuses"
fi

# No line table: no declaration files, so no collisions can be told; no crash.
rm -f "$KSURF_DB"
objcopy --remove-section .debug_line --remove-section .debug_line_str "$T/fx1" "$T/fxnl"
addfx "$T/fxnl" 0.1 >/dev/null || fail "no line table: add failed"
statuses 0.1-1-fixture-amd64 | grep -qx 'fx_always|\["no BTF","no symbol","full inline"\]' || fail "no line table: full inline"
pass "missing line table: inlining still told"

# A corrupted .debug_info: one error line, exit 1, nothing written.
off=$((16#$(readelf -SW "$T/fx1" | sed 's/^ *\[ *[0-9]*\] *//' | awk '$1 == ".debug_info" { print $4 }')))
cp "$T/fx1" "$T/fxbad"
printf '\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377' |
	dd of="$T/fxbad" bs=1 seek=$((off + 11)) conv=notrunc status=none
before=$(db_fingerprint)
expect_error 1 addfx "$T/fxbad" 0.1
grep -q 'fxbad: DWARF' "$T/err" || { cat "$T/err"; fail "corrupted DWARF message"; }
[ "$(db_fingerprint)" = "$before" ] || fail "corrupted DWARF changed the dataset"
pass "corrupted .debug_info: $(cat "$T/err")"

# --debug-file: the image without DWARF first, its DWARF later.
rm -f "$KSURF_DB"
objcopy --strip-debug "$T/fx1" "$T/fx1.nodebug"
addfx "$T/fx1.nodebug" 0.1 >/dev/null
statuses 0.1-1-fixture-amd64 | grep -qx 'fx_partly|\[\]' || fail "no DWARF: no inline word"
expect_error 1 ks add --debug-file "$T/fx1.nodebug"
grep -q 'no DWARF debug info' "$T/err" || fail "--debug-file without DWARF"
ks add --debug-file "$T/fx1" | grep -q 'its functions now carry what the DWARF says' || fail "--debug-file"
statuses 0.1-1-fixture-amd64 | diff "$T/want" - || fail "--debug-file statuses"
build fx3 -DFX_V3
expect_error 1 ks add --debug-file "$T/fx3"
grep -q 'no image in the dataset has this kernel' "$T/err" || fail "--debug-file of an unknown image"
pass "--debug-file adds DWARF to an image ingested earlier"

# Versions: fx_partly inlined everywhere in 0.2 is a status change; 0.3 without DWARF
# does not make DWARF's words vanish from 0.1.
build fx2 -DFX_V2
addfx "$T/fx2" 0.2 >/dev/null
objcopy --strip-debug "$T/fx3" "$T/fx3.nodebug"
addfx "$T/fx3.nodebug" 0.3 >/dev/null
ks diff 0.1-1-fixture-amd64 0.2-1-fixture-amd64 --kind func >"$T/diff"
grep -q 'Status changed\. fx_partly: selective inline ➡️ no BTF, no symbol, full inline' "$T/diff" ||
	{ cat "$T/diff"; fail "inlining change between versions"; }
# 0.3 is 0.1's code without DWARF: the inline words on 0.1's side are not compared.
ks diff 0.1-1-fixture-amd64 0.3-1-fixture-amd64 --kind func >"$T/diff"
! grep -q 'Status changed' "$T/diff" || { cat "$T/diff"; fail "DWARF words compared with an image without DWARF"; }
pass "diff: a function that becomes inlined is a change; no DWARF is no change"
finish
