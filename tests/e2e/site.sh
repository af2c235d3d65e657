#!/bin/bash
# ksurf site: a website of a dataset, opened from file:// in headless Chromium. The
# fixture images are built here (gcc -g, pahole -J), so this runs without ../shared:
# kcopyd_job gains a field between them. Checked: the pages and their counts, the
# search finding kcopyd_job, its page's pairs, links between items, the kind index,
# HTML escaping of hostile names and values, the incremental rewrite, the refusal of a
# foreign directory. Screenshots are kept in $KSURF_BUILD/e2e/site-artifacts.
. "$(dirname "$0")/lib/common.bash"
for tool in gcc pahole; do
	command -v $tool >/dev/null || fail "$tool is needed"
done
FX=$KSURF_SRC/tests/fixtures/site
ART=${KSURF_BUILD:-$T}/e2e/site-artifacts
rm -rf "$ART"
mkdir -p "$ART"

# Two images. Their System.map has a text symbol with <, &, quotes in its name; their
# config a string value with them.
for v in 1 2; do
	def=""
	[ $v = 2 ] && def=-DV2
	gcc -g -c $def "$FX/k.c" -o "$T/k$v.o"
	pahole -J "$T/k$v.o"
	printf '0000000000001000 T kcopyd_submit\n0000000000002000 t evil<b>&"q'"'"'\n' >"$T/map$v"
	printf 'CONFIG_BPF=y\nCONFIG_EVIL="<script>alert(1)</script> & \\"x\\" '"'"'y'"'"'"\nCONFIG_V%s=y\n' $v >"$T/config$v"
	ks -q add "$T/k$v.o" "$T/map$v" "$T/config$v" --version $v.0 --revision 1 --flavor fx \
		--arch amd64 --distro test >/dev/null
done
ks list >"$T/list"

# 1. The site: every page, the counts printed.
ks site "$T/site" >"$T/out"
grep -Eq "^site $T/site: [0-9]+ files \([0-9]+ item pages\), [0-9.]+ MiB; [0-9]+ written, 0 unchanged, 0 removed" "$T/out" ||
	{ cat "$T/out"; fail "site summary line"; }
for f in index.html summary.html ksurf.css ksurf.js search.js struct.html func.html config.html \
	data/struct.js struct/kcopyd_job.html struct/dm_io_region.html typedef/kcopyd_job_t.html \
	func/kcopyd_submit.html config/CONFIG_EVIL.html struct/old_only.html struct/new_only.html; do
	[ -s "$T/site/$f" ] || fail "no $f"
done
npages=$(grep -Eo '\(([0-9]+) item pages\)' "$T/out" | grep -Eo '[0-9]+')
nitems=$(sqlite3 "$KSURF_DB" "SELECT count(DISTINCT item_id) FROM image_item")
[ "$npages" = "$nitems" ] || fail "$npages item pages for $nitems items"
[ "$(cd "$T/site" && find . -mindepth 2 -name '*.html' | wc -l)" = "$nitems" ] || fail "page files != items"
sed 's/^ksurf_data(//; s/);$//' "$T/site/data/struct.js" | jq -r '.rows' | cut -f1 | sed '/^$/d' >"$T/rows"
LC_ALL=C sort -c "$T/rows" || fail "data/struct.js: rows not sorted by name"
[ "$(wc -l <"$T/rows")" = "$(sqlite3 "$KSURF_DB" "SELECT count(*) FROM item WHERE kind = 'struct'")" ] ||
	fail "data/struct.js: not one row per struct"
pass "site: $npages item pages, one per item, and the indexes"

# 2. An item page is the page `ksurf show --format html` writes, inside the site's shell,
# with links to the types it names.
P=$T/site/struct/kcopyd_job.html
ks show struct kcopyd_job --format html >"$T/show.html"
sed -n '/<h1>/,/<\/section>$/p' "$T/show.html" | sed 's#<a href="[^"]*">##g; s#</a>##g' >"$T/show.body"
sed -n '/<h1>/,/<\/section>$/p' "$P" | sed 's#<a href="[^"]*">##g; s#</a>##g' >"$T/site.body"
diff -u "$T/show.body" "$T/site.body" || fail "the site's page differs from ksurf show --format html"
grep -q 'Changed between <b>1.0</b> and <b>2.0</b>' "$P" || fail "kcopyd_job: no changed pair"
grep -q '<li><code>Field added. sector_t write_offset</code></li>' "$P" || fail "kcopyd_job: no field added"
grep -q 'struct <a href="../struct/dm_io_region.html">dm_io_region</a> dests\[8\];' "$P" ||
	fail "kcopyd_job: the member's struct is not a link"
grep -q '<a href="../typedef/sector_t.html">sector_t</a> write_offset;' "$P" || fail "typedef not a link"
grep -q 'struct <a href="../struct/kcopyd_job.html">kcopyd_job</a>' "$T/site/typedef/kcopyd_job_t.html" ||
	fail "typedef: no link to its struct"
grep -q 'Removed between <b>1.0</b> and <b>2.0</b>' "$T/site/struct/old_only.html" || fail "old_only"
grep -q 'Added between <b>1.0</b> and <b>2.0</b>' "$T/site/struct/new_only.html" || fail "new_only"
pass "item pages: show's HTML, pairs and changes, links from C to the types' pages"

# 3. Escaping: the hostile symbol and config value never reach the HTML raw.
evil=$(ls "$T/site/func" | grep '^evil')
[ "$evil" = 'evil~3Cb~3E~26~22q~27.html' ] || fail "file name of evil<b>&\"q': $evil"
grep -q '<h1><span class="kind">func</span> evil&lt;b&gt;&amp;&quot;q&#39;</h1>' "$T/site/func/$evil" ||
	fail "the symbol's name is not escaped"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt; &amp; \\&quot;x\\&quot; &#39;y&#39;' "$T/site/config/CONFIG_EVIL.html" ||
	{ grep -n EVIL "$T/site/config/CONFIG_EVIL.html"; fail "the config value is not escaped"; }
! grep -rq '<script>alert' "$T/site" || fail "a raw <script> in the site"
! grep -rq 'evil<b>' "$T/site" --include='*.html' || fail "a raw name in the site"
pass "hostile names and values are escaped, in pages and file names"

# 4. The summary: a diff table per group, as ksurf diff counts, and SVG plots.
S=$T/site/summary.html
grep -q '<h2 id="s-Regular">Regular</h2>' "$S" || fail "summary: no Regular section"
added=$(ks diff --group Regular --format json --summary | jq '.groups[0].pairs[0].counts.struct.added')
[ "$added" = 1 ] || fail "ksurf diff: $added structs added, not 1"
grep -q "<td>added</td><td class=\"n warn\">$added</td>" "$S" || fail "summary: struct added != $added"
[ "$(grep -c '<svg ' "$S")" -ge 2 ] || fail "summary: plots"
pass "summary: diff tables agree with ksurf diff, plots"

# 5. Incremental: unchanged → nothing written; one more image → only what changed, and
# the pages of items that are gone are removed.
ks site "$T/site" >"$T/out2"
grep -Eq "; 0 written, [0-9]+ unchanged, 0 removed" "$T/out2" || { cat "$T/out2"; fail "rerun rewrote files"; }
before=$(stat -c %Y "$T/site/struct/dm_io_region.html")
gcc -g -c -DV2 -DV3 "$FX/k.c" -o "$T/k3.o"
pahole -J "$T/k3.o"
ks -q add "$T/k3.o" --version 3.0 --revision 1 --flavor fx --arch amd64 --distro test >/dev/null
ks site "$T/site" >"$T/out3"
grep -Eq "; [1-9][0-9]* written, [0-9]+ unchanged, 0 removed" "$T/out3" || { cat "$T/out3" "$T/list"; ks list; fail "third run"; }
grep -q '>3.0 <span' "$T/site/struct/kcopyd_job.html" || fail "new image not on the page"
echo 'not ours' >"$T/site/mine.txt"
ks site "$T/site" --kind struct >"$T/out4"
[ ! -e "$T/site/func/kcopyd_submit.html" ] || fail "pages of kinds left out not removed"
[ -e "$T/site/mine.txt" ] || fail "a file the site did not write was removed"
grep -Eq "[1-9][0-9]* removed" "$T/out4" || { cat "$T/out4"; fail "nothing removed"; }
pass "incremental: rerun writes nothing, a new image rewrites what changed, gone pages removed"

# 6. A directory that is not a site is refused; a killed run's manifest is distrusted.
mkdir "$T/other"
echo x >"$T/other/notes.txt"
expect_error 1 ks site "$T/other"
expect_error 1 ks site "$T/other/notes.txt"
[ "$(ls "$T/other")" = notes.txt ] || fail "wrote into a foreign directory"
ks site "$T/site" >/dev/null
sed -i '1s/.*/ksurf site 1 writing/' "$T/site/.ksurf-site"
echo garbage >"$T/site/struct/kcopyd_job.html"
ks site "$T/site" >"$T/out5"
grep -q 'Field added' "$T/site/struct/kcopyd_job.html" || fail "a killed run's page was trusted"
pass "a foreign directory is refused; after a killed run every page is rewritten"

# 7. Saved check results: programs.html, a program × image grid; item pages untouched.
if bpf_fixture core 2>/dev/null >/dev/null; then
	ks site "$T/site" >/dev/null
	ks check "$T/core.bpf.o" --save --fail-on none >/dev/null
	[ "$(sqlite3 "$KSURF_DB" 'SELECT count(*) FROM check_result')" = 1 ] || fail "check --save"
	ks check "$T/core.bpf.o" --save --fail-on none >/dev/null
	[ "$(sqlite3 "$KSURF_DB" 'SELECT count(*) FROM check_result')" = 1 ] || fail "check --save twice: 2 rows"
	ks site "$T/site" >"$T/out6"
	grep -Eq "; [1-9] written, [0-9]+ unchanged" "$T/out6" || { cat "$T/out6"; fail "a check run rewrote item pages"; }
	G=$T/site/programs.html
	for prog in read_entry sleep_entry send; do
		grep -q "\">$prog</td><td class=\"c " "$G" || fail "programs: no row for $prog"
	done
	[ "$(grep -o '<th class="c" title="[^"]*">[^<]*</th>' "$G" | head -3 | sed 's/.*">//; s/<.*//' | tr '\n' ' ')" = "1.0 2.0 3.0 " ] ||
		fail "programs: columns are not the images' labels"
	grep -q '<td class="c err" title="' "$G" || fail "programs: no failing cell (the fixture kernel has no task_struct)"
	grep -q '<a href="programs.html">programs</a>' "$T/site/index.html" || fail "home: no programs link"
	pass "check --save: programs.html has a program × image grid; item pages are not rewritten"
else
	echo "skipped: check --save (no clang for the BPF fixture)"
fi

# 8. Headless Chromium, from file://: the search finds kcopyd_job, the index lists it as
# changed, the page shows its pairs; screenshots kept.
CHROME=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$CHROME" ]; then
	[ "${CI:-}" = true ] && fail "chromium is not installed (scripts/install-deps.sh installs it)"
	echo "skipped: no chromium"
	echo "$PASSED passed"
	exit 0
fi
ks site "$T/site" >/dev/null
chrome() { timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --no-first-run \
	--user-data-dir="$T/chrome" --virtual-time-budget=10000 "$@" 2>/dev/null; }
U=file://$T/site
chrome --dump-dom "$U/index.html?q=kcopyd_job" >"$T/search.dom"
grep -q '<a href="struct/kcopyd_job.html" class="mono">kcopyd_job</a>' "$T/search.dom" ||
	{ grep -o '<ul id="results">.*</ul>' "$T/search.dom"; fail "search: kcopyd_job not found"; }
grep -q 'id="count" class="note">[1-9][0-9]* item' "$T/search.dom" || fail "search: no count"
chrome --dump-dom "$U/index.html?q=evil" >"$T/evil.dom"
href=$(grep -o '<a href="func/evil[^"]*"' "$T/evil.dom" | head -1 | sed 's/<a href="//; s/"$//')
[ -n "$href" ] || fail "search: the hostile symbol not found"
[ -f "$T/site/$(printf '%b' "${href//%/\\x}")" ] || fail "search: its link $href has no file"
chrome --dump-dom "$U/struct.html?q=kcopyd" >"$T/index.dom"
grep -q '<a href="struct/kcopyd_job.html">kcopyd_job</a></td><td class="c warn" title="Regular: ' "$T/index.dom" ||
	{ grep -o '<tbody>.*</tbody>' "$T/index.dom" | head -c 2000; fail "index: kcopyd_job not shown as changed"; }
chrome --dump-dom "$U/struct/kcopyd_job.html" >"$T/page.dom"
grep -q 'Changed between <b>1.0</b> and <b>2.0</b>' "$T/page.dom" || fail "page: pair 1.0 → 2.0"
grep -q 'Changed between <b>2.0</b> and <b>3.0</b>\|No changes between <b>2.0</b> and <b>3.0</b>' "$T/page.dom" ||
	fail "page: pair 2.0 → 3.0"
chrome --window-size=1200,900 --screenshot="$ART/item-page.png" "$U/struct/kcopyd_job.html" >/dev/null
chrome --window-size=1200,900 --screenshot="$ART/index-page.png" "$U/struct.html" >/dev/null
chrome --window-size=1200,900 --screenshot="$ART/search.png" "$U/index.html?q=kcopyd" >/dev/null
chrome --window-size=1200,900 --screenshot="$ART/summary.png" "$U/summary.html" >/dev/null
chrome --window-size=420,900 --screenshot="$ART/item-page-narrow.png" "$U/struct/kcopyd_job.html" >/dev/null
for f in item-page index-page search summary item-page-narrow; do
	[ "$(stat -c %s "$ART/$f.png")" -gt 10000 ] || fail "screenshot $f"
done
pass "chromium: search finds kcopyd_job, the index marks it changed, its page has the pairs; screenshots in $ART"
echo "$PASSED passed"
