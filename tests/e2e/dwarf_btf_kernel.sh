#!/bin/bash
# A real Debian kernel without BTF (i386, armhf, armel, mips*, loong64) gets its types
# from its -dbg package: searched in $KSURF_DEBUG_DEBS (../cache-dbg by default) and
# below it (`ksurf fetch --with-debug --no-add --cache ../cache-dbg/ksurf` puts them in
# ksurf/debs/); skipped when none is there. Its non-debug package, when next to it, is
# added first and waits for its types. pahole's own reading of the DWARF is the oracle
# of the layout of the biggest structs; the image joins the Arch group of its version.
. "$(dirname "$0")/lib/common.bash"
. "$(dirname "$0")/lib/pahole_oracle.bash"

DBG=$(find "${KSURF_DEBUG_DEBS:-/nonexistent}" -maxdepth 3 -name 'linux-image-*-dbg_*.deb' 2>/dev/null |
	grep -E '_(i386|armhf|armel|mips64el|mipsel|loong64)\.deb$' | sort | head -1 || true)
if [ -z "$DBG" ]; then
	echo "skipped: no -dbg package of a kernel without BTF in ${KSURF_DEBUG_DEBS:-(unset)}"
	exit 77
fi
for tool in pahole dpkg-deb sqlite3 jq; do
	command -v $tool >/dev/null || { echo "skipped: no $tool"; exit 77; }
done
pkgver=$(dpkg-deb -f "$DBG" Version)
pkg=$(dpkg-deb -f "$DBG" Package)
arch=$(dpkg-deb -f "$DBG" Architecture)
rel=${pkg#linux-image-}
rel=${rel%-dbg}
dir=$(dirname "$DBG")
plain=
for p in "$dir/linux-image-$rel-unsigned_${pkgver}_$arch.deb" "$dir/linux-image-${rel}_${pkgver}_$arch.deb"; do
	[ -f "$p" ] && plain=$p && break
done

if [ -n "$plain" ]; then
	ks add --no-modules "$plain" >"$T/out"
	grep -q ": no BTF in this kernel (built without CONFIG_DEBUG_INFO_BTF): waiting for its types" "$T/out" ||
		{ cat "$T/out"; fail "$(basename "$plain") does not wait"; }
	ks add --debug-file "$DBG" >"$T/out"
	pass "$(basename "$plain") waits for its types; --debug-file $(basename "$DBG") completes it"
else
	ks add "$DBG" >"$T/out"
fi
grep -q "^added .*: [0-9]* BTF types from DWARF (pahole v[0-9.]*), [0-9]* items, [0-9]* symbols (ELF .symtab)" "$T/out" ||
	{ cat "$T/out"; fail "add of $(basename "$DBG")"; }
grep -q '^  DWARF [45]: [0-9]* units' "$T/out" || { cat "$T/out"; fail "DWARF summary"; }
IMG=$(ks list --format json | jq -r '.images[0].name')
ks list --format json | jq -e --arg a "$arch" '.images[0] | .types_from == "dwarf" and .arch == $a and .btf_types > 50000 and .symbols > 50000' >/dev/null ||
	{ ks list --format json | jq '.images[0]'; fail "identity, types and symbols"; }
[ -z "$plain" ] || ks list --format json | jq -e '.images[0].config_entries > 1000 and .waiting == []' >/dev/null ||
	fail "the waiting package's config"
pass "$IMG: $(sed -n 's/^added [^:]*: //p' "$T/out")"

# pahole -C reads the DWARF itself, never through BTF: the oracle of each layout.
{ dpkg-deb --fsys-tarfile "$DBG" 2>/dev/null || true; } |
	{ tar -xO --occurrence=1 "./usr/lib/debug/boot/vmlinux-$rel" || true; } >"$T/vmlinux"
[ -s "$T/vmlinux" ] || fail "no vmlinux-$rel in $DBG"
for s in task_struct sk_buff file inode page bpf_prog bpf_map sock; do
	pahole_layout "$T/vmlinux" $s >"$T/p.$s"
	ksurf_layout "$IMG" $s >"$T/k.$s"
	[ "$(wc -l <"$T/p.$s")" -gt 5 ] || fail "pahole: no $s"
	diff "$T/p.$s" "$T/k.$s" >"$T/d" || { head "$T/d"; fail "$s: layout differs from pahole -C"; }
done
rm -f "$T/vmlinux"
pass "8 structs (task_struct: $(($(wc -l <"$T/p.task_struct") - 1)) members) laid out as pahole -C reads the DWARF"

# The image joins the groups of its version: the Arch group next to amd64's BTF.
if [ -n "${KSURF_SHARED:-}" ] && [ -f "$KSURF_SHARED/INDEX.tsv" ]; then
	ver=$(ks list --format json | jq -r '.images[0].version')
	sib=$(awk -F'\t' -v v="$ver" '$4 == v && $6 == "amd64" && $7 == "amd64" && $8 == "yes" { print $1 }' "$KSURF_SHARED/INDEX.tsv" | head -1)
	if [ -n "$sib" ]; then
		add_shared "$sib"
		base=$(ks list --format json | jq -r '.images[] | select(.arch == "amd64") | .name')
		ks list --baseline "$base" --format json | jq -e --arg i "$IMG" \
			'.groups[] | select(.name == "Arch") | .members | any(.image == $i)' >/dev/null ||
			{ ks list --baseline "$base"; fail "not in the Arch group"; }
		ks show struct task_struct --baseline "$base" --group Arch >"$T/page"
		grep -q "^$arch (types from DWARF): ✅ struct task_struct {\$" "$T/page" || { head -50 "$T/page"; fail "show struct task_struct"; }
		grep -q "^Changed between amd64 and $arch ⚠️\$" "$T/page" || fail "task_struct pair"
		ks diff "$base" "$IMG" --summary --kind struct >"$T/diff"
		grep -Eq '^    Offset changed +[0-9]{3,}$' "$T/diff" || { cat "$T/diff"; fail "diff against $base"; }
		pass "Arch group: show struct task_struct, diff $base $IMG"
	fi
fi
finish
