#!/bin/bash
# `ksurf check` end to end: the fixture objects of tests/fixtures/bpf against the Debian
# images (expected verdicts per dependency and image), exit statuses, formats, objects
# embedded in other files, and malformed objects.
. "$(dirname "$0")/lib/common.bash"
bpf_fixture core
bpf_fixture attach
use_shared_dataset

# cell LEVEL of dependency NAME (kind K) in image I of object O, from the JSON report
cell() {
	jq -r --arg o "$1" --arg k "$2" --arg n "$3" --arg i "$4" '.objects[] | select(.object | endswith($o)) |
		.dependencies[] | select(.kind == $k and .name == $n) | .cells[] | select(.image == $i) |
		"\(.level) \(.verdict)"' "$T/check.json"
}
expect() { # OBJ KIND NAME IMAGE "LEVEL VERDICT"
	local got
	got=$(cell "$1" "$2" "$3" "$4")
	[ "$got" = "$5" ] || fail "$1 $2 $3 in $4: expected '$5', got '$got'"
}
I510=5.10.223-32-amd64-amd64 I61=6.1.176-50-amd64-amd64 I612=6.12.117-deb13-amd64-amd64
I72=7.2.13-deb14-amd64-amd64

rc=0
ks check "$T/core.bpf.o" "$T/attach.bpf.o" --group Regular --group Arch --format json >"$T/check.json" || rc=$?
[ "$rc" = 3 ] || fail "check with errors: exit $rc, expected 3"

# CO-RE: a field renamed in 5.14, read unguarded by one program and behind a
# bpf_core_field_exists test of the old name by another
expect core.bpf.o relocation "struct task_struct.__state" $I510 "error missing"
expect core.bpf.o relocation "struct task_struct.__state" $I61 "info relocated"
expect core.bpf.o relocation "struct task_struct___old.state" $I510 "info relocated"
expect core.bpf.o relocation "struct task_struct___old.state" $I72 "info absent, tested"
expect core.bpf.o relocation "struct ksurf_no_such_type" $I72 "info absent, tested"
expect core.bpf.o relocation "enum bpf_func_id::BPF_FUNC_ringbuf_output" $I510 "ok ok"
jq -e --arg i $I510 '[.objects[0].relocations[] | select(.local == "struct task_struct.__state") |
	{p: .program, r: (.results[] | select(.image == $i) | "\(.status) \(.reachable)")}] ==
	[{p: "read_entry", r: "poison false"}, {p: "sleep_entry", r: "poison true"}]' "$T/check.json" >/dev/null ||
	fail "__state on 5.10: guarded in read_entry, reachable in sleep_entry"
jq -e --arg i $I72 '[.objects[0].relocations[] | select(.kind == "type_matches") |
	(.results[] | select(.image == $i) | .new)] == [1, 0]' "$T/check.json" >/dev/null ||
	fail "type_matches: list_head matches, task_struct___wrong does not"
pass "CO-RE verdicts: renamed field, guards both ways, type/enum existence, type_matches"

# attach points, kfuncs, map types, kconfig
# the shared images come without their modules: what vmlinux lacks may be in one
expect attach.bpf.o attach ksurf_no_such_function $I72 "info unknown"
expect attach.bpf.o attach ext4_file_read_iter $I72 "info unknown"
expect attach.bpf.o attach sched_prepare_exec $I61 "error absent"
expect attach.bpf.o attach sched_prepare_exec $I612 "ok ok"
expect attach.bpf.o attach openat $I510 "ok ok"
expect attach.bpf.o attach vfs_write $I72 "ok ok"
expect attach.bpf.o attach tcp_rate_skb_delivered $I612 "ok ok"
expect attach.bpf.o attach tcp_rate_skb_delivered $I72 "error transformed"
expect attach.bpf.o attach event_function $I510 "ok ok"
expect attach.bpf.o attach event_function $I72 "warning several"
expect attach.bpf.o kfunc bpf_rcu_read_lock $I61 "error absent"
expect attach.bpf.o kfunc bpf_rcu_read_lock $I612 "ok ok"
expect attach.bpf.o kfunc bpf_task_acquire $I510 "info guarded"
expect attach.bpf.o kfunc bpf_task_acquire $I72 "ok ok"
expect attach.bpf.o kfunc bpf_task_from_pid $I72 "warning incompatible"
expect attach.bpf.o map_type arena $I61 "error absent"
expect attach.bpf.o map_type arena $I612 "ok ok"
expect attach.bpf.o config CONFIG_BPF_LSM $I72 "ok ok"
expect attach.bpf.o config CONFIG_BPF_LSM 7.2.13-deb14-s390x-s390x "error not set"
expect attach.bpf.o helper bpf_ringbuf_reserve $I510 "" # not used by attach.bpf.o
expect core.bpf.o helper bpf_ringbuf_reserve $I510 "ok ok"
expect core.bpf.o map_type ringbuf $I510 "ok ok"
expect core.bpf.o attach tcp_sendmsg $I510 "ok ok"
pass "attach points, kfuncs (weak, guarded, incompatible), map types, kconfig"

# per program: read_entry's missing read is guarded, sleep_entry's is not; on_rate only
# misses its clone-only target on 7.2; object-wide needs (the arena map) fail them all
prog() { jq -r --arg o "$1" --arg p "$2" --arg i "$3" '.objects[] | select(.object | endswith($o)) |
	.programs[] | select(.name == $p) | .images[] | select(.image == $i) | .level' "$T/check.json"; }
[ "$(prog core.bpf.o read_entry $I510)/$(prog core.bpf.o sleep_entry $I510)" = ok/error ] ||
	fail "programs on 5.10: $(prog core.bpf.o read_entry $I510)/$(prog core.bpf.o sleep_entry $I510)"
[ "$(prog attach.bpf.o on_rate $I612)/$(prog attach.bpf.o on_rate $I72)/$(prog attach.bpf.o on_rate $I61)" = ok/error/error ] ||
	fail "on_rate per image"
pass "per program: guarded and unguarded uses, object-wide needs"

# an image ingested with its modules (the 6.1 cloud package carries 1,121): a function
# in no module is absent, ext4's is there
deb=$KSURF_SHARED/debs/linux-image-6.1.0-50-cloud-amd64-unsigned_6.1.176-1_amd64.deb
if [ -f "$deb" ]; then
	KSURF_DB=$T/mods.db ks -q add "$deb" >/dev/null
	KSURF_DB=$T/mods.db ks check "$T/attach.bpf.o" --format json --fail-on none >"$T/mods.json"
	mods() { jq -r --arg n "$1" '.objects[0].dependencies[] | select(.name == $n) | .cells[0] |
		"\(.level) \(.verdict)"' "$T/mods.json"; }
	[ "$(mods ksurf_no_such_function)" = "error absent" ] || fail "with modules: $(mods ksurf_no_such_function)"
	[ "$(mods ext4_file_read_iter)" = "ok ok" ] || fail "with modules: ext4_file_read_iter $(mods ext4_file_read_iter)"
	pass "with modules ingested: a function in no module is absent, a module's function found"
fi

# text: the matrix and the reasons
ks check "$T/attach.bpf.o" --group Regular >"$T/text" || true
grep -Eq '^kfunc bpf_rcu_read_lock +✗ +✗ +✓ +✓$' "$T/text" || { cat "$T/text"; fail "text matrix row"; }
grep -q '^    6.1: absent. bpf_rcu_read_lock is not in this kernel: load fails$' "$T/text" ||
	fail "text detail line"
grep -q '^6.12.117-deb13-amd64-amd64: works, with warnings (0 errors, 1 warning)$' "$T/text" || { cat "$T/text"; fail "text summary"; }
grep -q '^    7.2: unknown. absent from vmlinux; modules not ingested$' "$T/text" || fail "modules not ingested"
pass "text matrix, details and summary"

# exit statuses and --fail-on
rc=0; ks check "$T/core.bpf.o" --image $I72 >/dev/null || rc=$?
[ "$rc" = 0 ] || fail "core.bpf.o on 7.2 has no error: exit $rc"
rc=0; ks check "$T/core.bpf.o" --image $I72 --fail-on info >/dev/null || rc=$?
[ "$rc" = 3 ] || fail "--fail-on info: exit $rc"
rc=0; ks check "$T/attach.bpf.o" --group Regular --fail-on none >/dev/null || rc=$?
[ "$rc" = 0 ] || fail "--fail-on none: exit $rc"
rc=0; ks check "$T/core.bpf.o" --fail-on bogus 2>"$T/err" || rc=$?
[ "$rc" = 2 ] && grep -q "^ksurf: unknown level 'bogus'" "$T/err" || fail "--fail-on bogus: exit $rc"
rc=0; ks check 2>"$T/err" || rc=$?
[ "$rc" = 2 ] && grep -q '^ksurf: no object to check' "$T/err" || fail "no object: exit $rc"
expect_error 1 ks check "$T/core.bpf.o" --group NoSuchGroup
pass "exit statuses 0/3/1/2 and --fail-on"

# md and html
ks check "$T/core.bpf.o" --group Regular --format md >"$T/md" || true
grep -q '^| `struct task_struct.__state (byte_off)` | ✗ | ~ | ~ | ~ |$' "$T/md" || { cat "$T/md"; fail "md row"; }
ks check "$T/core.bpf.o" --group Regular --format html >"$T/html" || true
grep -q '<td class="err" title="missing: byte_off in sleep_entry: not found: the program fails to load">✗</td>' "$T/html" ||
	fail "html cell"
ks check "$T/core.bpf.o" --group Regular -v >"$T/verbose" || true
grep -q '^  sleep_entry relo #0, insn #2: byte_off struct task_struct.__state$' "$T/verbose" || fail "-v relocation list"
pass "md, html and -v"

# a big-endian object (-target bpfeb; clang lays some code out differently) gets the
# same verdicts as the little-endian one, and the same value for each relocated spec
bpf_fixture core bpfeb
ks check "$T/core.bpfeb.o" --group Regular --group Arch --format json --fail-on none >"$T/be.json"
verdicts() { jq -c '[.objects[0].dependencies[] | [.kind, .name, [.cells[] | .image, .level, .verdict]]]'; }
values() { jq -c '[.objects[0].relocations[] | [.kind, .local, [.results[] | .status, .new]]] | unique'; }
[ "$(jq -r .objects[0].byte_order "$T/be.json")" = big ] || fail "bpfeb object not read as big-endian"
[ "$(verdicts <"$T/be.json")" = "$(verdicts <"$T/check.json")" ] || fail "big-endian object: other verdicts"
[ "$(values <"$T/be.json")" = "$(values <"$T/check.json")" ] || fail "big-endian object: other values"
pass "a big-endian object: the same verdicts and relocated values as the little-endian one"

# objects embedded in other files (skeletons, Go embed): found and checked each
{ head -c 4097 /bin/true; cat "$T/core.bpf.o"; head -c 333 /bin/true; cat "$T/attach.bpf.o"; } >"$T/tool"
ks check "$T/tool" --image $I72 --format json --fail-on none >"$T/tool.json"
[ "$(jq -r '[.objects[].object] | join(" ")' "$T/tool.json")" = "$T/tool@0x1001 $T/tool@0x$(printf %x $((4097 + $(stat -c %s "$T/core.bpf.o") + 333)))" ] ||
	fail "embedded objects: $(jq -c '[.objects[].object]' "$T/tool.json")"
pass "two objects embedded in a binary, found at their offsets"

# malformed objects: one clear line, exit 1
python3 - "$T/core.bpf.o" "$T" <<'PY'
import struct, sys
src, out = sys.argv[1], sys.argv[2]
data = bytearray(open(src, 'rb').read())
shoff, = struct.unpack_from('<Q', data, 0x28)
shnum, shstrndx = struct.unpack_from('<HH', data, 0x3c)
secs = [struct.unpack_from('<IIQQQQIIQQ', data, shoff + i * 64) for i in range(shnum)]
stro = secs[shstrndx][4]
def name(s):
    o = stro + s[0]
    return data[o:data.index(b'\0', o)].decode()
ext = next(s for s in secs if name(s) == '.BTF.ext')[4]
hdr_len, fo, fl, lo, ll, co, cl = struct.unpack_from('<IIIIIII', data, ext + 4)
core = ext + hdr_len + co
def write(tag, patch):
    d = bytearray(data)
    patch(d)
    open(f'{out}/{tag}.o', 'wb').write(d)
write('relo_len', lambda d: struct.pack_into('<I', d, ext + 28, 0x7fffffff))
write('rec_size', lambda d: struct.pack_into('<I', d, core, 12))
write('num_info', lambda d: struct.pack_into('<I', d, core + 8, 100000))
write('type_id', lambda d: struct.pack_into('<I', d, core + 12 + 4, 0xffffff))
write('insn_off', lambda d: struct.pack_into('<I', d, core + 12, 0x7ffffff8))
write('magic', lambda d: struct.pack_into('<H', d, ext, 0x1234))
btf = next(s for s in secs if name(s) == '.BTF')[4]
write('btf', lambda d: struct.pack_into('<I', d, btf + 16, 0x7fffffff))
open(f'{out}/truncated.o', 'wb').write(data[:len(data) // 2])
# a cycle: the local struct list_head's `next` pointer made to point at itself
hdr = struct.unpack_from('<HBBIIIII', data, btf)
types, strs = btf + hdr[3] + hdr[4], btf + hdr[3] + hdr[6]
extra = {1: 4, 3: 12, 4: 12, 5: 12, 6: 8, 13: 8, 14: 4, 15: 12, 17: 4, 19: 12}
off, tid, where = types, 1, {}
while off < types + hdr[5]:
    name_off, info, size = struct.unpack_from('<III', data, off)
    kind, vlen = (info >> 24) & 0x1f, info & 0xffff
    where[tid] = off
    nm = data[strs + name_off:data.index(b'\0', strs + name_off)].decode()
    if kind == 4 and nm == 'list_head':
        first_member_type = struct.unpack_from('<I', data, off + 12 + 4)[0]
    off += 12 + (extra.get(kind, 0) * (vlen if kind in (4, 5, 6, 13, 15, 19) else 1))
    tid += 1
write('cycle', lambda d: struct.pack_into('<I', d, where[first_member_type] + 8, first_member_type))
PY
for bad in relo_len:'CO-RE relocation block' rec_size:'record size 12' num_info:'claims 100000 records' \
	type_id:'type id 16777215 out of range' insn_off:'not an instruction of the section' magic:'bad magic' \
	btf:'.BTF: libbpf cannot parse it' truncated:'no eBPF object in it'; do
	f=${bad%%:*} msg=${bad#*:}
	expect_error 1 ks check "$T/$f.o" --image $I72
	grep -qF "$msg" "$T/err" || fail "$f: '$msg' not in: $(cat "$T/err")"
done
# (terminates, and the pointer to itself does not match the kernel's struct list_head *)
rc=0; ks check "$T/cycle.o" --image $I72 --format json >"$T/cycle.json" 2>"$T/err" || rc=$?
[ "$rc" = 0 ] || { cat "$T/err"; fail "cyclic local type: exit $rc"; }
jq -e '.objects[0].relocations[] | select(.kind == "type_matches" and .local == "struct list_head") |
	.results[0] | .status == "ok" and .new == 0' "$T/cycle.json" >/dev/null ||
	fail "cyclic local type: type_matches gives no match"
expect_error 1 ks check /bin/true --image $I72
pass "malformed objects: truncated, lying sizes and counts, bad type ids and offsets: one line each"
finish
