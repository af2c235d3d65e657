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
# 6. DWARF function analysis of a real kernel: its -dbg package (../cache-dbg, or
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

