#!/bin/sh
# Install what ksurf builds and tests with, from Debian/Ubuntu packages (run as root).
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
	build-essential cmake pkg-config clang llvm lld libclang-rt-dev \
	libbpf-dev libelf-dev libdw-dev libarchive-dev libsqlite3-dev libjansson-dev \
	libmd-dev nettle-dev zlib1g-dev liblzma-dev \
	bpftool dwarves dwz sqlite3 jq xz-utils zstd lz4 dpkg-dev ca-certificates python3 >/dev/null
# The eBPF test programs use CO-RE type_matches, which clang >= 15 compiles; Debian 12's
# default clang is 14, so take the newest the distribution has (clang-19 on Debian 12).
for v in 19 18 17 16 15; do
	if apt-cache show "clang-$v" >/dev/null 2>&1; then
		apt-get install -y -qq --no-install-recommends "clang-$v" >/dev/null
		break
	fi
done
# The site's end-to-end test opens the pages in headless Chromium (Debian: chromium;
# Ubuntu ships it as chromium-browser).
if apt-cache show chromium >/dev/null 2>&1; then
	apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
else
	apt-get install -y -qq --no-install-recommends chromium-browser fonts-dejavu-core >/dev/null || true
fi
echo "dependencies installed"
