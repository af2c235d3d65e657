#!/bin/bash
# Kinds func, kfunc, lsm: pages across groups on real Debian images, changes between
# them, and (as root) the running kernel's func items against /proc/kallsyms.
. "$(dirname "$0")/lib/common.bash"

if [ -r /sys/kernel/btf/vmlinux ] && [ "$(awk 'NR == 1 { print $1 }' /proc/kallsyms)" != 0000000000000000 ]; then
	ks -q add /sys/kernel/btf/vmlinux /proc/kallsyms --version "$(uname -r | cut -d. -f1-2)" \
		--revision 1 --flavor running --arch amd64 --distro custom >/dev/null
	# Every symbol named as evidence of a func item is in /proc/kallsyms (200 of them).
	sqlite3 "$KSURF_DB" "SELECT e.value FROM image_item ii JOIN item i ON i.id = ii.item_id
		JOIN def d ON d.id = ii.def_id, json_each(d.body, '\$.evidence') e
		WHERE i.kind = 'func' ORDER BY random() LIMIT 200" |
		sed -E 's/^symbol ([^ ]+) .*/\1/' | sort -u >"$T/names"
	[ "$(wc -l <"$T/names")" -gt 150 ] || fail "too few evidence symbols"
	awk '$4 == "" { print $3 }' /proc/kallsyms | sort -u >"$T/kallsyms"
	missing=$(comm -23 "$T/names" "$T/kallsyms" | head -5)
	[ -z "$missing" ] || fail "evidence symbols not in /proc/kallsyms: $missing"
	ks show func vfs_read | grep -q 'vfs_read(struct file \*file, char \*buf, size_t count, loff_t \*pos)' ||
		fail "running kernel: show func vfs_read"
	pass "running kernel: 200 evidence symbols in /proc/kallsyms"
	rm -f "$KSURF_DB"
fi

need_shared
for dir in bookworm-6.1.176-amd64-amd64 trixie-6.12.117-amd64-amd64 sid-7.2.13-amd64-amd64 \
	sid-7.2.13-arm64-arm64; do
	add_shared "$dir"
done

ks show func vfs_read >"$T/page"
grep -q '^6.1: ✅ ssize_t vfs_read(struct file \*file, char \*buf, size_t count, loff_t \*pos)$' "$T/page" ||
	{ cat "$T/page"; fail "show func vfs_read"; }
grep -q '^    symbol vfs_read (T, global)$' "$T/page" || fail "vfs_read evidence"
grep -q '^arm64: ✅ same as amd64$' "$T/page" || fail "vfs_read arm64"
pass "show func vfs_read"

ks show lsm file_open >"$T/page"
grep -q '^6.1: ✅ int bpf_lsm_file_open(struct file \*file)$' "$T/page" || { cat "$T/page"; fail "show lsm file_open"; }
grep -q '^7.2: ✅' "$T/page" || fail "lsm file_open 7.2"
pass "show lsm file_open"

ks show kfunc bpf_task_acquire >"$T/page"
grep -q '^6.1: Absent from vmlinux; modules not ingested$' "$T/page" || { cat "$T/page"; fail "kfunc bpf_task_acquire absent in 6.1"; }
grep -q '^6.12: ✅ struct task_struct \*bpf_task_acquire(struct task_struct \*p)$' "$T/page" ||
	{ cat "$T/page"; fail "show kfunc bpf_task_acquire"; }
pass "show kfunc bpf_task_acquire"

# A compiler transformation: only a suffixed symbol exists.
sqlite3 "$KSURF_DB" "SELECT i.name FROM image_item ii JOIN item i ON i.id = ii.item_id
	JOIN def d ON d.id = ii.def_id WHERE i.kind = 'func' AND d.body LIKE '%\"status\":[\"transformation\"]%'
	LIMIT 1" >"$T/name"
[ -s "$T/name" ] || fail "no transformed function"
ks show func "$(cat "$T/name")" | grep -q '⚠️ transformation' || fail "transformation page"
pass "show func $(cat "$T/name"): transformation"

# Changes between 6.1 and 7.2: parameters, return types, statuses.
ks diff 6.1.176-50-amd64-amd64 7.2.13-deb14-amd64-amd64 --kind func --kind lsm >"$T/diff"
for w in 'Param added' 'Param removed' 'Param renamed' 'Params reordered' 'Param type changed' \
	'Return type changed' 'Status changed'; do
	grep -q "^    $w\. " "$T/diff" || fail "diff has no '$w'"
done
grep -q '^    Param renamed\. struct file \*file ➡️ struct file \*file__nullable$' "$T/diff" ||
	fail "lsm mmap_file rename"
pass "diff 6.1 → 7.2: every change type of functions"
finish
