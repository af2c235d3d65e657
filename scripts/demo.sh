#!/bin/sh
# The main job on a fresh Debian/Ubuntu machine: fetch a small set of real kernels
# (four versions, two arches, two flavors: about 150 MB, cached in ~/.cache/ksurf) with
# `ksurf fetch --preset demo`, add the running kernel, then print a struct page across them.
# The dataset is ./ksurf.db (or $KSURF_DB).
set -eu
cd "$(dirname "$0")/.."
KSURF=${KSURF:-./build/ksurf}

if [ -r /sys/kernel/btf/vmlinux ]; then
	"$KSURF" add --running
fi
# Exit status 1 means some package could not be had; the others are in the dataset.
"$KSURF" fetch --preset demo || echo "demo: some kernels could not be fetched; going on" >&2
"$KSURF" list
"$KSURF" show struct bpf_ksym
"$KSURF" diff --group Regular --summary
