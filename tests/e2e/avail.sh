#!/bin/bash
# The availability kinds on real kernels: BPF helpers, map/program/attach types, config,
# and syscalls read from the 7.2 amd64 kernel's sys_call_table, checked against the
# numbers of the system's <asm/unistd_64.h>.
source "$(dirname "$0")/lib/common.bash"
need_shared

# 7.2 amd64 as its whole package (the kernel bytes: sys_call_table is read), the
# others as BTF + System.map + config (syscalls from the symbols).
D=$KSURF_SHARED/debs
ks -q add "$D/linux-binary-unsigned-7.2.13+deb14-amd64_7.2.13-1_amd64.deb" \
	"$D/linux-base-7.2.13+deb14-amd64_7.2.13-1_amd64.deb" --revision deb14 --distro debian \
	--version 7.2.13 --flavor amd64 --arch amd64 >/dev/null 2>"$T/err" || { cat "$T/err"; fail "add 7.2 amd64 deb"; }
for d in bullseye-5.10.223-amd64-amd64 sid-7.2.13-riscv64-riscv64; do
	add_shared "$d"
done
ks show helper bpf_probe_read_kernel --format json >"$T/out"
[ "$(jq -c '[.groups[].images[] | select(.status == "present") | .def.c] | unique' "$T/out")" = '["BPF_FUNC_probe_read_kernel = 113"]' ] ||
	{ cat "$T/out"; fail "helper bpf_probe_read_kernel"; }
[ "$(jq '[.groups[].images[] | select(.status == "present") | .image] | unique | length' "$T/out")" = 3 ] ||
	fail "helper bpf_probe_read_kernel in all three images"
ks show helper bpf_probe_read_kernel | grep -q "BPF_FUNC_probe_read_kernel = 113" || fail "text page"
pass "show helper bpf_probe_read_kernel"

ks show map_type ringbuf --format json >"$T/out"
[ "$(jq '[.groups[].images[] | select(.status == "present") | .def.value] | unique' -c "$T/out")" = "[27]" ] ||
	{ cat "$T/out"; fail "map_type ringbuf is 27 everywhere"; }
pass "show map_type ringbuf"

ks show prog_type kprobe | grep -q "BPF_PROG_TYPE_KPROBE = 2" || fail "prog_type kprobe"
ks show attach_type cgroup_inet_ingress | grep -q "BPF_CGROUP_INET_INGRESS = 0" || fail "attach_type"
pass "show prog_type, attach_type"

ks show config CONFIG_BPF_LSM >"$T/out"
grep -q "✅ CONFIG_BPF_LSM=y" "$T/out" || { cat "$T/out"; fail "config CONFIG_BPF_LSM"; }
pass "show config CONFIG_BPF_LSM"

# Syscalls without kernel bytes: from the symbols, no numbers.
ks show syscall openat --format json >"$T/out"
[ "$(jq -r '.groups[].images[] | select(.image | test("riscv64")) | .def.source' "$T/out" | head -1)" = symbols ] ||
	{ cat "$T/out"; fail "riscv64 syscalls from symbols"; }
pass "syscalls from symbols"

ks show syscall openat >"$T/out"
grep -q "257 openat → __x64_sys_openat" "$T/out" || { cat "$T/out"; fail "syscall openat 257"; }
pass "show syscall openat (257 from sys_call_table)"

n=$(sqlite3 "$KSURF_DB" "SELECT count(*) FROM image_item ii JOIN item it ON it.id = ii.item_id
	JOIN def d ON d.id = ii.def_id JOIN image i ON i.id = ii.image_id
	WHERE it.kind = 'syscall' AND i.name = '7.2.13-deb14-amd64-amd64'
	AND json_extract(d.body, '$.source') = 'sys_call_table'")
[ "$n" -ge 360 ] && [ "$n" -le 480 ] || fail "7.2 amd64: $n syscalls from the table"
pass "7.2 amd64: $n syscalls from sys_call_table"

H=/usr/include/x86_64-linux-gnu/asm/unistd_64.h
if [ -f "$H" ]; then
	sqlite3 "$KSURF_DB" "SELECT it.name || ' ' || json_extract(d.body, '$.number') FROM image_item ii
		JOIN item it ON it.id = ii.item_id JOIN def d ON d.id = ii.def_id JOIN image i ON i.id = ii.image_id
		WHERE it.kind = 'syscall' AND i.name = '7.2.13-deb14-amd64-amd64'" | sort >"$T/ks"
	awk '$1 == "#define" && $2 ~ /^__NR_/ { sub("__NR_", "", $2); print $2, $3 }' "$H" | sort >"$T/hdr"
	same=$(join "$T/ks" "$T/hdr" | awk '$2 == $3' | wc -l)
	differ=$(join "$T/ks" "$T/hdr" | awk '$2 != $3' | wc -l)
	[ "$differ" = 0 ] || { join "$T/ks" "$T/hdr" | awk '$2 != $3'; fail "numbers differ from $H"; }
	[ "$same" -ge 330 ] || fail "only $same syscalls in common with $H"
	pass "$same syscall numbers agree with $H"
fi
finish
