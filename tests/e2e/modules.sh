#!/bin/bash
# Kernel modules: ingested with their image from a package (old linux-image layout), a
# directory; pages say where items live and match
# bpftool's dump of the module's split BTF; a corrupt module is skipped, modules of
# another build are refused, an image without its modules says so.
. "$(dirname "$0")/lib/common.bash"
need_shared
D=$KSURF_SHARED/debs
deb61=$D/linux-image-6.1.0-50-cloud-amd64-unsigned_6.1.176-1_amd64.deb
bin72=$D/linux-binary-unsigned-7.2.13+deb14-amd64_7.2.13-1_amd64.deb
base72=$D/linux-base-7.2.13+deb14-amd64_7.2.13-1_amd64.deb
rel61=6.1.0-50-cloud-amd64

# struct NAME as bpftool prints it from a module's split BTF, as ksurf prints it:
# no indentation, no ___N renames, no invented padding members.
bpftool_struct() { # base-btf module name
	bpftool btf dump -B "$1" file "$2" format c |
		awk -v n="struct $3 {" '!done && $0 == n { on = 1 } on { print } on && /^};/ { on = 0; done = 1 }' |
		sed -e 's/^\t*//' -e 's/___[0-9]\+\b//g' | grep -Ev '^(long|int|short|char): [0-9]+;$'
}
ksurf_struct() { # name: the definition from the page's first group
	ks show struct "$1" --all-defs | awk -v n="struct $1 {" '!done && $0 == n { on = 1 } on { print } on && /^};/ { on = 0; done = 1 }' |
		sed 's/^    //'
}

# 1. The old layout: modules inside linux-image-*.
ks add "$deb61" >"$T/add.out"
grep -Eq 'items \([0-9]+ from 1121 modules\)' "$T/add.out" || { cat "$T/add.out"; fail "modules not counted"; }
ks list | grep -Eq '^6\.1\.176-50-cloud-amd64-amd64 .* 1121      -  ' || { ks list; fail "list: MODULES column"; }
[ "$(ks list --format json | jq '.images[0] | [.modules, .dwarf_source]' | tr -d ' \n')" = '[1121,null]' ] ||
	fail "list json: modules, dwarf_source"
ks show struct kcopyd_job >"$T/page"
grep -q '^6.1: ✅ in module dm_mod$' "$T/page" || { cat "$T/page"; fail "kcopyd_job not in dm_mod"; }
[ "$(ks show struct kcopyd_job --format json | jq -r '.groups[0].images[0].module')" = dm_mod ] ||
	fail "json module"
ks show func xfs_file_read_iter | grep -q '✅ in module xfs$' || fail "xfs_file_read_iter not in xfs"
pass "linux-image-*: $(cat "$T/add.out")"

mkdir -p "$T/x" "$T/flat"
dpkg-deb --fsys-tarfile "$deb61" | tar -x -C "$T/x" --wildcards './boot/*' "./lib/modules/$rel61/kernel/drivers/md/*"
mods=$T/x/lib/modules/$rel61
xz -dc "$KSURF_SHARED/bookworm-6.1.176-cloud-amd64-amd64/vmlinux.btf.xz" >"$T/vmlinux61.btf"
if command -v bpftool >/dev/null; then
	bpftool_struct "$T/vmlinux61.btf" "$mods/kernel/drivers/md/dm-mod.ko" kcopyd_job >"$T/want"
	ksurf_struct kcopyd_job >"$T/got"
	[ "$(wc -l <"$T/want")" -gt 10 ] || fail "bpftool printed no kcopyd_job"
	diff -u "$T/want" "$T/got" || fail "kcopyd_job differs from bpftool's dump of dm-mod.ko"
	pass "struct kcopyd_job as bpftool -B vmlinux file dm-mod.ko prints it"
fi

# 2. A directory of modules, one of them corrupt: reported, skipped, the rest ingested.
truncate -s 3000 "$mods/kernel/drivers/md/dm-log.ko"
n=$(find "$mods" -name '*.ko' | wc -l)
ks --db "$T/dir.db" add "$T/x/boot/vmlinuz-$rel61" "$T/x/boot/config-$rel61" "$T/x/boot/System.map-$rel61" \
	"$mods" >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "a directory with one corrupt module was refused"; }
grep -q "dm-log.ko: .*module skipped" "$T/err" || { cat "$T/err"; fail "corrupt module not reported"; }
[ "$(grep -c . "$T/err")" = 1 ] || { cat "$T/err"; fail "more than one line for one corrupt module"; }
grep -q "from $((n - 1)) modules, some skipped" "$T/out" || { cat "$T/out"; fail "count"; }
ks --db "$T/dir.db" show struct kcopyd_job | grep -q '✅ in module dm_mod$' || fail "dir: kcopyd_job"
pass "directory of $n modules, one corrupt: $(cat "$T/err")"

# 3. Modules of another build: refused, naming the mismatch, nothing written.
cp "$mods/kernel/drivers/md/dm-mod.ko" "$mods/kernel/drivers/md/dm-bufio.ko" "$T/flat/"
ks -q --db "$T/mis.db" add --no-modules "$bin72" "$base72" >/dev/null
before=$(KSURF_DB=$T/mis.db db_fingerprint)
expect_error 1 ks --db "$T/mis.db" add "$bin72" "$base72" "$T/flat"
grep -q "dm-.*\.ko: module built for release $rel61 (its vermagic), but the kernel is 7.2.13+deb14-amd64" "$T/err" ||
	{ cat "$T/err"; fail "vermagic mismatch message"; }
[ "$(KSURF_DB=$T/mis.db db_fingerprint)" = "$before" ] || fail "dataset changed by a refused ingest"
pass "another release: $(cat "$T/err")"
expect_error 1 ks --db "$T/mis2.db" add "$KSURF_SHARED/sid-7.2.13-amd64-amd64/vmlinux.btf.xz" "$T/flat"
grep -q "built on another vmlinux BTF" "$T/err" || { cat "$T/err"; fail "BTF mismatch message"; }
[ ! -s "$T/mis2.db" ] || [ "$(KSURF_DB=$T/mis2.db db_fingerprint)" = "$(KSURF_DB=$T/none.db db_fingerprint)" ] ||
	[ "$(sqlite3 "$T/mis2.db" 'select count(*) from image')" = 0 ] || fail "image written"
pass "split BTF on another vmlinux: $(cat "$T/err")"

# 4. An image without its modules says so; adding them later fills them in.
ks -q --db "$T/late.db" add --no-modules "$deb61" >/dev/null
ks -q --db "$T/late.db" add --no-modules "$bin72" "$base72" >/dev/null
expect_error 1 ks --db "$T/late.db" show struct kcopyd_job
grep -q "ingested without their modules" "$T/err" || { cat "$T/err"; fail "no hint about modules"; }
ks --db "$T/late.db" add "$T/x/boot/vmlinuz-$rel61" "$T/x/boot/config-$rel61" "$T/x/boot/System.map-$rel61" \
	"$mods" 2>/dev/null | grep -q 'modules it lacked were added' || fail "modules not filled in"
items61() { # db: what the 6.1 cloud image's items say about where they live
	sqlite3 "$1" "SELECT count(*), count(t.module), count(t.others), sum(t.dups), im.nitems, im.modules
		FROM image_item t JOIN image im ON im.id = t.image_id
		WHERE im.name = '6.1.176-50-cloud-amd64-amd64'"
}
[ "$(items61 "$T/late.db")" = "$(items61 "$T/dir.db")" ] ||
	fail "modules added later differ from modules added with the kernel: $(items61 "$T/late.db") vs $(items61 "$T/dir.db")"
ks -q --db "$T/late.db" group add both --pairing variant 7.2.13-deb14-amd64-amd64 6.1.176-50-cloud-amd64-amd64 >/dev/null
ks --db "$T/late.db" show struct kcopyd_job --group both >"$T/page"
grep -q ': Absent from vmlinux; modules not ingested$' "$T/page" || { cat "$T/page"; fail "7.2 should say modules not ingested"; }
grep -q ': ✅ in module dm_mod$' "$T/page" || { cat "$T/page"; fail "6.1 late modules"; }
ks --db "$T/late.db" show syscall openat | grep -q '^7.2: ✅' || fail "syscall page"
grep -q '^Cannot compare .* (modules not ingested) ❔$' "$T/page" || { cat "$T/page"; fail "pair verdict"; }
# A diff does not call module items removed where the other image has no modules.
ks --db "$T/late.db" diff 6.1.176-50-cloud-amd64-amd64 7.2.13-deb14-amd64-amd64 --kind struct >"$T/diff"
! grep -q kcopyd_job "$T/diff" || fail "diff calls a module's struct removed"
pass "modules not ingested, then added to the image"

finish
