#!/bin/sh
# The main job on a fresh Debian/Ubuntu machine: ingest the running kernel plus a few
# real Debian kernel packages fetched with apt, then print a struct page across them.
# Packages are cached in .cache/debs; the dataset is ./ksurf.db (or $KSURF_DB).
set -eu
cd "$(dirname "$0")/.."
KSURF=${KSURF:-./build/ksurf}
CACHE=.cache/debs
mkdir -p "$CACHE"

# Newest package whose name matches an extended regex, as apt knows it.
newest() {
	apt-cache search --names-only "$1" | cut -d' ' -f1 | sort -V | tail -n 1
}

pkgs=""
for re in '^linux-image-[0-9.]+-[0-9]+-cloud-amd64-unsigned$' \
	'^linux-image-[0-9.]+-[0-9]+-amd64-unsigned$' \
	'^linux-image-[0-9.]+\+deb[0-9]+-cloud-amd64-unsigned$'; do
	p=$(newest "$re")
	[ -n "$p" ] && pkgs="$pkgs $p"
done
if [ -z "$pkgs" ]; then
	echo "demo: apt knows no Debian kernel packages (run apt-get update?)" >&2
	exit 1
fi
echo "fetching:$pkgs"
(cd "$CACHE" && for p in $pkgs; do
	ls "$p"_*.deb >/dev/null 2>&1 || apt-get download -q -o APT::Sandbox::User=root "$p"
done)

if [ -r /sys/kernel/btf/vmlinux ]; then
	"$KSURF" add --running
fi
for p in $pkgs; do
	"$KSURF" add "$CACHE/$p"_*.deb
done
"$KSURF" list
"$KSURF" show struct bpf_ksym
