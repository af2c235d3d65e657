#!/bin/sh
# Build with -Werror, AddressSanitizer and UBSan, run every test (unit, end-to-end,
# fuzz-corpus replays), then build the libFuzzer targets with clang and give each a
# short run. Real kernels from ../shared/kernels are used when present.
set -eu
cd "$(dirname "$0")/.."
JOBS=${JOBS:-2}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DKSURF_SANITIZE=ON -DKSURF_WERROR=ON >/dev/null
cmake --build build-test -j"$JOBS"
ctest --test-dir build-test --output-on-failure -j"$JOBS"

# libFuzzer builds of every fuzz target, each run briefly from its corpus.
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKSURF_FUZZ=ON \
	-DKSURF_SANITIZE=ON >/dev/null
cmake --build build-fuzz -j"$JOBS"
FUZZ_SECONDS=${FUZZ_SECONDS:-15}
for f in build-fuzz/tests/fuzz_*-libfuzzer; do
	[ -x "$f" ] || continue
	name=$(basename "$f" -libfuzzer)
	work=$(mktemp -d)
	cp -r "tests/fuzz/corpus/$name/." "$work/" 2>/dev/null || true
	echo "fuzzing $name for ${FUZZ_SECONDS}s"
	"$f" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=4096 -print_final_stats=0 \
		"$work" >/dev/null 2>"$work.log" || { cat "$work.log"; exit 1; }
	rm -rf "$work" "$work.log"
done
echo "all tests passed"
