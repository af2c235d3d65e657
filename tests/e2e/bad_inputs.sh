#!/bin/bash
# Truncated or corrupted BTF, ELF, compressed kernels and packages: one clear error line,
# exit 1, and the dataset exactly as it was.
. "$(dirname "$0")/lib/common.bash"

# A good image first, so "untouched" means something.
if [ -r /sys/kernel/btf/vmlinux ]; then
	cp /sys/kernel/btf/vmlinux "$T/good.btf"
elif [ -n "${KSURF_SHARED:-}" ] && [ -f "$KSURF_SHARED/INDEX.tsv" ]; then
	xz -dc "$KSURF_SHARED/sid-7.2.13-amd64-amd64/vmlinux.btf.xz" >"$T/good.btf"
else
	echo "skipped: no BTF to start from"; exit 77
fi
ks -q add "$T/good.btf" --name good --version 1.0.0 >/dev/null
before=$(db_fingerprint)
size=$(stat -c %s "$T/good.btf")

check_bad() { # name file
	expect_error 1 ks add "$2" --name "bad-$1"
	grep -q "$(basename "$2")" "$T/err" || { cat "$T/err"; fail "$1: message does not name the file"; }
	[ "$(db_fingerprint)" = "$before" ] || fail "$1: dataset changed"
	pass "$1: $(cat "$T/err")"
}

head -c $((size / 2)) "$T/good.btf" >"$T/truncated.btf"
check_bad "truncated BTF" "$T/truncated.btf"

cp "$T/good.btf" "$T/lying.btf"
printf '\xff\xff\xff\x7f' | dd of="$T/lying.btf" bs=1 seek=16 conv=notrunc 2>/dev/null # str_off
check_bad "BTF header lying about its sections" "$T/lying.btf"

head -c 24 "$T/good.btf" >"$T/header-only.btf"
check_bad "BTF header only" "$T/header-only.btf"

xz -c "$T/good.btf" >"$T/full.btf.xz"
head -c 100000 "$T/full.btf.xz" >"$T/truncated.btf.xz"
check_bad "truncated xz" "$T/truncated.btf.xz"

{ printf '\x28\xb5\x2f\xfd'; head -c 5000 /dev/urandom; } >"$T/corrupt.zst"
check_bad "corrupt zstd" "$T/corrupt.zst"

head -c 100000 /dev/urandom >"$T/random.bin"
check_bad "random bytes" "$T/random.bin"

# An ELF with a .BTF section that is cut short.
if command -v objcopy >/dev/null; then
	printf 'int x;\n' >"$T/x.c"
	cc -c "$T/x.c" -o "$T/x.o"
	head -c 1000 "$T/good.btf" >"$T/short.btf"
	objcopy --add-section .BTF="$T/short.btf" "$T/x.o" "$T/elf-bad-btf.o"
	check_bad "ELF with truncated .BTF" "$T/elf-bad-btf.o"
	head -c 300 "$T/x.o" >"$T/truncated-elf"
	check_bad "truncated ELF" "$T/truncated-elf"
fi

# Packages: a real one cut short, and one with its data.tar corrupted.
deb=""
if [ -n "${KSURF_SHARED:-}" ] && [ -f "$KSURF_SHARED/INDEX.tsv" ]; then
	deb="$KSURF_SHARED/debs/linux-image-6.1.0-50-cloud-amd64-unsigned_6.1.176-1_amd64.deb"
fi
if [ -n "$deb" ] && [ -f "$deb" ]; then
	head -c 5000000 "$deb" >"$T/truncated.deb"
	check_bad "truncated .deb" "$T/truncated.deb"
	cp "$deb" "$T/corrupt.deb"
	dd if=/dev/urandom of="$T/corrupt.deb" bs=1 seek=3000000 count=4096 conv=notrunc 2>/dev/null
	check_bad "corrupted .deb" "$T/corrupt.deb"
fi
finish
