#!/bin/bash
# Whole Debian packages, as published: old layout (bookworm linux-image, boot/) and the
# new split layout (sid linux-binary + linux-base joined by release), every packing.
. "$(dirname "$0")/lib/common.bash"
need_shared
D=$KSURF_SHARED/debs

img_json() { ks list --format json | jq -c --arg n "$1" '.images[] | select(.name == $n)'; }
sha_ref() { xz -dc "$KSURF_SHARED/$1/vmlinux.btf.xz" | sha256sum | cut -d' ' -f1; }

check_image() { # name dir arch endian min_config
	local j
	j=$(img_json "$1")
	[ -n "$j" ] || { ks list; fail "image $1 missing"; }
	[ "$(jq -r .arch <<<"$j")" = "$3" ] || fail "$1: arch $(jq -r .arch <<<"$j")"
	[ "$(jq -r .btf_endian <<<"$j")" = "$4" ] || fail "$1: endian"
	[ "$(jq -r .content_hash <<<"$j")" = "$(sha_ref "$2")" ] || fail "$1: BTF differs from the reference blob"
	[ "$(jq -r .config_entries <<<"$j")" -ge "$5" ] || fail "$1: config entries $(jq -r .config_entries <<<"$j")"
	local want got
	want=$(awk -F'\t' -v d="$2" '$1 == d { print $14 }' "$KSURF_SHARED/INDEX.tsv")
	got=$(jq -r .symbols <<<"$j")
	[ "$got" = "$want" ] || fail "$1: $got symbols, the reference list has $want"
	pass "$1: $(jq -r '"\(.packing), BTF by \(.btf_found_by), \(.symbols) symbols from \(.symbol_source), \(.config_entries) config entries"' <<<"$j")"
}

ks -q add "$D/linux-binary-unsigned-7.2.13+deb14-amd64_7.2.13-1_amd64.deb" \
	"$D/linux-base-7.2.13+deb14-amd64_7.2.13-1_amd64.deb" >/dev/null
check_image 7.2.13-deb14-amd64-amd64 sid-7.2.13-amd64-amd64 amd64 little 5000

ks -q add "$D/linux-binary-unsigned-7.2.13+deb14-arm64_7.2.13-1_arm64.deb" \
	"$D/linux-base-7.2.13+deb14-arm64_7.2.13-1_arm64.deb" >/dev/null
check_image 7.2.13-deb14-arm64-arm64 sid-7.2.13-arm64-arm64 arm64 little 5000

ks -q add "$D/linux-binary-7.2.13+deb14-s390x_7.2.13-1_s390x.deb" \
	"$D/linux-base-7.2.13+deb14-s390x_7.2.13-1_s390x.deb" >/dev/null
check_image 7.2.13-deb14-s390x-s390x sid-7.2.13-s390x-s390x s390x big 3000

ks -q add "$D/linux-image-6.1.0-50-cloud-amd64-unsigned_6.1.176-1_amd64.deb" >/dev/null
check_image 6.1.176-50-cloud-amd64-amd64 bookworm-6.1.176-cloud-amd64-amd64 amd64 little 3000

# armhf has no BTF: it waits for its types (its -dbg package); no image is written.
before=$(db_fingerprint)
ks add "$D/linux-binary-7.2.13+deb14-armmp_7.2.13-1_armhf.deb" \
	"$D/linux-base-7.2.13+deb14-armmp_7.2.13-1_armhf.deb" >"$T/out"
grep -q "^7.2.13-deb14-armmp-armhf: no BTF in this kernel (built without CONFIG_DEBUG_INFO_BTF): waiting for its types" "$T/out" ||
	fail "armhf message: $(cat "$T/out")"
[ "$(db_fingerprint)" = "$before" ] || fail "armhf changed the images"
ks list --format json | jq -e '.waiting | length == 1 and .[0].name == "7.2.13-deb14-armmp-armhf" and
	.[0].release == "7.2.13+deb14-armmp" and .[0].arch == "armhf"' >/dev/null || fail "armhf not waiting"
pass "armhf waits for its types: $(cat "$T/out")"

# Re-adding the same content is a no-op.
ks add "$D/linux-image-6.1.0-50-cloud-amd64-unsigned_6.1.176-1_amd64.deb" | grep -q "already in the dataset" ||
	fail "re-add not recognised"
[ "$(db_fingerprint)" = "$before" ] || fail "re-add changed the dataset"
pass "re-adding the same package is a no-op"

# A config of another release cannot join.
expect_error 1 ks add "$D/linux-binary-unsigned-7.2.13+deb14-amd64_7.2.13-1_amd64.deb" \
	"$D/linux-base-7.2.13+deb14-arm64_7.2.13-1_arm64.deb"
pass "mismatched packages refused: $(cat "$T/err")"

ks show struct bpf_ksym >"$T/page"
grep -q "^Arch$" "$T/page" || fail "no Arch group on the page"
grep -q "s390x: " "$T/page" || fail "no s390x image on the page"
pass "struct page across the packages"
finish
