/* ksurf site: search, and the index tables of each kind. Plain script, no network, works
 * from file:// (data comes in <script> files that call ksurf_search / ksurf_data). */
"use strict";

var KS = { root: "", pageSize: 200 };

/* The file of an item's page, as ks_site_file_name writes it. */
function ksFile(name) {
  var bytes = new TextEncoder().encode(name), out = "";
  for (var i = 0; i < bytes.length; i++) {
    var c = bytes[i], ch = String.fromCharCode(c);
    if (/[A-Za-z0-9_-]/.test(ch) || (ch === "." && i > 0)) out += ch;
    else out += "~" + (c < 16 ? "0" : "") + c.toString(16).toUpperCase();
  }
  return out + ".html";
}

function ksHref(kind, name) {
  return KS.root + encodeURIComponent(kind) + "/" + encodeURIComponent(ksFile(name));
}

function el(tag, attrs, text) {
  var e = document.createElement(tag);
  for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
  if (text !== undefined) e.textContent = text;
  return e;
}

/* A filter: /regex/ or words that must all appear (case-insensitive). */
function ksMatcher(q) {
  q = q.trim();
  var m = /^\/(.*)\/$/.exec(q);
  if (m) {
    try { var re = new RegExp(m[1], "i"); return function (s) { return re.test(s); }; }
    catch (e) { return function () { return false; }; }
  }
  var words = q.toLowerCase().split(/\s+/).filter(Boolean);
  return function (s) {
    var l = s.toLowerCase();
    for (var i = 0; i < words.length; i++) if (l.indexOf(words[i]) < 0) return false;
    return true;
  };
}

/* ---- search (the home page) ---- */

function ksurf_search(idx) { KS.search = idx; }

function ksRunSearch(q, list, count) {
  list.textContent = "";
  if (!KS.search || !q.trim()) { count.textContent = ""; return; }
  var ql = q.trim().toLowerCase(), match = ksMatcher(q), hits = [];
  KS.search.kinds.forEach(function (kind, k) {
    var names = KS.search.names[k].split("\n");
    for (var i = 0; i < names.length; i++) {
      var n = names[i];
      if (!n || !match(n)) continue;
      var l = n.toLowerCase();
      hits.push({ kind: kind, name: n, rank: l === ql ? 0 : l.indexOf(ql) === 0 ? 1 : 2 });
    }
  });
  hits.sort(function (a, b) {
    return a.rank - b.rank || a.name.length - b.name.length || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  });
  count.textContent = hits.length + (hits.length === 1 ? " item" : " items") +
    (hits.length > 100 ? ", the first 100 shown" : "");
  hits.slice(0, 100).forEach(function (h) {
    var li = el("li");
    li.appendChild(el("span", { class: "k" }, h.kind));
    li.appendChild(el("a", { href: ksHref(h.kind, h.name), class: "mono" }, h.name));
    list.appendChild(li);
  });
}

function ksSearchPage() {
  var box = document.getElementById("q"), list = document.getElementById("results"),
      count = document.getElementById("count");
  if (!box || !list) return;
  var q = new URLSearchParams(location.search).get("q") || "";
  box.value = q;
  var run = function () { ksRunSearch(box.value, list, count); };
  box.addEventListener("input", run);
  run();
}

/* ---- the index of a kind ---- */

function ksurf_data(d) { KS.data = d; }

/* Bits of an image's cell (report.h KS_IMG_*). */
var B = { PRESENT: 1, FULL: 2, SELECTIVE: 4, TRANSFORMED: 8, DUP: 16, COLL: 32, UNKNOWN: 64, CHANGED: 128 };
var SYM = [ /* rank order: what a cell shows first */
  ["unknown", "?", "na", "absent from vmlinux; modules not ingested"],
  ["absent", "✗", "err", "absent"],
  ["changed", "Δ", "warn", "changed"],
  ["collision", "C", "warn", "name collision"],
  ["duplicate", "D", "warn", "duplicate"],
  ["inlined", "F", "warn", "fully inlined"],
  ["selective", "S", "warn", "selectively inlined"],
  ["transformed", "T", "warn", "transformed"],
  ["ok", "✓", "ok", "present, unchanged"]
];

function symOf(bits, changed) {
  var w = [];
  if (!(bits & B.PRESENT)) return bits & B.UNKNOWN ? 0 : 1;
  if (changed) return 2;
  if (bits & B.COLL) return 3;
  if (bits & B.DUP) return 4;
  if (bits & B.FULL) return 5;
  if (bits & B.SELECTIVE) return 6;
  if (bits & B.TRANSFORMED) return 7;
  return 8;
}

function wordsOf(bits) {
  var w = [];
  if (bits & B.FULL) w.push("fully inlined");
  if (bits & B.SELECTIVE) w.push("selectively inlined");
  if (bits & B.TRANSFORMED) w.push("transformed");
  if (bits & B.DUP) w.push("duplicate");
  if (bits & B.COLL) w.push("collision");
  return w;
}

function ksIndexPage() {
  var d = KS.data, host = document.getElementById("index");
  if (!d || !host) return;
  var ni = d.images.length, ng = d.groups.length;
  var rows = d.rows.split("\n").filter(Boolean).map(function (line) {
    var f = line.split("\t"), bits = [], i;
    for (i = 0; i < ni; i++) bits.push(parseInt(f[1].substr(2 * i, 2), 16));
    return { name: f[0], bits: bits, gch: f[2] || "" };
  });
  var state = { cols: ng ? "groups" : "images", sort: -1, dir: 1, page: 0, filter: "", show: "all" };
  var q = new URLSearchParams(location.search);
  if (q.get("q")) state.filter = q.get("q");
  if (q.get("show")) state.show = q.get("show");
  if (q.get("cols")) state.cols = q.get("cols");

  /* The symbol rank of a row's column c. */
  function cell(r, c) {
    if (state.cols === "images") return symOf(r.bits[c], r.bits[c] & B.CHANGED);
    var g = d.groups[c], or = 0, present = 0, unknown = 0;
    g.members.forEach(function (i) {
      or |= r.bits[i];
      if (r.bits[i] & B.PRESENT) present++;
      if (r.bits[i] & B.UNKNOWN) unknown++;
    });
    if (r.gch[c] === "1") return 2;
    if (!present) return unknown ? 0 : 1;
    return symOf(or | B.PRESENT, false);
  }
  function title(r, c) {
    if (state.cols === "images") {
      var w = wordsOf(r.bits[c]);
      return d.images[c].name + ": " + SYM[cell(r, c)][3] + (w.length ? " (" + w.join(", ") + ")" : "");
    }
    var g = d.groups[c];
    return g.name + ": " + g.members.map(function (i) {
      var w = wordsOf(r.bits[i]);
      return d.images[i].label + " " + (r.bits[i] & B.PRESENT ? "present" : "absent") +
        (w.length ? " (" + w.join(", ") + ")" : "");
    }).join("; ") + (r.gch[c] === "1" ? "; changed" : "");
  }
  function ncols() { return state.cols === "images" ? ni : ng; }
  function keep(r) {
    var n = ncols(), c;
    switch (state.show) {
    case "changed": for (c = 0; c < ng; c++) if (r.gch[c] === "1") return true; return false;
    case "absent": for (c = 0; c < ni; c++) if (!(r.bits[c] & B.PRESENT)) return true; return false;
    case "words": for (c = 0; c < ni; c++) if (wordsOf(r.bits[c]).length) return true; return false;
    case "everywhere": for (c = 0; c < ni; c++) if (!(r.bits[c] & B.PRESENT)) return false; return true;
    default: return n >= 0;
    }
  }

  var filter = document.getElementById("filter"), show = document.getElementById("show"),
      cols = document.getElementById("cols"), info = document.getElementById("info"),
      table = document.getElementById("table"), prev = document.getElementById("prev"),
      next = document.getElementById("next");
  filter.value = state.filter;
  show.value = state.show;
  cols.value = state.cols;
  if (!ng) cols.disabled = true;

  function render() {
    var match = ksMatcher(state.filter), list = rows.filter(function (r) {
      return match(r.name) && keep(r);
    });
    if (state.sort >= 0) {
      list.sort(function (a, b) {
        return (cell(a, state.sort) - cell(b, state.sort)) * state.dir || (a.name < b.name ? -1 : 1);
      });
    } else if (state.dir < 0) {
      list.reverse();
    }
    var pages = Math.max(1, Math.ceil(list.length / KS.pageSize));
    if (state.page >= pages) state.page = pages - 1;
    var from = state.page * KS.pageSize, to = Math.min(list.length, from + KS.pageSize);
    info.textContent = list.length ? (from + 1) + "–" + to + " of " + list.length +
      (list.length !== rows.length ? " (" + rows.length + " in all)" : "") : "nothing matches";
    prev.disabled = state.page === 0;
    next.disabled = state.page >= pages - 1;

    table.textContent = "";
    /* headings sort on click, Enter or Space; aria-sort says how */
    var sortAttr = function (c) {
      return state.sort === c ? (state.dir > 0 ? "ascending" : "descending") : "none";
    };
    var head = el("tr"), th = el("th", { class: "sort", "data-c": "-1", scope: "col", tabindex: "0",
                                         "aria-sort": state.sort < 0 ? (state.dir > 0 ? "ascending" : "descending") : "none" }, d.kind);
    head.appendChild(th);
    for (var c = 0; c < ncols(); c++) {
      var label = state.cols === "images" ? d.images[c].label : d.groups[c].name;
      var h = el("th", { class: "sort c", "data-c": String(c), scope: "col", tabindex: "0",
                         "aria-sort": sortAttr(c),
                         title: state.cols === "images" ? d.images[c].name : d.groups[c].pairing }, label);
      head.appendChild(h);
    }
    var thead = el("thead"), tbody = el("tbody");
    thead.appendChild(head);
    for (var i = from; i < to; i++) {
      var r = list[i], tr = el("tr"), td = el("td", { class: "name" });
      td.appendChild(el("a", { href: ksHref(d.kind, r.name) }, r.name));
      tr.appendChild(td);
      for (c = 0; c < ncols(); c++) {
        var s = SYM[cell(r, c)];
        tr.appendChild(el("td", { class: "c " + s[2], title: title(r, c) }, s[1]));
      }
      tbody.appendChild(tr);
    }
    table.appendChild(thead);
    table.appendChild(tbody);
  }
  function sortBy(t) {
    var c = parseInt(t.getAttribute("data-c"), 10);
    if (state.sort === c) state.dir = -state.dir; else { state.sort = c; state.dir = 1; }
    render();
    var again = table.querySelector('th[data-c="' + c + '"]');
    if (again) again.focus();
  }
  table.addEventListener("click", function (e) {
    var t = e.target.closest("th");
    if (t) sortBy(t);
  });
  table.addEventListener("keydown", function (e) {
    var t = e.target.closest("th");
    if (t && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); sortBy(t); }
  });
  filter.addEventListener("input", function () { state.filter = filter.value; state.page = 0; render(); });
  show.addEventListener("change", function () { state.show = show.value; state.page = 0; render(); });
  cols.addEventListener("change", function () { state.cols = cols.value; state.sort = -1; render(); });
  prev.addEventListener("click", function () { state.page--; render(); });
  next.addEventListener("click", function () { state.page++; render(); });
  render();
}

document.addEventListener("DOMContentLoaded", function () {
  KS.root = document.body.getAttribute("data-root") || "";
  ksSearchPage();
  ksIndexPage();
});
