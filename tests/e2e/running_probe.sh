#!/bin/bash
# The running kernel's BPF helpers, map types and program types as ksurf extracts them
# from BTF, against what `bpftool feature probe` finds by loading programs (everything
# the kernel accepts must be an item of the image), and its syscalls against
# /proc/kallsyms.
. "$(dirname "$0")/lib/common.bash"
[ -r /sys/kernel/btf/vmlinux ] || { echo "skipped: no /sys/kernel/btf/vmlinux"; exit 77; }
command -v bpftool >/dev/null || { echo "skipped: no bpftool"; exit 77; }
timeout 120 bpftool feature probe kernel -j >"$T/probe.json" 2>/dev/null ||
	{ echo "skipped: bpftool feature probe needs privileges here"; exit 77; }
ks -q add --running >/dev/null

items() { # kind -> names of that kind in the (only) image
	sqlite3 "$KSURF_DB" "SELECT i.name FROM item i JOIN image_item t ON t.item_id = i.id
		WHERE i.kind = '$1' ORDER BY 1"
}

check() { # kind, file of names bpftool found
	local missing n
	n=$(wc -l <"$2")
	[ "$n" -gt 0 ] || { echo "skipped $1: bpftool found none"; return; }
	items "$1" >"$T/ours"
	missing=$(comm -23 "$2" "$T/ours")
	[ -z "$missing" ] || fail "$1 the kernel has but ksurf lacks: $(echo $missing | head -c 300)"
	pass "$1: all $n the kernel has are items (ksurf has $(wc -l <"$T/ours"))"
}

jq -r '.helpers[][]' "$T/probe.json" | sort -u >"$T/helpers"
check helper "$T/helpers"
jq -r '.map_types | to_entries[] | select(.value == true) | .key
	| sub("^have_"; "") | sub("_map_type$"; "")' "$T/probe.json" | sort -u >"$T/maps"
check map_type "$T/maps"
jq -r '.program_types | to_entries[] | select(.value == true) | .key
	| sub("^have_"; "") | sub("_prog_type$"; "")' "$T/probe.json" | sort -u >"$T/progs"
check prog_type "$T/progs"

# Syscalls: every native syscall entry point in /proc/kallsyms is a syscall item.
if [ "$(uname -m)" = x86_64 ] && awk '$1 != "0000000000000000" { found = 1 } END { exit !found }' /proc/kallsyms; then
	awk '$3 ~ /^__x64_sys_/ { sub(/^__x64_sys_/, "", $3); print $3 }' /proc/kallsyms |
		grep -v -e '^ni_syscall$' -e '\.' | sort -u >"$T/sys"
	check syscall "$T/sys"
fi
finish
