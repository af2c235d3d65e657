#!/bin/bash
# Every real Debian image with BTF in ../shared/kernels: groups, item pages, and the
# definitions ksurf stores against bpftool's, image by image.
. "$(dirname "$0")/lib/common.bash"
need_shared
command -v bpftool >/dev/null || { echo "skipped: no bpftool"; exit 77; }

use_shared_dataset
n=$(shared_btf_dirs | wc -l)
[ "$(ks list --format json | jq '.images | length')" = "$n" ] || fail "not all $n images listed"
pass "$n images listed"

# Images without BTF are refused, naming the problem.
for dir in $(awk -F'\t' 'NR > 1 && $8 == "no" { print $1 }' "$KSURF_SHARED/INDEX.tsv"); do
	[ -f "$KSURF_SHARED/$dir/vmlinux.btf.xz" ] && fail "$dir has BTF after all?"
	expect_error 1 ks add "$KSURF_SHARED/$dir/System.map.xz" "$KSURF_SHARED/$dir/config.xz"
done
pass "images without BTF refused"

groups() { ks list --format json | jq -r --arg g "$1" '.groups[] | select(.name == $g) | [.members[].label] | join(" ")'; }
[ "$(ks list --format json | jq -r .baseline)" = 7.2.13-deb14-amd64-amd64 ] || fail "baseline"
[ "$(groups Regular)" = "5.10 6.1 6.12 7.2" ] || fail "Regular: $(groups Regular)"
[ "$(groups Arch)" = "amd64 arm64 ppc64el riscv64 s390x" ] || fail "Arch: $(groups Arch)"
[ "$(groups Flavor)" = "amd64 cloud-amd64 rt-amd64" ] || fail "Flavor: $(groups Flavor)"
[ "$(groups 'Revision 6.12 cloud-amd64-amd64')" = "6.12.43-deb12 6.12.117-deb13" ] || fail "Revision"
[ "$(groups 'Regular arm64')" = "5.10 6.1 6.12 7.2" ] || fail "Regular arm64: $(groups 'Regular arm64')"
[ "$(groups 'Regular cloud-amd64')" = "6.1 6.12 7.2" ] || fail "Regular cloud-amd64"
# Every image is in some group, so every image shows on the pages.
[ "$(ks list --format json | jq '[.groups[].members[].image] | unique | length')" = "$n" ] || fail "images in no group"
pass "groups: Regular, Arch, Flavor, Revision around the baseline; Regular per other arch/flavor"

# The seed page's shape for bpf_ksym: every group, every pair, a verdict each.
ks show struct bpf_ksym >"$T/page"
for g in Regular Arch Flavor; do
	[ "$(grep -c "^$g\$" "$T/page")" = 2 ] || fail "group $g not shown twice (images, pairs)"
done
grep -Eq '^(No changes|Changed) between 5.10 and 6.1 (✅|⚠️)$' "$T/page" || fail "5.10/6.1 pair"
grep -Eq '^(No changes|Changed) between amd64 and s390x' "$T/page" || fail "amd64/s390x pair"
ks show struct bpf_ksym --format json >"$T/page.json"
jq -e '.groups[] | select(.name == "Regular") | .pairs | length == 3' "$T/page.json" >/dev/null || fail "json pairs"
pass "struct bpf_ksym page (text and json)"

for item in "struct task_struct" "struct sk_buff" "struct bpf_prog" "struct bpf_map_info" \
	"enum bpf_func_id" "typedef u64" "union bpf_attr"; do
	ks show $item --format json >"$T/j"
	jq -e '[.groups[].images[] | select(.status == "present")] | length > 0' "$T/j" >/dev/null ||
		fail "show $item"
	ks show $item --format md >"$T/md"
	grep -q '^# ' "$T/md" || fail "md $item"
done
pass "pages for task_struct, sk_buff, bpf_prog, bpf_map_info, bpf_func_id, u64, bpf_attr"

# Oracle: the C ksurf stores equals what bpftool prints for these types in every image
# (leading whitespace and bpftool's invented padding members aside).
norm() { sed -E 's/^[[:space:]]+//; /^(long|int|short|char): [0-9]+;$/d' | grep -v '^$'; }
for dir in $(shared_btf_dirs); do
	eval "$(shared_row "$dir")"
	xz -dc "$KSURF_SHARED/$dir/vmlinux.btf.xz" >"$T/v.btf"
	bpftool btf dump file "$T/v.btf" format c >"$T/v.h"
	name="$S_VERSION-$S_REVISION-$S_FLAVOR-$S_ARCH"
	for s in task_struct sk_buff bpf_prog bpf_map_info file inode; do
		ks show struct "$s" --format json |
			jq -r --arg n "$name" '[.groups[].images[] | select(.image == $n) | .def.c][0] // empty' |
			norm >"$T/ours"
		awk -v s="struct $s {" '$0 == s { on = 1 } on { print } on && /^};$/ { exit }' "$T/v.h" | norm >"$T/theirs"
		[ -s "$T/theirs" ] || continue
		diff -u "$T/theirs" "$T/ours" >"$T/d" || { head -40 "$T/d"; fail "$name: struct $s differs from bpftool"; }
	done
done
pass "task_struct, sk_buff, bpf_prog, bpf_map_info, file, inode equal bpftool's in all $n images"
finish
