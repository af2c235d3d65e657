#!/bin/bash
# The same images ingested from the whole .deb files and from the extracted kernel,
# config and (old layout) modules directory give identical datasets (identity, BTF,
# symbols, config, items and where each lives).
. "$(dirname "$0")/lib/common.bash"
need_shared
D=$KSURF_SHARED/debs

content() { # db -> a canonical dump of everything but provenance and time
	sqlite3 "$1" "
	SELECT name, version, revision, flavor, arch, distro, release, content_hash, btf_types,
	       packing, btf_found_by, btf_endian, banner, sym_source, modules, modules_skipped
	  FROM image ORDER BY name;
	SELECT i.name, count(*), sum(s.addr % 1000003), group_concat(DISTINCT s.type)
	  FROM symbol s JOIN image i ON i.id = s.image_id GROUP BY i.name ORDER BY i.name;
	SELECT i.name, c.name, c.value FROM config c JOIN image i ON i.id = c.image_id ORDER BY 1, 2;
	SELECT im.name, it.kind, it.name, hex(d.hash), t.module, t.others FROM image_item t JOIN image im ON im.id = t.image_id
	  JOIN item it ON it.id = t.item_id JOIN def d ON d.id = t.def_id ORDER BY 1, 2, 3;" | sha256sum
}

extract() { # deb member... -> files in $T/x
	dpkg-deb --fsys-tarfile "$1" | tar -x -C "$T/x" --wildcards "${@:2}" 2>/dev/null || true
}

mkdir -p "$T/x"
ks -q --db "$T/deb.db" add "$D/linux-binary-unsigned-7.2.13+deb14-amd64_7.2.13-1_amd64.deb" \
	"$D/linux-base-7.2.13+deb14-amd64_7.2.13-1_amd64.deb" >/dev/null
ks -q --db "$T/deb.db" add "$D/linux-image-6.1.0-50-cloud-amd64-unsigned_6.1.176-1_amd64.deb" >/dev/null

extract "$D/linux-binary-unsigned-7.2.13+deb14-amd64_7.2.13-1_amd64.deb" '*vmlinuz*'
extract "$D/linux-base-7.2.13+deb14-amd64_7.2.13-1_amd64.deb" '*/config' '*/System.map'
extract "$D/linux-image-6.1.0-50-cloud-amd64-unsigned_6.1.176-1_amd64.deb" './boot/*' './lib/modules/*'
m=$T/x/usr/lib/modules/7.2.13+deb14-amd64
ks -q --db "$T/files.db" add "$m/vmlinuz.unsigned" "$m/config" "$m/System.map" >/dev/null
ks -q --db "$T/files.db" add "$T"/x/boot/vmlinuz-6.1.0-50-cloud-amd64 \
	"$T"/x/boot/config-6.1.0-50-cloud-amd64 "$T"/x/boot/System.map-6.1.0-50-cloud-amd64 \
	"$T"/x/lib/modules/6.1.0-50-cloud-amd64 >/dev/null

a=$(content "$T/deb.db")
b=$(content "$T/files.db")
if [ "$a" != "$b" ]; then
	ks --db "$T/deb.db" list
	ks --db "$T/files.db" list
	fail "datasets differ"
fi
pass "packages and extracted files give identical datasets ($(ks --db "$T/files.db" list --format json | jq -r '[.images[].name] | join(", ")'))"
finish
