#!/bin/bash
# Differential test of `ksurf check` against libbpf itself: for every image, libbpf loads
# the fixture object with the image's BTF as its custom target BTF and logs what it did
# with each CO-RE relocation (tests/tools/core_oracle.c); ksurf's result for every
# relocation (new value, poisoned, or refused) must be the same. Runs on every shared
# Debian image, or on the running kernel where ../shared/kernels is absent. Loading needs
# root: it is skipped without, except under CI (which runs as root and must run it).
. "$(dirname "$0")/lib/common.bash"
ORACLE=${KSURF_BUILD:?}/tests/core_oracle
[ -x "$ORACLE" ] || fail "no $ORACLE"
bpf_fixture core

# image name -> target BTF file
if [ -n "${KSURF_SHARED:-}" ] && [ -f "$KSURF_SHARED/INDEX.tsv" ]; then
	use_shared_dataset
	ks list --format json | jq -r '.images[] | "\(.name)\t\(.source)"' |
		while IFS=$'\t' read -r name src; do
			btf=${src%%,*}
			xz -dc "$btf" >"$T/$name.btf"
			echo "$name"
		done >"$T/images"
else
	[ -r /sys/kernel/btf/vmlinux ] || { echo "skipped: no shared kernels and no running kernel BTF"; exit 77; }
	ks -q add --running >/dev/null
	name=$(ks list --format json | jq -r '.images[0].name')
	cp /sys/kernel/btf/vmlinux "$T/$name.btf"
	echo "$name" >"$T/images"
fi

ks check "$T/core.bpf.o" --format json --fail-on none >"$T/check.json" || fail "ksurf check failed"
n=0
while read -r name; do
	rc=0
	"$ORACLE" "$T/core.bpf.o" "$T/$name.btf" >"$T/libbpf" 2>"$T/oracle.err" || rc=$?
	if [ "$rc" = 77 ]; then
		[ "${CI:-}" = true ] && fail "CI must be able to load BPF objects (run as root)"
		echo "skipped: not permitted to load BPF objects here (needs root)"
		exit 77
	fi
	[ "$rc" = 0 ] || { cat "$T/oracle.err"; fail "oracle failed on $name"; }
	[ -s "$T/libbpf" ] || fail "libbpf logged no relocation for $name"
	jq -r --arg img "$name" '.objects[0].relocations[] | . as $r | .results[] | select(.image == $img) |
		if .status == "ok" then "\($r.program) \($r.index) \($r.insn) ok \(.new)"
		elif .status == "poison" then "\($r.program) \($r.index) \($r.insn) poison"
		else "\($r.program) \($r.index) - error" end' "$T/check.json" | sort >"$T/ksurf"
	sort "$T/libbpf" >"$T/libbpf.sorted"
	if grep -q ' error$' "$T/libbpf.sorted"; then
		# libbpf stops at the first refused relocation: compare what it got to
		missing=$(comm -23 "$T/libbpf.sorted" "$T/ksurf")
	else
		missing=$(diff "$T/libbpf.sorted" "$T/ksurf" || true)
	fi
	[ -z "$missing" ] || { echo "$missing"; fail "$name: ksurf's relocations differ from libbpf's"; }
	n=$((n + $(wc -l <"$T/libbpf.sorted")))
	pass "$name: $(wc -l <"$T/libbpf.sorted") relocations as libbpf resolves them"
done <"$T/images"
[ "$n" -gt 0 ] || fail "no relocation compared"
finish
