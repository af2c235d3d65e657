#!/bin/bash
# Kernels without BTF get their types from their DWARF (pahole's encoder): the fixture
# kernel of tests/fixtures/dwarfbtf built here without BTF, for i386 (gcc -m32), and
# for armhf and big-endian ppc64 when clang and ld.lld can; pahole's own reading of the
# DWARF is the oracle of every struct's layout. A kernel without its DWARF waits for it;
# given together, in either order, or with --debug-file, they make one image. Bad
# DWARF, a failing or missing pahole: one line, exit 1, nothing written.
. "$(dirname "$0")/lib/common.bash"
. "$(dirname "$0")/lib/pahole_oracle.bash"

for tool in gcc pahole objcopy readelf sqlite3 jq; do
	command -v $tool >/dev/null || { echo "skipped: no $tool"; exit 77; }
done
cp "${KSURF_SRC:?}/tests/fixtures/dwarfbtf/kernel.c" "$T/"
# build NAME CC-AND-FLAGS...: the fixture kernel as $T/NAME, with DWARF and no BTF.
build() {
	local out=$1
	shift
	(cd "$T" && "$@" -O2 -g -nostdlib -static -e fx_start -o "$out" kernel.c) 2>"$T/cc.err"
}
if build fxk gcc -m32; then
	ARCH=i386
else
	build fxk gcc || { cat "$T/cc.err"; fail "cannot build the fixture"; }
	ARCH=amd64
fi
[ -z "$(readelf -SW "$T/fxk" | grep -F ' .BTF ')" ] || fail "the fixture has BTF"
printf '# Linux/x86 0.1.0 Kernel Configuration\nCONFIG_BPF=y\n# CONFIG_BPF_LSM is not set\n' >"$T/config"
IMG=0.1.0-1-fx-$ARCH
addfx() { ks add "$@" --revision 1 --flavor fx --distro test; }

# The types: pahole's BTF, byte for byte as pahole writes it with ksurf's options.
addfx "$T/fxk" >"$T/out"
grep -q "^added $IMG: [0-9]* BTF types from DWARF (pahole v[0-9.]*), .* symbols (ELF .symtab)" "$T/out" ||
	{ cat "$T/out"; fail "add of a kernel without BTF"; }
grep -q '^  DWARF [45]: 1 units, ' "$T/out" || { cat "$T/out"; fail "DWARF summary"; }
pahole -J --btf_gen_floats --lang_exclude=rust --btf_encode_detached="$T/oracle.btf" "$T/fxk"
sqlite3 "$KSURF_DB" "SELECT hex(data) FROM btf" >"$T/stored.hex"
od -An -v -tx1 "$T/oracle.btf" | tr -d ' \n' | tr a-f A-F >"$T/oracle.hex"
echo >>"$T/oracle.hex"
cmp -s "$T/stored.hex" "$T/oracle.hex" || fail "stored BTF is not pahole's"
ks list --format json | jq -e --arg n "$IMG" '.images[] | select(.name == $n) |
	.types_from == "dwarf" and (.btf_found_by | startswith("DWARF (pahole")) and .btf_endian == "little"' >/dev/null ||
	{ ks list --format json; fail "list json: types from DWARF"; }
ks list | grep -q "^$IMG .* [0-9]* (DWARF) " || { ks list; fail "list: BTF TYPES column marks DWARF"; }
ks list | grep -q "^$IMG .* [0-9]* (DWARF) .*  yes  " || { ks list; fail "list: DWARF column"; }
pass "$ARCH kernel without BTF: pahole's BTF stored as pahole writes it, marked in list"

for s in fx_task fx_file_ops fx_fixed fx_list; do
	pahole_layout "$T/fxk" $s >"$T/p.$s"
	ksurf_layout "$IMG" $s >"$T/k.$s"
	[ -s "$T/p.$s" ] || fail "pahole knows no $s"
	diff "$T/p.$s" "$T/k.$s" || fail "$s: layout differs from pahole -C"
done
ks show struct fx_task >"$T/page"
grep -q "^0.1 (types from DWARF): ✅ struct fx_task {\$" "$T/page" || { cat "$T/page"; fail "show marks DWARF"; }
grep -q '^    unsigned int in_exec: 1;$' "$T/page" || fail "bitfield"
grep -q '^    fx_cb_t cb;$' "$T/page" || fail "typedef member"
ks show struct fx_task --format md | grep -q '^### 0.1 (types from DWARF) ✅' || fail "md marks DWARF"
ks show enum fx_state | grep -q 'FX_DEAD = 1048576' || fail "enum"
ks show func fx_task_pid | grep -q '✅ int fx_task_pid(struct fx_task \*t)$' || { ks show func fx_task_pid; fail "func from BTF"; }
ks show func fx_inlined | grep -q 'full inline int fx_inlined(struct fx_task \*t)$' || { ks show func fx_inlined; fail "DWARF words"; }
pass "pahole -C is the oracle of 4 structs' layout; show struct/enum/func"

# Re-adding is a no-op: pahole runs single-threaded, so the BTF (the image's identity)
# is the same each time.
addfx "$T/fxk" | grep -q "^$IMG: already in the dataset (same BTF)" || fail "re-add is not a no-op"
pass "re-add: same BTF, no-op"

# Cross-architecture and big-endian, when clang and ld.lld build them.
cross() { # cross TARGET NAME
	command -v clang >/dev/null && command -v ld.lld >/dev/null || return 1
	(cd "$T" && clang --target="$1" -O2 -g -c kernel.c -o "$2.o" && ld.lld -e fx_start -o "$2" "$2.o") 2>/dev/null
}
for t in armv7a-linux-gnueabihf:armhf:little powerpc64-linux-gnu:ppc64:big; do
	IFS=: read -r target arch endian <<<"$t"
	if ! cross "$target" "fx-$arch"; then
		echo "     (no clang/ld.lld for $target: skipped)"
		continue
	fi
	KSURF_DB=$T/$arch.db ks add "$T/fx-$arch" --revision 1 --flavor fx --distro test >"$T/out" ||
		{ cat "$T/out"; fail "$arch add"; }
	KSURF_DB=$T/$arch.db ks list --format json | jq -e --arg a "$arch" --arg e "$endian" \
		'.images[0] | .arch == $a and .btf_endian == $e and .types_from == "dwarf"' >/dev/null ||
		{ KSURF_DB=$T/$arch.db ks list --format json; fail "$arch identity and byte order"; }
	magic=$(sqlite3 "$T/$arch.db" "SELECT hex(substr(data, 1, 2)) FROM btf")
	[ "$magic" = "$([ "$endian" = big ] && echo EB9F || echo 9FEB)" ] || fail "$arch: BTF magic $magic"
	# pahole's reading of this ELF's DWARF, and the layout fx_fixed has everywhere
	for s in fx_fixed fx_list fx_file_ops; do
		KSURF_DB=$T/$arch.db ksurf_layout "0.1.0-1-fx-$arch" $s >"$T/k.$s.$arch"
		pahole_layout "$T/fx-$arch" $s | diff - "$T/k.$s.$arch" || fail "$arch: $s layout"
	done
	diff "$T/p.fx_fixed" "$T/k.fx_fixed.$arch" || fail "$arch: fx_fixed is not as on $ARCH"
	pass "$arch ($endian-endian) kernel without BTF: types from DWARF in its own byte order"
done

# A kernel without its DWARF waits for it; the -dbg vmlinux completes it.
rm -f "$KSURF_DB"
objcopy --strip-debug "$T/fxk" "$T/fxk.plain"
addfx "$T/fxk.plain" "$T/config" >"$T/out"
grep -q "^$IMG: no BTF in this kernel (built without CONFIG_DEBUG_INFO_BTF): waiting for its types; add its -dbg package (linux-image-0.1.0-fx-dbg) with \`ksurf add --debug-file\`\$" "$T/out" ||
	{ cat "$T/out"; fail "waiting message"; }
ks list >"$T/list"
grep -q '^No images' "$T/list" && grep -q "^  $IMG  0.1.0-fx  $T/fxk.plain, $T/config\$" "$T/list" ||
	{ cat "$T/list"; fail "list shows the waiting image"; }
ks list --format json | jq -e --arg n "$IMG" '.images == [] and .waiting[0].name == $n' >/dev/null ||
	fail "list json: waiting"
expect_error 1 ks show struct fx_task
ks add --debug-file "$T/fxk" >"$T/out"
grep -q "^added $IMG: [0-9]* BTF types from DWARF .*, 2 config entries" "$T/out" || { cat "$T/out"; fail "--debug-file completes"; }
ks list --format json | jq -e --arg n "$IMG" --arg s "$T/fxk.plain, $T/config, $T/fxk" \
	'.waiting == [] and .images[0].name == $n and .images[0].source == $s and .images[0].config_entries == 2' >/dev/null ||
	{ ks list --format json; fail "completed image"; }
pass "kernel without DWARF waits (list, json); --debug-file completes it with its config"

# Both together, in either order: one image.
for order in "fxk.plain config fxk" "fxk fxk.plain config"; do
	rm -f "$KSURF_DB"
	set -- $order
	addfx "$T/$1" "$T/$2" "$T/$3" >"$T/out"
	[ "$(ks list --format json | jq -c '[(.images | length), .images[0].config_entries, (.waiting | length)]' | tr -d ' \n')" = "[1,2,0]" ] ||
		{ cat "$T/out"; ks list; fail "together ($order)"; }
done
# The -dbg vmlinux first, the plain kernel later: its config joins the image.
rm -f "$KSURF_DB"
addfx "$T/fxk" >/dev/null
addfx "$T/fxk.plain" "$T/config" | grep -q "^$IMG: already in the dataset (types from DWARF); the config it lacked was added\$" ||
	fail "plain kernel after its DWARF"
[ "$(sqlite3 "$KSURF_DB" 'SELECT count(*) FROM config')" = 2 ] || fail "config after"
pass "kernel and DWARF together in either order, or the DWARF first: one image"

# Bad input: one line, exit 1, the dataset as it was (one image waiting, one stored).
rm -f "$KSURF_DB"
addfx "$T/fxk.plain" "$T/config" >/dev/null
before=$(db_fingerprint)
waiting=$(sqlite3 "$KSURF_DB" "SELECT name, source FROM waiting")
off=$((16#$(readelf -SW "$T/fxk" | sed 's/^ *\[ *[0-9]*\] *//' | awk '$1 == ".debug_info" { print $4 }')))
cp "$T/fxk" "$T/fxbad"
printf '\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377' |
	dd of="$T/fxbad" bs=1 seek=$((off + 11)) conv=notrunc status=none
expect_error 1 ks add --debug-file "$T/fxbad"
grep -q 'fxbad: DWARF' "$T/err" || { cat "$T/err"; fail "corrupted DWARF message"; }
printf '#!/bin/sh\n[ "$1" = --version ] && { echo v1.24; exit 0; }\necho "btf_encoder: boom" >&2\nexit 3\n' >"$T/pahole-fails"
printf '#!/bin/sh\n[ "$1" = --version ] && { echo v1.24; exit 0; }\nfor a; do case $a in --btf_encode_detached=*) echo junk >"${a#*=}";; esac; done\n' >"$T/pahole-junk"
chmod +x "$T/pahole-fails" "$T/pahole-junk"
KSURF_PAHOLE=$T/pahole-fails expect_error 1 ks add --debug-file "$T/fxk"
grep -q "fxk: pahole could not encode BTF from the DWARF (exit 3): btf_encoder: boom\$" "$T/err" || { cat "$T/err"; fail "pahole fails"; }
KSURF_PAHOLE=$T/pahole-junk expect_error 1 ks add --debug-file "$T/fxk"
grep -q "fxk: pahole wrote no BTF (5 bytes)\$" "$T/err" || { cat "$T/err"; fail "pahole writes junk"; }
KSURF_PAHOLE=$T/no-such-pahole expect_error 1 ks add --debug-file "$T/fxk"
grep -q "fxk: no BTF in this kernel, and no pahole to encode it from its DWARF" "$T/err" || { cat "$T/err"; fail "no pahole"; }
[ "$(db_fingerprint)" = "$before" ] || fail "a failed add changed the dataset"
[ "$(sqlite3 "$KSURF_DB" "SELECT name, source FROM waiting")" = "$waiting" ] || fail "a failed add changed the waiting image"
rm -f "$KSURF_DB"
expect_error 1 ks add --debug-file "$T/fxk"
grep -q 'no image in the dataset waits for the types of release 0.1.0-fx' "$T/err" || { cat "$T/err"; fail "--debug-file with nothing waiting"; }
pass "corrupted DWARF, pahole failing, writing junk or missing, nothing waiting: one line, nothing written"
finish
