#!/bin/bash
# Killing `ksurf add` at any moment leaves the previous content intact, and a reader can
# read while a writer writes.
. "$(dirname "$0")/lib/common.bash"
need_shared
add_shared bullseye-5.10.223-amd64-amd64
before=$(db_fingerprint)
for delay in 0.05 0.2 0.4 0.6 0.8 0.9 1.0 1.1 1.2 1.3 1.4 1.5 1.6 1.8 2 2.5 3 4 6 8 12 20 40; do
	# The binary itself in the background (not the ks function, whose subshell
	# would die and leave ksurf running).
	"$KSURF_BIN" -q add "$KSURF_SHARED/debs/linux-binary-unsigned-7.2.13+deb14-amd64_7.2.13-1_amd64.deb" \
		"$KSURF_SHARED/debs/linux-base-7.2.13+deb14-amd64_7.2.13-1_amd64.deb" >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	# A concurrent reader sees the committed content while the writer works.
	ks list --format json | jq -e '.images | length >= 1' >/dev/null || fail "reader failed during write"
	kill -9 $pid 2>/dev/null || true
	wait $pid 2>/dev/null || true
	! kill -0 $pid 2>/dev/null || fail "ksurf still running after kill"
	[ "$(sqlite3 "$KSURF_DB" 'PRAGMA integrity_check')" = ok ] || fail "integrity after kill at $delay s"
	now=$(db_fingerprint)
	if [ "$now" != "$before" ]; then
		# The add finished before the kill: then it must be complete.
		[ "$(ks list --format json | jq '[.images[] | select(.version == "7.2.13")] | length')" = 1 ] ||
			fail "partial image after kill at $delay s"
		[ "$(sqlite3 "$KSURF_DB" "select count(*) from symbol s join image i on i.id = s.image_id where i.version = '7.2.13'")" -gt 100000 ] ||
			fail "image without its symbols after kill at $delay s"
		pass "kill after $delay s: add had completed, image whole"
		break
	fi
	pass "kill after $delay s: dataset unchanged"
done
finish
