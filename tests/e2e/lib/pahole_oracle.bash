# pahole as the oracle of types encoded from DWARF: pahole's own reading of the DWARF
# (`pahole -C`, which never goes through BTF) against what ksurf stored.

# pahole_layout ELF STRUCT: "size N", then "name bit_offset" for every member C reaches
# as s.name (members of anonymous structs and unions included, at their offset in
# STRUCT; those of named members of an anonymous type left out), sorted.
pahole_layout() {
	pahole -C "$2" "$1" | awk '
		function emit(s) { out[n++] = s }
		NR == 1 || /^\}/ { next }	# the struct itself opens and closes
		/(struct|union)[ \t]*\{$/ { mark[++depth] = n; next }
		/\/\* size: [0-9]+,/ { s = $0; sub(/^.*size: /, "", s); sub(/,.*/, "", s); print "size " s; next }
		/\/\*[ ]+[0-9]+(:[ ]*[0-9]+)?[ ]+[0-9]+ \*\/$/ {
			decl = $0; sub(/;[ \t]*\/\*.*$/, "", decl); sub(/[ \t]*__attribute__\(\(.*\)\)$/, "", decl)
			c = $0; sub(/^.*\/\*[ ]+/, "", c); sub(/[ ]*\*\/$/, "", c)
			nf = split(c, f, /[ :]+/)
			bit = nf == 3 ? f[1] * 8 + f[2] : f[1] * 8
			if (decl ~ /^[ \t]*\}/) {
				if (depth > 0) {
					if (decl !~ /^[ \t]*\}[ \t]*$/) {
						n = mark[depth]	# a named member: its inside is not s.x
						name = decl; sub(/^[ \t]*\}[ \t]*/, "", name); sub(/\[.*$/, "", name)
						emit(name " " bit)
					}
					depth--
				}
				next
			}
			if (match(decl, /\(\*[A-Za-z_0-9]+\)/)) {
				name = substr(decl, RSTART + 2, RLENGTH - 3)
			} else {
				sub(/:[0-9]+$/, "", decl); sub(/(\[[0-9]+\])+$/, "", decl)
				match(decl, /[A-Za-z_0-9]+$/); name = substr(decl, RSTART, RLENGTH)
			}
			emit(name " " bit)
		}
		END { for (i = 0; i < n; i++) print out[i] }' | sort
}

# ksurf_layout IMAGE STRUCT: the same from ksurf's stored definition.
ksurf_layout() {
	ks show struct "$2" --format json --all-defs |
		jq -r --arg img "$1" '[.groups[].images[] | select(.image == $img) | .def][0] |
			"size \(.size)", (.members[] | "\(.name) \(.offset)")' | sort
}
