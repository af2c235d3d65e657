#!/bin/bash
# Tracepoints: sched_switch on every shared kernel with BTF, the _ftrace_events data path
# on the 7.2 debs against the symbols+btf path on the same kernel, and the running
# kernel against tracefs available_events.
. "$(dirname "$0")/lib/common.bash"
need_shared
D=$KSURF_SHARED/debs

tp_q() { # db sql-where: tracepoint rows "name|source|class"
	sqlite3 "$1" "SELECT i.name, json_extract(d.body,'\$.source'), ifnull(json_extract(d.body,'\$.class'),'-')
		FROM item i JOIN image_item ii ON ii.item_id = i.id JOIN def d ON d.id = ii.def_id
		WHERE i.kind = 'tracepoint' $2 ORDER BY 1"
}

use_shared_dataset
n=$(shared_btf_dirs | wc -l)
have=$(sqlite3 "$KSURF_DB" "SELECT count(*) FROM image_item ii JOIN item i ON i.id = ii.item_id
	WHERE i.kind = 'tracepoint' AND i.name = 'sched_switch'")
[ "$have" = "$n" ] || fail "sched_switch in $have of $n images"
ks show tracepoint sched_switch >"$T/page"
grep -q 'trace_sched_switch(bool preempt, struct task_struct \*prev' "$T/page" || fail "page lacks the probe"
grep -q 'struct trace_event_raw_sched_switch {' "$T/page" || fail "page lacks the record"
pass "sched_switch present in all $n shared images with BTF"

# the data path on the 7.2 debs
export KSURF_DB=$T/debs.db
ks -q add "$D/linux-binary-unsigned-7.2.13+deb14-amd64_7.2.13-1_amd64.deb" \
	"$D/linux-base-7.2.13+deb14-amd64_7.2.13-1_amd64.deb" >/dev/null
ks -q add "$D/linux-binary-unsigned-7.2.13+deb14-arm64_7.2.13-1_arm64.deb" \
	"$D/linux-base-7.2.13+deb14-arm64_7.2.13-1_arm64.deb" >/dev/null
ks -q add "$D/linux-binary-7.2.13+deb14-s390x_7.2.13-1_s390x.deb" \
	"$D/linux-base-7.2.13+deb14-s390x_7.2.13-1_s390x.deb" >/dev/null
for a in amd64 arm64 s390x; do
	row=$(sqlite3 "$KSURF_DB" "SELECT json_extract(d.body,'\$.class') || '|' || json_extract(d.body,'\$.system')
		|| '|' || json_extract(d.body,'\$.source') || '|' || json_extract(d.body,'\$.format')
		FROM item i JOIN image_item ii ON ii.item_id = i.id JOIN def d ON d.id = ii.def_id
		JOIN image m ON m.id = ii.image_id WHERE i.kind = 'tracepoint' AND i.name = 'sched_switch'
		AND m.name = '7.2.13-deb14-$a-$a'")
	case "$row" in
	'sched_switch|sched|ftrace_events|"prev_comm=%s'*) ;;
	*) fail "$a: sched_switch is $row" ;;
	esac
done
pass "7.2 debs (amd64 ELF, arm64 and s390x raw): sched_switch from _ftrace_events"

# the same amd64 kernel without its bytes: same events, same probes
tp_q "$KSURF_DB" "AND ii.image_id = (SELECT id FROM image WHERE name = '7.2.13-deb14-amd64-amd64')" | cut -d'|' -f1 >"$T/data"
export KSURF_DB=$T/fb.db
add_shared sid-7.2.13-amd64-amd64
tp_q "$KSURF_DB" "" | cut -d'|' -f1 >"$T/fb"
[ "$(wc -l <"$T/data")" = 858 ] || fail "data path: $(wc -l <"$T/data") tracepoints, bpftool has 858"
cmp -s "$T/data" "$T/fb" || { diff "$T/data" "$T/fb" | head; fail "data and symbols+btf paths differ"; }
pass "7.2 amd64: 858 tracepoints by both paths"

# the running kernel against tracefs
EV=/sys/kernel/tracing/available_events
if [ -r /sys/kernel/btf/vmlinux ] && [ -r "$EV" ] && [ -n "$(head -c1 "$EV" 2>/dev/null)" ]; then
	export KSURF_DB=$T/run.db
	ks -q add --running >/dev/null
	tp_q "$KSURF_DB" "" | cut -d'|' -f1 >"$T/run"
	grep -v '^syscalls:\|^ftrace:' "$EV" | cut -d: -f2 | sort -u >"$T/avail"
	missing=$(comm -13 "$T/run" "$T/avail" | wc -l)
	[ "$missing" = 0 ] || { comm -13 "$T/run" "$T/avail" | head; fail "$missing events of available_events missing"; }
	pass "running kernel: all $(wc -l <"$T/avail") available_events (no syscalls) are tracepoints"
else
	echo "skipped: running kernel: no readable tracefs available_events"
fi
finish
