#!/bin/bash
# sid's linux-modules package (~110 MB, 4,216 modules; fetch it with
# `ksurf fetch --suite sid --arch amd64 --flavor amd64 --with-modules`) ingested with its
# kernel: kcopyd_job in dm_mod as bpftool prints it from dm-mod.ko, ext4_file_read_iter
# in ext4 with its prototype. Skipped unless the package is at hand: KSURF_MODULES_DEB,
# or ksurf fetch's cache.
. "$(dirname "$0")/lib/common.bash"
need_shared
D=$KSURF_SHARED/debs
bin72=$D/linux-binary-unsigned-7.2.13+deb14-amd64_7.2.13-1_amd64.deb
base72=$D/linux-base-7.2.13+deb14-amd64_7.2.13-1_amd64.deb
mdeb=${KSURF_MODULES_DEB:-$(ls "${XDG_CACHE_HOME:-$HOME/.cache}"/ksurf/debs/linux-modules-7.2.13+deb14-amd64_*_amd64.deb 2>/dev/null | head -1)}
if [ -z "$mdeb" ] || [ ! -f "$mdeb" ]; then
	echo "skipped: sid's linux-modules-7.2.13+deb14-amd64 package is not at hand"
	exit 77
fi

ks add "$bin72" "$base72" "$mdeb" >"$T/out"
grep -q 'from 4216 modules' "$T/out" || { cat "$T/out"; fail "sid modules count"; }
ks show struct kcopyd_job >"$T/page"
grep -q '^7.2: ✅ in module dm_mod$' "$T/page" || { cat "$T/page"; fail "sid kcopyd_job"; }
ks show func ext4_file_read_iter >"$T/page"
grep -q '^7.2: ✅ in module ext4$' "$T/page" || { cat "$T/page"; fail "sid ext4_file_read_iter"; }
grep -q '^ssize_t ext4_file_read_iter(struct kiocb \*iocb, struct iov_iter \*to)$' "$T/page" ||
	{ cat "$T/page"; fail "ext4_file_read_iter prototype"; }
pass "$(cat "$T/out")"

if command -v bpftool >/dev/null; then
	mkdir -p "$T/x"
	dpkg-deb --fsys-tarfile "$mdeb" | tar -x -C "$T/x" --wildcards '*/dm-mod.ko.xz'
	xz -d "$T"/x/usr/lib/modules/*/kernel/drivers/md/dm-mod.ko.xz
	xz -dc "$KSURF_SHARED/sid-7.2.13-amd64-amd64/vmlinux.btf.xz" >"$T/vmlinux72.btf"
	bpftool btf dump -B "$T/vmlinux72.btf" file "$T"/x/usr/lib/modules/*/kernel/drivers/md/dm-mod.ko format c |
		awk '!done && $0 == "struct kcopyd_job {" { on = 1 } on { print } on && /^};/ { on = 0; done = 1 }' |
		sed -e 's/^\t*//' -e 's/___[0-9]\+\b//g' | grep -Ev '^(long|int|short|char): [0-9]+;$' >"$T/want"
	ks show struct kcopyd_job --all-defs |
		awk '!done && $0 == "struct kcopyd_job {" { on = 1 } on { print } on && /^};/ { on = 0; done = 1 }' | sed 's/^    //' >"$T/got"
	[ "$(wc -l <"$T/want")" -gt 10 ] || fail "bpftool printed no kcopyd_job"
	diff -u "$T/want" "$T/got" || fail "kcopyd_job differs from bpftool's dump of dm-mod.ko"
	pass "struct kcopyd_job as bpftool -B vmlinux file dm-mod.ko prints it"
fi
finish
