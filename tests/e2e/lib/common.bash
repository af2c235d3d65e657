# Shared by the end-to-end tests: a fresh dataset per test, the ksurf binary, helpers.
set -euo pipefail
: "${KSURF_BIN:?KSURF_BIN must point at the ksurf binary}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export KSURF_DB=$T/ksurf.db
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

ks() { "$KSURF_BIN" "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok   $*"; PASSED=$((${PASSED:-0} + 1)); }

# Skip (exit 77) when the real Debian kernels are not here.
need_shared() {
	if [ -z "${KSURF_SHARED:-}" ] || [ ! -f "$KSURF_SHARED/INDEX.tsv" ]; then
		echo "skipped: ../shared/kernels is not present"
		exit 77
	fi
}

# expect_error EXIT_CODE CMD...: the command fails with that status and prints exactly
# one line on stderr that starts with "ksurf: ".
expect_error() {
	local want=$1 rc=0
	shift
	"$@" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = "$want" ] || { cat "$T/err"; fail "expected exit $want, got $rc: $*"; }
	[ "$(grep -vc "^ksurf: warning" "$T/err")" = 1 ] || { echo "--- stderr:"; cat "$T/err"; fail "expected one error line: $*"; }
	grep -q '^ksurf: ' "$T/err" || fail "error line does not start with ksurf: $*"
}

# A fingerprint of the dataset's content (not its timestamps), to prove it unchanged.
db_fingerprint() {
	if [ ! -f "$KSURF_DB" ]; then echo none; return; fi
	sqlite3 "$KSURF_DB" "SELECT name, content_hash, sym_source, config_source FROM image ORDER BY name;
		SELECT count(*) FROM symbol; SELECT count(*) FROM config; SELECT count(*) FROM image_item;
		SELECT count(*) FROM def; SELECT count(*) FROM btf;" | sha256sum | cut -d' ' -f1
}

# The INDEX.tsv row of a shared kernel directory, as shell variables.
shared_row() {
	awk -F'\t' -v d="$1" '$1 == d { printf "S_VERSION=%s S_REVISION=%s S_FLAVOR=%s S_ARCH=%s S_BTF=%s S_RELEASE=%s\n", $4, $5, $6, $7, $8, $3 }' \
		"$KSURF_SHARED/INDEX.tsv"
}

# Add one reduced shared kernel (BTF + System.map + config) with identity from INDEX.tsv.
add_shared() {
	local dir=$1
	eval "$(shared_row "$dir")"
	ks -q add "$KSURF_SHARED/$dir/vmlinux.btf.xz" "$KSURF_SHARED/$dir/System.map.xz" \
		"$KSURF_SHARED/$dir/config.xz" --version "$S_VERSION" --revision "$S_REVISION" \
		--flavor "$S_FLAVOR" --arch "$S_ARCH" --distro debian >/dev/null
}

# Work on a copy of the fixture dataset of every shared image with BTF (built once by
# tests/e2e/setup/shared_dataset.sh; CTest runs that first for scripts that call this).
use_shared_dataset() {
	need_shared
	local src=${KSURF_BUILD:-}/e2e/shared.db
	[ -f "$src" ] || fail "no fixture dataset at $src (run ctest, which builds it first)"
	cp "$src" "$KSURF_DB"
}

# All shared kernels that have BTF.
shared_btf_dirs() {
	awk -F'\t' 'NR > 1 && $8 == "yes" { print $1 }' "$KSURF_SHARED/INDEX.tsv"
}

finish() { echo "${PASSED:-0} passed, 0 failed"; }

# Compile a tests/fixtures/bpf/NAME.bpf.c into $T/NAME.bpf.o with clang -target bpf (the
# newest clang here: type_matches needs 15+); skip (77) when no clang can.
# An optional second argument names the target (bpfeb: a big-endian object) and the output.
bpf_fixture() {
	local name=$1 target=${2:-bpf} out=$T/$1.bpf.o cc
	[ "$target" = bpf ] || out=$T/$1.$target.o
	for cc in clang-19 clang-18 clang-17 clang-16 clang-15 clang; do
		command -v "$cc" >/dev/null || continue
		if "$cc" -target "$target" -g -O2 -I"/usr/include/$(gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)" \
			-c "$KSURF_SRC/tests/fixtures/bpf/$name.bpf.c" -o "$out" 2>"$T/cc.err"; then
			return 0
		fi
	done
	cat "$T/cc.err" 2>/dev/null
	echo "skipped: no clang here compiles $name.bpf.c for -target bpf"
	exit 77
}
