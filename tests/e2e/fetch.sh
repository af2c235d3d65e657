#!/bin/bash
# `ksurf fetch` against a local file: apt repository this test builds itself: small
# synthetic kernel packages (real BTF from pahole -J), listed, selected, downloaded,
# ingested; re-runs download nothing and add nothing; a package the repository lacks is
# reported while the others go on; a killed fetch resumes; a corrupt cache is re-fetched.
. "$(dirname "$0")/lib/common.bash"
for tool in apt-get dpkg-deb dpkg-scanpackages pahole gcc; do
	command -v $tool >/dev/null || { echo "skipped: $tool is not installed"; exit 77; }
done
R=$T/repo C=$T/cache W=$T/work
mkdir -p "$R/pool" "$W"

# mkdeb SUITE PACKAGE VERSION ARCH RELEASE PARTS [PAD_MB]: PARTS is a word list of
# kernel, config, sysmap; the kernel is an ELF object whose .BTF is unique to the release.
mkdeb() {
	local suite=$1 pkg=$2 ver=$3 arch=$4 rel=$5 parts=$6 pad=${7:-0} d=$W/$2_$4
	mkdir -p "$d/DEBIAN" "$d/boot" "$R/pool/$suite"
	if [[ $parts == *kernel* ]]; then
		local field=f_${rel//[^a-zA-Z0-9]/_}
		cat >"$W/k.c" <<-EOF
			struct bpf_ksym { unsigned long start; unsigned long end; char name[64]; long $field; };
			struct bpf_ksym g_ksym;
		EOF
		gcc -g -c "$W/k.c" -o "$d/boot/vmlinuz-$rel" && pahole -J "$d/boot/vmlinuz-$rel"
	fi
	[[ $parts == *config* ]] && printf 'CONFIG_BPF=y\nCONFIG_X_%s=y\n' "${rel//[^a-zA-Z0-9]/_}" >"$d/boot/config-$rel"
	[[ $parts == *sysmap* ]] && printf 'ffffffff81000000 T _stext\n' >"$d/boot/System.map-$rel"
	[ "$pad" -gt 0 ] && head -c $((pad << 20)) /dev/urandom >"$d/boot/padding"
	printf 'Package: %s\nVersion: %s\nArchitecture: %s\nMaintainer: t <t@example.org>\nSource: linux\nDescription: test kernel\n' \
		"$pkg" "$ver" "$arch" >"$d/DEBIAN/control"
	dpkg-deb -Znone --root-owner-group -b "$d" "$R/pool/$suite/${pkg}_${ver}_$arch.deb" >/dev/null
}

# Old-style suite: linux-image packages, signed and unsigned, two ABIs, two flavors, two arches.
mkdeb old linux-image-1.2.3-4-amd64-unsigned 1.2.3-4 amd64 1.2.3-4-amd64 "kernel config sysmap"
mkdeb old linux-image-1.2.3-4-amd64 1.2.3-4 amd64 1.2.3-4-amd64 "kernel config sysmap" 1
mkdeb old linux-image-1.2.3-3-amd64-unsigned 1.2.2-1 amd64 1.2.3-3-amd64 "kernel config sysmap"
mkdeb old linux-image-1.2.3-4-cloud-amd64-unsigned 1.2.3-4 amd64 1.2.3-4-cloud-amd64 "kernel config"
mkdeb old linux-image-1.2.3-4-arm64-unsigned 1.2.3-4 arm64 1.2.3-4-arm64 "kernel config"
mkdeb old linux-image-amd64 1.2.3-4 amd64 none ""
# sid-style suite: linux-binary(-unsigned) + linux-base; a large one; one whose file is gone.
mkdeb new linux-binary-unsigned-2.0.1+deb99-amd64 2.0.1-1 amd64 2.0.1+deb99-amd64 kernel
mkdeb new linux-binary-2.0.1+deb99-amd64 2.0.1-1 amd64 2.0.1+deb99-amd64 kernel 1
mkdeb new linux-base-2.0.1+deb99-amd64 2.0.1-1 amd64 2.0.1+deb99-amd64 "config sysmap"
mkdeb new linux-image-1.8.0-1-amd64-unsigned 1.8.0-1 amd64 1.8.0-1-amd64 "kernel config" 48
mkdeb new linux-image-1.9.0-1-amd64-unsigned 1.9.0-1 amd64 1.9.0-1-amd64 "kernel config"
for suite in old new; do
	for arch in amd64 arm64; do
		mkdir -p "$R/dists/$suite/main/binary-$arch"
		(cd "$R" && dpkg-scanpackages -a $arch pool/$suite /dev/null 2>/dev/null) >"$R/dists/$suite/main/binary-$arch/Packages"
	done
	{
		printf 'Origin: ksurf-test\nSuite: %s\nCodename: %s\nArchitectures: amd64 arm64\nComponents: main\nDate: %s\nSHA256:\n' \
			$suite $suite "$(date -Ru)"
		for f in main/binary-amd64/Packages main/binary-arm64/Packages; do
			printf ' %s %s %s\n' "$(sha256sum <"$R/dists/$suite/$f" | cut -d' ' -f1)" \
				"$(stat -c %s "$R/dists/$suite/$f")" $f
		done
	} >"$R/dists/$suite/Release"
done
rm "$R/pool/new/linux-image-1.9.0-1-amd64-unsigned_1.9.0-1_amd64.deb"
echo "deb [trusted=yes] file:$R old main" >"$T/test.list"
cat >"$T/test.sources" <<EOF
Types: deb
URIs: file:$R
Suites: new
Components: main
Trusted: yes
EOF
cat "$T/test.list" >"$T/both.list"
echo "deb [trusted=yes] file:$R new main" >>"$T/both.list"
F=(fetch --sources "$T/both.list" --cache "$C" --suite old,new --arch amd64,arm64)

# --list: sizes, the smallest carriers, newest ABI, no metapackages, nothing downloaded.
ks "${F[@]}" --list >"$T/list" || fail "--list failed"
[ -n "${FETCH_DEBUG:-}" ] && { cat "$T/list"; cat "$C/apt/apt.log"; ls -R "$C/apt/state"; }
grep -q 'linux-image-1.2.3-4-amd64-unsigned' "$T/list" || fail "unsigned image not preferred"
grep -q 'linux-image-1.2.3-4-amd64 ' "$T/list" && fail "signed image listed next to unsigned"
grep -q 'linux-binary-unsigned-2.0.1+deb99-amd64 + linux-base-2.0.1+deb99-amd64' "$T/list" || fail "linux-binary + linux-base not chosen"
grep -q '1.2.3-3-amd64' "$T/list" && fail "older ABI listed with --abi newest"
grep -q 'linux-image-amd64' "$T/list" && fail "metapackage listed"
grep -q ' 50\.[0-9] MB ' "$T/list" || fail "large package size not shown"
grep -q '^total: 6 images, ' "$T/list" || { cat "$T/list"; fail "total line"; }
[ -z "$(ls "$C/debs")" ] || fail "--list downloaded something"
pass "--list shows sizes, prefers unsigned and linux-binary, newest ABI only"
ks "${F[@]}" --list --abi all | grep -q '1.2.3-3-amd64' || fail "--abi all"
ks fetch --sources "$T/test.list" --cache "$C" --suite old --arch amd64 --flavor cloud-amd64 --list --no-update |
	grep -q '^total: 1 image, ' || fail "--flavor selection"
ks fetch --sources "$T/test.sources" --cache "$C" --suite new --arch amd64 --abi '2.*' --list |
	grep -q '^total: 1 image, ' || fail "deb822 sources, --abi glob"
pass "--abi all, --flavor, --abi glob, deb822 sources"

# Download + ingest; the missing package is one clear line, the others go on.
rc=0
ks "${F[@]}" >"$T/out" 2>"$T/err" || rc=$?
[ $rc = 1 ] || { cat "$T/out" "$T/err"; fail "fetch with a missing package: exit $rc"; }
[ "$(grep -c '^ksurf: linux-image-1.9.0-1-amd64-unsigned 1.9.0-1 (new): ' "$T/err")" = 1 ] || { cat "$T/err"; fail "missing package message"; }
[ "$(grep -vc '^ksurf: warning' "$T/err")" = 1 ] || { cat "$T/err"; fail "more than one error line"; }
grep -q '^fetch: 6 packages downloaded' "$T/out" || { cat "$T/out"; fail "download count"; }
n=$(ks list --format json | jq '.images | length')
[ "$n" = 5 ] || fail "expected 5 images, got $n"
ks list --format json | jq -e '[.images[] | select(.version == "2.0.1" and .config_source != null)] | length == 1' >/dev/null ||
	fail "linux-binary + linux-base not ingested as one image"
pass "fetch downloads and ingests 5 images; the missing package reported, exit 1"

# A second run downloads nothing and adds nothing.
before=$(db_fingerprint)
ks "${F[@]}" >"$T/out" 2>/dev/null && fail "second run: the missing package should still fail"
grep -q '^fetch: 0 packages downloaded (0.0 MB), 6 already in ' "$T/out" || { cat "$T/out"; fail "second run downloaded"; }
grep -q 'already in the dataset' "$T/out" || fail "second run: no dedup message"
[ "$(db_fingerprint)" = "$before" ] || fail "second run changed the dataset"
pass "second run: nothing downloaded, no duplicate images"

# A corrupt cached package (same size, wrong bytes) is fetched again.
deb=$C/debs/linux-image-1.2.3-4-amd64-unsigned_1.2.3-4_amd64.deb
printf 'XXXX' | dd of="$deb" bs=1 seek=2000 conv=notrunc 2>/dev/null
ks "${F[@]}" >"$T/out" 2>"$T/err" || true
grep -q 'wrong checksum; fetching it again' "$T/err" || { cat "$T/err"; fail "corruption not noticed"; }
grep -q '^fetch: 1 package downloaded' "$T/out" || fail "corrupt package not re-fetched"
cmp -s "$deb" "$R/pool/old/linux-image-1.2.3-4-amd64-unsigned_1.2.3-4_amd64.deb" || fail "re-fetched file differs"
pass "corrupt cached package re-fetched"

# An interrupted download (a partial file) is completed on the next run.
big=linux-image-1.8.0-1-amd64-unsigned_1.8.0-1_amd64.deb
head -c 20000000 "$C/debs/$big" >"$C/partial/$big"
rm "$C/debs/$big"
ks "${F[@]}" >"$T/out" 2>&1 || true
cmp -s "$C/debs/$big" "$R/pool/new/$big" || fail "partial download not completed"
[ ! -e "$C/partial/$big" ] || fail "partial file left behind"
[ "$(db_fingerprint)" = "$before" ] || fail "resume changed the dataset"
pass "partial download completed"

# kill -9 at any moment (update, download of the large package, ingest), then resume.
export KSURF_DB=$T/kill.db
C2=$T/cache2
for delay in 0.3 0.8 1.5 2.5 4; do
	setsid "$KSURF_BIN" fetch --sources "$T/both.list" --cache "$C2" --suite old,new --arch amd64,arm64 \
		>/dev/null 2>&1 &
	pid=$!
	sleep $delay
	kill -9 -- -$pid 2>/dev/null || true
	wait $pid 2>/dev/null || true
	if [ -f "$KSURF_DB" ]; then
		[ "$(sqlite3 "$KSURF_DB" 'PRAGMA integrity_check')" = ok ] || fail "integrity after kill at $delay s"
	fi
done
ks "${F[@]/$C/$C2}" >"$T/out" 2>/dev/null || true
for f in "$C/debs"/*.deb; do
	cmp -s "$f" "$C2/debs/$(basename "$f")" || fail "after kills: $(basename "$f") differs"
done
[ "$(ks list --format json | jq '.images | length')" = 5 ] || fail "after kills: not 5 images"
[ "$(sqlite3 "$KSURF_DB" 'select count(distinct content_hash) = count(*) from image')" = 1 ] || fail "duplicate images"
pass "killed fetches resume: 5 images, no duplicates, packages intact"
finish
