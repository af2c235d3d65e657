#!/bin/bash
# DWARF function analysis of a real Debian kernel: its -dbg package (from
# $KSURF_DEBUG_DEBS, ../cache-dbg by default; skipped when absent) added to the image of
# its non-debug package with --debug-file. Every "full inline" function has no symbol in
# the package's own System.map; every "selective inline" one has one.
. "$(dirname "$0")/lib/common.bash"

DBG=$(ls "${KSURF_DEBUG_DEBS:-/nonexistent}"/linux-image-*-dbg_*.deb 2>/dev/null | head -1 || true)
if [ -z "$DBG" ]; then
	echo "skipped: no linux-image-*-dbg package in ${KSURF_DEBUG_DEBS:-(unset)}"
	exit 77
fi
pkgver=$(dpkg-deb -f "$DBG" Version)
pkg=$(dpkg-deb -f "$DBG" Package)
plain=${KSURF_SHARED:-/nonexistent}/debs/${pkg%-dbg}-unsigned_${pkgver}_amd64.deb

if [ -f "$plain" ]; then
	ks add "$plain" >/dev/null
	ks add --debug-file "$DBG" >"$T/out"
	grep -q 'its functions now carry what the DWARF says' "$T/out" || { cat "$T/out"; fail "--debug-file"; }
	pass "--debug-file $(basename "$DBG") onto $(basename "$plain")"
else
	ks add "$DBG" >"$T/out"
fi
grep -q '^  DWARF 5: [0-9]* units' "$T/out" || { cat "$T/out"; fail "DWARF summary"; }

# The package's own System.map, streamed out (it comes before the vmlinux).
rel=${pkg#linux-image-}
rel=${rel%-dbg}
{ dpkg-deb --fsys-tarfile "$DBG" 2>/dev/null || true; } |
	{ tar -xO --occurrence=1 "./usr/lib/debug/boot/System.map-$rel" || true; } >"$T/System.map"
[ -s "$T/System.map" ] || fail "no System.map-$rel in $DBG"
awk '$2 ~ /^[tTwW]$/ { n = $3; sub(/\..*/, "", n); print n }' "$T/System.map" | sort -u >"$T/bases"

words() {
	sqlite3 "$KSURF_DB" "SELECT i.name FROM image_item ii JOIN item i ON i.id = ii.item_id
		JOIN def d ON d.id = ii.def_id, json_each(d.body, '\$.status') w
		WHERE i.kind = 'func' AND w.value = '$1' ORDER BY i.name"
}
words 'full inline' >"$T/full"
words 'selective inline' >"$T/selective"
[ "$(wc -l <"$T/full")" -gt 10000 ] || fail "too few full inline functions: $(wc -l <"$T/full")"
[ "$(wc -l <"$T/selective")" -gt 1000 ] || fail "too few selective inline functions"
bad=$(comm -12 "$T/full" "$T/bases" | head -5)
[ -z "$bad" ] || fail "full inline but in System.map: $bad"
bad=$(comm -23 "$T/selective" "$T/bases" | head -5)
[ -z "$bad" ] || fail "selective inline but not in System.map: $bad"
pass "$(wc -l <"$T/full") full inline functions, none in System.map; $(wc -l <"$T/selective") selective inline, all in it"

for w in transformation duplicate 'static-static collision' 'static-global collision'; do
	[ -n "$(words "$w" | head -1)" ] || fail "no '$w' function"
done
ks show func blk_account_io_start >"$T/page"
grep -q 'full inline void blk_account_io_start(struct request \*req)$' "$T/page" || { cat "$T/page"; fail "blk_account_io_start page"; }
grep -q '^    inlined at [0-9]* call sites in [0-9]* functions: blk_execute_rq' "$T/page" || { cat "$T/page"; fail "inline callers"; }
pass "every status word present; show func blk_account_io_start"
finish
