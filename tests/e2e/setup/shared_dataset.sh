#!/bin/bash
# Fixture: one dataset of every real Debian image with BTF in ../shared/kernels, built once
# for the end-to-end tests that only read it (they say `use_shared_dataset`). Building it
# is itself the test that all of them ingest.
. "$(dirname "$0")/../lib/common.bash"
need_shared
: "${KSURF_BUILD:?KSURF_BUILD must point at the build directory}"
out=$KSURF_BUILD/e2e/shared.db
mkdir -p "$(dirname "$out")"
rm -f "$out" "$out-wal" "$out-shm"
n=0
for dir in $(shared_btf_dirs); do
	add_shared "$dir"
	n=$((n + 1))
done
[ "$(ks list --format json | jq '.images | length')" = "$n" ] || fail "not all $n images listed"
# The dataset is closed (checkpointed): the file alone is the whole dataset.
mv "$KSURF_DB" "$out"
pass "$n images ingested into $out"
finish
