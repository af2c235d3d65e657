#!/bin/bash
# ksurf benchmarks on the real Debian kernels of ../shared/kernels, next to a peer
# doing comparable work on the same inputs in the same run (bpftool, pahole).
# Prints a Markdown table; BENCHMARKS.md records its latest output.
#   bench/run.sh [BUILD_DIR]      (default: build, a RelWithDebInfo build)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
KSURF=$PWD/$BUILD/ksurf
SHARED=${KSURF_SHARED:-$PWD/../shared/kernels}
REPS=${REPS:-5}
[ -x "$KSURF" ] || { echo "bench: build ksurf first ($KSURF)"; exit 1; }
[ -f "$SHARED/INDEX.tsv" ] || { echo "bench: needs $SHARED"; exit 1; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

# Median wall time (s) of REPS runs of a command; peak RSS (MiB) of the last run.
measure() {
	local t=() i s e
	for ((i = 0; i < REPS; i++)); do
		s=$(date +%s.%N)
		"$@" >/dev/null 2>&1
		e=$(date +%s.%N)
		t+=("$(echo "$e - $s" | bc -l)")
	done
	MED=$(printf '%s\n' "${t[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	RSS=$(/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1)
	RSS=$(echo "$RSS / 1024" | bc)
}
row() { printf '| %s | %s | %.3f s | %s MiB | %s |\n' "$1" "$2" "$MED" "$RSS" "$3"; }

echo "| benchmark | input | median | peak RSS | note |"
echo "|---|---|---|---|---|"

# 1. add one .deb (decompression, kernel unpacking, kallsyms, surface, SQLite).
for deb in linux-image-6.1.0-50-cloud-amd64-unsigned_6.1.176-1_amd64.deb \
	"linux-binary-unsigned-7.2.13+deb14-amd64_7.2.13-1_amd64.deb linux-base-7.2.13+deb14-amd64_7.2.13-1_amd64.deb"; do
	args=()
	for d in $deb; do args+=("$SHARED/debs/$d"); done
	measure bash -c "rm -f $W/one.db*; '$KSURF' -q --db $W/one.db add --no-modules ${args[*]}"
	row "add .deb --no-modules" "$(basename "${args[0]}")" "target ≤ 3 s"
done
deb61=$SHARED/debs/linux-image-6.1.0-50-cloud-amd64-unsigned_6.1.176-1_amd64.deb
measure bash -c "rm -f $W/one.db*; '$KSURF' -q --db $W/one.db add $deb61"
row "add .deb with its 1121 modules" "$(basename "$deb61")" "modules: issue 3"

# 1b. sid's linux-modules package (~110 MB, 4216 modules) added with its kernel, when at
# hand (KSURF_MODULES_DEB, or ksurf fetch's cache); the growth of the dataset.
mdeb=${KSURF_MODULES_DEB:-$(ls "${XDG_CACHE_HOME:-$HOME/.cache}"/ksurf/debs/linux-modules-7.2.13+deb14-amd64_*_amd64.deb 2>/dev/null | head -1)}
if [ -n "$mdeb" ] && [ -f "$mdeb" ]; then
	k72=("$SHARED/debs/linux-binary-unsigned-7.2.13+deb14-amd64_7.2.13-1_amd64.deb"
		"$SHARED/debs/linux-base-7.2.13+deb14-amd64_7.2.13-1_amd64.deb")
	reps=$REPS
	REPS=${MOD_REPS:-3}
	measure bash -c "rm -f $W/m.db*; '$KSURF' -q --db $W/m.db add ${k72[*]} $mdeb"
	row "add linux-binary + linux-base + linux-modules" "7.2.13 amd64, 4216 modules" "target: modules add ≤ 60 s"
	REPS=$reps
	rm -f "$W"/n.db*
	"$KSURF" -q --db "$W/n.db" add --no-modules "${k72[@]}"
	with=$(stat -c %s "$W/m.db")
	without=$(stat -c %s "$W/n.db")
	echo "| dataset growth | 7.2.13 amd64 with vs without its modules | $(echo "($with - $without) / 1048576" | bc) MiB | – | $(echo "$without / 1048576" | bc) → $(echo "$with / 1048576" | bc) MiB |"
fi

# 2. add the reduced images (BTF + System.map + config), one by one.
rm -f "$W"/all.db*
total_s=$(date +%s.%N)
n=0
while IFS=$'\t' read -r dir suite rel ver rev flav arch btf rest; do
	[ "$btf" = yes ] || continue
	"$KSURF" -q --db "$W/all.db" add "$SHARED/$dir/vmlinux.btf.xz" "$SHARED/$dir/System.map.xz" \
		"$SHARED/$dir/config.xz" --version "$ver" --revision "$rev" --flavor "$flav" \
		--arch "$arch" --distro debian >/dev/null
	n=$((n + 1))
done < <(tail -n +2 "$SHARED/INDEX.tsv")
total_e=$(date +%s.%N)
MED=$(echo "($total_e - $total_s) / $n" | bc -l)
RSS=-
row "add reduced image (BTF+map+config)" "$n images, mean per image" "DepSurf BTF→surface 2.4–4.2 s"

# 3. one BTF -> surface alone (bench-surface: inputs already read, no dataset), then
# the add of the raw 7.2 amd64 BTF without symbols/config, dataset included.
xz -dc "$SHARED/sid-7.2.13-amd64-amd64/vmlinux.btf.xz" >"$W/72.btf"
xz -dc "$SHARED/sid-7.2.13-amd64-amd64/System.map.xz" >"$W/72.map"
xz -dc "$SHARED/sid-7.2.13-amd64-amd64/config.xz" >"$W/72.config"
out=$("$PWD/$BUILD/bench/bench-surface" "$W/72.btf" "$W/72.map" "$W/72.config" "$REPS")
MED=$(echo "$out" | sed -E 's/.*median ([0-9.]+) s.*/\1/')
RSS=$(echo "$out" | sed -E 's/.*peak RSS ([0-9]+) MiB.*/\1/')
row "BTF → surface (all kinds, no dataset)" "7.2.13 amd64 BTF + System.map + config" "target ≤ 0.3 s; DepSurf 2.4–4.2 s"
measure bash -c "rm -f $W/s.db*; '$KSURF' -q --db $W/s.db add $W/72.btf --name x"
row "BTF → surface → dataset (whole add)" "7.2.13 amd64 raw BTF" "store included"
measure bpftool btf dump file "$W/72.btf" format c
row "peer: bpftool btf dump format c" "7.2.13 amd64 raw BTF" "same BTF"

# 4. one item page over every image, against bpftool dumping each image's BTF.
imgs=$("$KSURF" --db "$W/all.db" list --format json | jq '.images | length')
for item in "struct bpf_ksym" "struct task_struct" "enum bpf_func_id"; do
	measure "$KSURF" --db "$W/all.db" show $item
	row "show $item" "$imgs images" "target ≤ 0.05 s (6 images)"
done
for dir in $(awk -F'\t' 'NR > 1 && $8 == "yes" { print $1 }' "$SHARED/INDEX.tsv"); do
	xz -dc "$SHARED/$dir/vmlinux.btf.xz" >"$W/$dir.btf"
done
measure bash -c "for f in $W/*-*.btf; do bpftool btf dump file \$f format c >/dev/null; done"
row "peer: bpftool btf dump format c, every image" "$imgs images" "what bpftool needs to answer the same"

# 5. all kinds diffed. Five pairs as SPEC §8 counts them (Regular 5.10 → 6.1 → 6.12 → 7.2
# and the two flavors against the baseline), then the Regular group with the Arch group.
measure "$KSURF" --db "$W/all.db" diff --group Regular --group Flavor
row "diff, all kinds, details" "Regular + Flavor, 5 pairs" "target ≤ 0.3 s, ≤ 300 MiB; DepSurf 23 s, 1.3 GiB"
measure "$KSURF" --db "$W/all.db" diff --group Regular --group Flavor --format json
row "diff, all kinds, JSON" "Regular + Flavor, 5 pairs" "every change as JSON"

npairs=$("$KSURF" --db "$W/all.db" diff --group Regular --group Arch --format json --summary \
	| jq '[.groups[].pairs[]] | length')
measure "$KSURF" --db "$W/all.db" diff --group Regular --group Arch
row "diff, all kinds, details" "Regular + Arch, $npairs pairs" "target ≤ 0.3 s, ≤ 300 MiB (5 pairs); DepSurf 23 s, 1.3 GiB"
measure "$KSURF" --db "$W/all.db" diff --group Regular --group Arch --summary
row "diff, all kinds, table only" "Regular + Arch, $npairs pairs" "same comparisons, no detail output"

# 6. check one object (the CO-RE fixture of the tests) against every image, and the peer:
# libbpf itself opening the object and relocating it against one image's BTF after another
# (tests/tools/core_oracle; it loads into the running kernel, so it needs root).
CC=$(for c in clang-19 clang-18 clang-17 clang-16 clang-15; do command -v $c && break; done | head -n 1)
if [ -n "$CC" ] && "$CC" -target bpf -g -O2 -I"/usr/include/$(gcc -dumpmachine)" \
	-c tests/fixtures/bpf/core.bpf.c -o "$W/core.bpf.o" 2>/dev/null; then
	nrel=$("$KSURF" --db "$W/all.db" check "$W/core.bpf.o" --format json --fail-on none |
		jq '.objects[0].relocations | length')
	measure "$KSURF" --db "$W/all.db" check "$W/core.bpf.o" --fail-on none
	row "check one object" "core.bpf.o ($nrel CO-RE relocations) × $imgs images" "target ≤ 0.1 s for 20 images"
	"$CC" -target bpf -g -O2 -I"/usr/include/$(gcc -dumpmachine)" -c tests/fixtures/bpf/attach.bpf.c \
		-o "$W/attach.bpf.o" 2>/dev/null
	measure "$KSURF" --db "$W/all.db" check "$W/core.bpf.o" "$W/attach.bpf.o" --fail-on none
	row "check two objects" "core + attach.bpf.o × $imgs images" "kfuncs, attach points, map types too"
	if [ -x "$PWD/$BUILD/tests/core_oracle" ] && [ "$(id -u)" = 0 ]; then
		measure bash -c "for f in $W/*-*.btf; do '$PWD/$BUILD/tests/core_oracle' $W/core.bpf.o \$f >/dev/null; done"
		row "peer: libbpf relocating the object against each image's BTF" "$imgs images" "libbpf open + relocate (+ load) per image"
	fi
fi

# 7. DWARF function analysis of a real kernel: its -dbg package (../cache-dbg, or
# $KSURF_DEBUG_DEBS), whole (decompression included) and from the extracted vmlinux;
# the phases of one run; pahole encoding BTF from the same DWARF as the peer.
DBG=$(ls "${KSURF_DEBUG_DEBS:-$PWD/../cache-dbg}"/linux-image-*-dbg_*.deb 2>/dev/null | head -1 || true)
if [ -n "$DBG" ]; then
	REPS_SAVED=$REPS
	REPS=${DWARF_REPS:-3}
	measure bash -c "rm -f $W/d.db*; '$KSURF' -q --db $W/d.db add '$DBG'"
	row "DWARF analysis: add -dbg .deb" "$(basename "$DBG")" "target ≤ 20 s, ≤ 4 GiB (decompression included)"
	rm -f "$W"/d.db*
	KSURF_TIMING=1 "$KSURF" -q --db "$W/d.db" add "$DBG" 2>&1 >/dev/null |
		grep -E 'read inputs \(|open kernel|DWARF|funcs|store \(one|checkpoint' | sed 's/^/    /'
	{ dpkg-deb --fsys-tarfile "$DBG" 2>/dev/null || true; } |
		{ tar -xO --occurrence=1 --wildcards './usr/lib/debug/boot/vmlinux-*' || true; } >"$W/vmlinux"
	measure bash -c "rm -f $W/d.db*; '$KSURF' -q --db $W/d.db add $W/vmlinux --name x"
	row "DWARF analysis: add the extracted vmlinux" "same vmlinux ($(($(stat -c %s "$W/vmlinux") >> 20)) MiB)" "no decompression"
	measure pahole -j --btf_encode_detached="$W/p.btf" "$W/vmlinux"
	row "peer: pahole -j --btf_encode_detached" "same vmlinux" "pahole reads the same DWARF, encodes BTF"
	rm -f "$W/vmlinux" "$W"/d.db*
	REPS=$REPS_SAVED
fi

# 8. A kernel without BTF: its types encoded from its -dbg package's DWARF by pahole (in a
# child, beside ksurf's own walk), found in $KSURF_DEBUG_DEBS or below it (fetch's cache);
# pahole's single-threaded encoding of the same vmlinux as the peer.
NDBG=$(find "${KSURF_DEBUG_DEBS:-$PWD/../cache-dbg}" -maxdepth 3 -name 'linux-image-*-dbg_*.deb' 2>/dev/null |
	grep -E '_(i386|armhf|armel|mips64el|mipsel|loong64)\.deb$' | sort | head -1 || true)
if [ -n "$NDBG" ]; then
	REPS_SAVED=$REPS
	REPS=${DWARF_REPS:-3}
	measure bash -c "rm -f $W/n.db*; '$KSURF' -q --db $W/n.db add '$NDBG'"
	row "no BTF: types from DWARF, add -dbg .deb" "$(basename "$NDBG")" "target ≤ 20 s, ≤ 4 GiB (peak RSS: ksurf or its pahole child)"
	rm -f "$W"/n.db*
	KSURF_TIMING=1 "$KSURF" -q --db "$W/n.db" add "$NDBG" 2>&1 >/dev/null |
		grep -E 'read inputs \(|open kernel|DWARF|surface  |store \(one|checkpoint' | sed 's/^/    /'
	{ dpkg-deb --fsys-tarfile "$NDBG" 2>/dev/null || true; } |
		{ tar -xO --occurrence=1 --wildcards './usr/lib/debug/boot/vmlinux-*' || true; } >"$W/vmlinux"
	measure bash -c "rm -f $W/n.db*; '$KSURF' -q --db $W/n.db add $W/vmlinux --name x"
	row "no BTF: add the extracted vmlinux" "same vmlinux ($(($(stat -c %s "$W/vmlinux") >> 20)) MiB)" "no decompression"
	measure pahole -J --btf_gen_floats --lang_exclude=rust --btf_encode_detached="$W/p.btf" "$W/vmlinux"
	row "peer: pahole -J (one thread, as ksurf runs it)" "same vmlinux" "the encoder alone"
	rm -f "$W/vmlinux" "$W"/n.db*
	REPS=$REPS_SAVED
fi

# 9. The whole site for six images (SPEC §8: ≤ 10 s): Regular amd64 5.10 → 7.2 and the 7.2
# cloud and rt flavors. Written fresh to disk (the machine's file system decides much of
# it: creating this many files costs what it costs), to tmpfs when there is one, then
# re-run over the unchanged site (every page rendered, none written).
rm -f "$W"/six.db*
for dir in bullseye-5.10.223-amd64-amd64 bookworm-6.1.176-amd64-amd64 trixie-6.12.117-amd64-amd64 \
	sid-7.2.13-amd64-amd64 sid-7.2.13-cloud-amd64-amd64 sid-7.2.13-rt-amd64-amd64; do
	IFS=$'\t' read -r _ _ _ ver rev flav arch _ < <(awk -F'\t' -v d="$dir" '$1 == d' "$SHARED/INDEX.tsv")
	"$KSURF" -q --db "$W/six.db" add "$SHARED/$dir/vmlinux.btf.xz" "$SHARED/$dir/System.map.xz" \
		"$SHARED/$dir/config.xz" --version "$ver" --revision "$rev" --flavor "$flav" \
		--arch "$arch" --distro debian >/dev/null
done
reps=$REPS
REPS=${SITE_REPS:-3}
sync
measure bash -c "rm -rf $W/site; sync; '$KSURF' -q --db $W/six.db site $W/site"
pages=$(find "$W/site" -type f | wc -l)
size=$(du -sm "$W/site" | cut -f1)
row "site, fresh, on disk" "6 images → $pages files, $size MiB" "target ≤ 10 s for 6 images"
measure "$KSURF" -q --db "$W/six.db" site "$W/site"
row "site, re-run, nothing changed" "same" "every page rendered and hashed, none written"
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	S=$(mktemp -d /dev/shm/ksurf-site.XXXXXX)
	measure bash -c "rm -rf $S/site; '$KSURF' -q --db $W/six.db site $S/site"
	row "site, fresh, on tmpfs" "same" "without the disk's cost of creating files"
	rm -rf "$S"
fi
REPS=$reps
rm -rf "$W/site" "$W"/six.db*

ls -l "$W/all.db" | awk -v n="$n" '{ printf "\ndataset for %d images: %.1f MiB\n", n, $5 / 1048576 }'
