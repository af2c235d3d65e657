#!/bin/sh
# Install what ksurf builds and tests with, from Debian/Ubuntu packages (run as root).
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
	build-essential cmake pkg-config clang llvm lld libclang-rt-dev \
	libbpf-dev libelf-dev libdw-dev libarchive-dev libsqlite3-dev libjansson-dev \
	libmd-dev nettle-dev zlib1g-dev liblzma-dev \
	bpftool dwarves dwz sqlite3 jq xz-utils zstd lz4 dpkg-dev ca-certificates >/dev/null
echo "dependencies installed"
