#!/bin/sh
# The main job on a fresh Debian/Ubuntu machine: fetch a small set of real kernels
# (four versions, two arches, two flavors: about 150 MB, cached in ~/.cache/ksurf) with
# `ksurf fetch --preset demo`, add the running kernel, then print a struct page across them,
# the diff summary of the Regular group, and the check of an eBPF program against it;
# last, the website of it all in build/site.
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
# Will an eBPF program work on these kernels? The CO-RE test program of ksurf's own
# tests, compiled here, checked against the Regular group (exit 3: problems found).
CC=$(for c in clang-19 clang-18 clang-17 clang-16 clang-15; do command -v "$c" && break; done | head -n 1)
if [ -n "$CC" ] && "$CC" -target bpf -g -O2 -I"/usr/include/$(gcc -dumpmachine)" \
	-c tests/fixtures/bpf/core.bpf.c -o build/core.bpf.o; then
	"$KSURF" check build/core.bpf.o --group Regular --save || [ $? = 3 ]
fi
# The whole dataset as a website: open build/site/index.html in a browser.
"$KSURF" site build/site
